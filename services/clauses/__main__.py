"""`python -m services.clauses`: the ledger's consumer and its HTTP API in one process."""

import logging

import uvicorn

from services.clauses.app import build, http_app
from services.clauses.settings import ClausesSettings


def main() -> None:
    """Read the settings, wire the service and serve it until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = ClausesSettings()
    uvicorn.run(http_app(build(settings)), host=settings.http_host, port=settings.http_port)


if __name__ == "__main__":
    main()
