"""Every HTTP refusal in the same shape: errors, malformed requests, broker and database
failures, unusable Idempotency-Keys."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from services.ingest.application.ingestor import PublishError
from services.ingest.domain.idempotency import (
    BUSY_MESSAGE,
    REUSED_MESSAGE,
    Busy,
    InvalidKeyError,
    Reused,
)
from services.ingest.domain.refusals import ErrorBody, simple, validation_items

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    detail: Any = error.detail
    if not isinstance(detail, dict):
        detail = simple(_CODES.get(error.status_code, "http_error"), str(detail))
    return JSONResponse(detail, status_code=error.status_code, headers=error.headers)


async def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    items = validation_items(error.errors())
    body = ErrorBody(code="invalid_request", message="La requête est mal formée.", errors=items)
    return JSONResponse(body.model_dump(mode="json"), status_code=422)


async def _broker_failed(_request: Request, error: Exception) -> JSONResponse:
    log.error("publish failed, nothing accepted: %s", type(error).__name__)
    message = "Le courtier Kafka n'a pas accusé réception : rien n'est accepté, réessayez."
    return JSONResponse(
        simple("broker_unavailable", message), status_code=503, headers={"Retry-After": "5"}
    )


async def _database_failed(_request: Request, error: Exception) -> JSONResponse:
    log.error("database unavailable, nothing accepted: %s", type(error).__name__)
    message = "La base de données d'ingest est indisponible : rien n'est accepté, réessayez."
    return JSONResponse(
        simple("database_unavailable", message), status_code=503, headers={"Retry-After": "5"}
    )


def install_error_handlers(app: FastAPI) -> None:
    """Our bodies for HTTP errors, malformed requests, broker and database failures."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(PublishError, _broker_failed)
    app.add_exception_handler(OperationalError, _database_failed)


def key_refusal(error: InvalidKeyError) -> JSONResponse:
    """400: the key cannot be used."""
    return JSONResponse(simple("invalid_idempotency_key", str(error)), status_code=400)


def refusal_of(claim: Reused | Busy) -> JSONResponse:
    """422 for a key reused with another request, 409 while its first one is processed."""
    if isinstance(claim, Reused):
        return JSONResponse(simple("idempotency_key_reused", REUSED_MESSAGE), status_code=422)
    return JSONResponse(
        simple("idempotency_key_in_progress", BUSY_MESSAGE),
        status_code=409,
        headers={"Retry-After": "1"},
    )
