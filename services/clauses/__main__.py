"""`python -m services.clauses`: the ledger's consumer and its HTTP API in one process."""

import logging

from services.clauses.bootstrap import build, http_app
from services.clauses.settings import ClausesSettings
from shared.http_server import serve


def main() -> None:
    """Read the settings, wire the service and serve it until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = ClausesSettings()
    serve(
        http_app(build(settings)),
        host=settings.http_host,
        port=settings.http_port,
        settings=settings,
    )


if __name__ == "__main__":
    main()
