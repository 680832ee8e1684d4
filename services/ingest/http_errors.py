"""Every HTTP refusal in the same shape, and the body schemas in the OpenAPI document."""

import logging
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException

from services.ingest.api import BODIES
from services.ingest.errors import simple, validation_items
from services.ingest.responses import ErrorBody
from services.ingest.usecase import PublishError

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


def install_error_handlers(app: FastAPI) -> None:
    """Our bodies for HTTP errors, malformed requests and broker failures."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(PublishError, _broker_failed)


def register_body_schemas(app: FastAPI) -> None:
    """The submission models are read from the bytes, so add their schemas to the OpenAPI."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            models: list[tuple[type[BaseModel], Literal["validation"]]] = [
                (body.model, "validation") for body in BODIES.values()
            ]
            _, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in defs.get("$defs", {}).items():
                schemas.setdefault(name, schema)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
