"""The HTTP answers' shapes (documented in the OpenAPI)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.ingest.records import Receipt


class ErrorItem(BaseModel):
    """One reason for a refusal: an English code, a French message, and where."""

    code: str = Field(description="English code, e.g. negative_hours")
    message: str = Field(description="Explanation in French")
    field: str | None = Field(default=None, description="The field (or CSV column's field)")
    location: str | None = Field(default=None, description="Path in the JSON body")
    line: int | None = Field(default=None, description="CSV line as a spreadsheet shows it")
    column: str | None = Field(default=None, description="CSV column header as in the file")
    current_version: int | None = Field(
        default=None,
        description="409: the version now current (0: none yet), to restate the correction on",
    )


class ErrorBody(BaseModel):
    """Every refusal: what happened, and every reason at once."""

    code: str
    message: str
    errors: list[ErrorItem] = []
    markets_lag: int | None = Field(
        default=None, description="Markets not yet read from the markets topic, when relevant"
    )


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
