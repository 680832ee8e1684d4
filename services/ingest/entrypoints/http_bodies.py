"""HTTP bodies: requests read bounded in size, one item or a list, validated from the bytes;
the answers' shapes (documented in the OpenAPI)."""

from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import HTTPException, Request
from pydantic import BaseModel, Field, TypeAdapter

from services.ingest.domain.refusals import simple
from services.ingest.domain.versions import Receipt

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


class EventReceipt(BaseModel):
    """One event of a submission."""

    event_type: str
    event_id: str
    version: int
    topic: str
    unchanged_since: str | None = Field(
        default=None, description="Identical to the version this submission already published"
    )
    etag: str = Field(
        description='The entity-tag of this version (`"3"`): what a correction states in '
        "If-Match (or `replaces_version`: the version)"
    )

    @classmethod
    def of(cls, receipt: Receipt) -> "EventReceipt":
        """From the store's receipt."""
        return cls(
            event_type=receipt.event_type,
            event_id=receipt.event_id,
            version=receipt.version,
            topic=receipt.topic,
            unchanged_since=receipt.unchanged_since,
            etag=f'"{receipt.version}"',
        )


class AcceptedBody(BaseModel):
    """A submission the broker acknowledged (202)."""

    submission_id: str
    status: Literal["published"] = "published"
    replayed: bool = Field(description="True when it repeats an earlier identical submission")
    event_count: int
    events: list[EventReceipt]


class SubmissionBody(BaseModel):
    """A stored submission and whether it was published."""

    submission_id: str
    status: Literal["pending", "published", "failed"]
    kind: str
    source: str
    received_at: datetime
    published_at: datetime | None
    event_count: int
    events: list[EventReceipt]


class HealthBody(BaseModel):
    """Whether ingest can take submissions, and how far its markets read model is."""

    status: Literal["ok"] = "ok"
    markets_known: int
    markets_lag: int | None


class DecpDefectOut(BaseModel):
    """Why one DECP record (or the whole document, without record index) was left out."""

    record_kind: str | None
    record_index: int | None
    record_id: str | None
    field: str | None
    code: str
    message: str


class DecpAcceptedBody(AcceptedBody):
    """The markets of a DECP document that were published, and the records left out."""

    defects: list[DecpDefectOut]
