"""Run ingest: `python -m services.ingest` (or `... new-token` to mint a token and its hash)."""

import logging
import secrets
import sys

import uvicorn

from services.ingest.app import build_service, create_app
from services.ingest.auth import hash_token
from services.ingest.settings import IngestSettings


def main(argv: list[str]) -> None:
    """Serve HTTP with the broker and the raw-topic consumer in the app's lifespan."""
    if argv[:1] == ["new-token"]:
        token = secrets.token_urlsafe(32)
        print(f"token  (give it to the caller): {token}")
        print(f"sha256 (put it in the tokens file): {hash_token(token)}")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = IngestSettings()  # the key comes from INGEST_PSEUDONYMISATION_KEY
    app = create_app(build_service(settings))
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")


if __name__ == "__main__":
    main(sys.argv[1:])
