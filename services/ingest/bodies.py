"""Reading request bodies: bounded in size, one item or a list, validated from the bytes."""

from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Request
from pydantic import BaseModel, Field, TypeAdapter

from services.ingest.errors import simple

M = TypeVar("M", bound=BaseModel)


class BodyTooLarge(HTTPException):
    """413 with a body saying the limit."""

    def __init__(self, limit: int) -> None:
        message = f"Le corps de la requête dépasse la taille maximale de {limit} octets."
        super().__init__(413, detail=simple("body_too_large", message))


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it exceeds the limit."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


class OneOrMany:
    """Validates a JSON body holding one item or a non-empty list of items."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._one: TypeAdapter[Any] = TypeAdapter(model)
        self._many: TypeAdapter[Any] = TypeAdapter(Annotated[list[model], Field(min_length=1)])  # type: ignore[valid-type,arg-type]

    def parse(self, body: bytes) -> list[Any]:
        """The items; raises pydantic's ValidationError on a bad body."""
        if body.lstrip()[:1] == b"[":
            items: list[Any] = self._many.validate_json(body)
            return items
        return [self._one.validate_json(body)]

    def openapi(self) -> dict[str, Any]:
        """The request body as OpenAPI documents it (the schemas are registered by the app)."""
        ref = {"$ref": f"#/components/schemas/{self.model.__name__}"}
        schema = {"oneOf": [ref, {"type": "array", "items": ref, "minItems": 1}]}
        return {
            "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}
        }
