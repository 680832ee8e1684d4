"""What contractors post on the raw topic: the HTTP bodies with a `type` (and schema version)."""

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from services.ingest.auth import SubmissionKind
from services.ingest.submissions import (
    InvoiceSubmission,
    MarketSubmission,
    MonthlyHoursSubmission,
    WorkContractSubmission,
)

RAW_SCHEMA_VERSION = 1


class RawMarket(MarketSubmission):
    """A market, as the raw topic carries it."""

    type: Literal["market"]
    schema_version: Literal[1] = 1


class RawInvoice(InvoiceSubmission):
    """An invoice, as the raw topic carries it."""

    type: Literal["invoice"]
    schema_version: Literal[1] = 1


class RawWorkContract(WorkContractSubmission):
    """A work contract, as the raw topic carries it."""

    type: Literal["work_contract"]
    schema_version: Literal[1] = 1


class RawMonthlyHours(MonthlyHoursSubmission):
    """A month's report, as the raw topic carries it."""

    type: Literal["monthly_hours"]
    schema_version: Literal[1] = 1


RawSubmission = Annotated[
    RawMarket | RawInvoice | RawWorkContract | RawMonthlyHours, Field(discriminator="type")
]
raw_submission: TypeAdapter[RawSubmission] = TypeAdapter(RawSubmission)
KIND_OF_TYPE: dict[str, SubmissionKind] = {kind.value: kind for kind in SubmissionKind}
