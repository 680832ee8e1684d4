"""The event contract: frozen, versioned models that every service shares."""

import hashlib
import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from shared.codes import (
    ContractType,
    EligiblePublic,
    EnvironmentalConsideration,
    Gender,
    MarketCategory,
    Modality,
    SocialConsideration,
)
from shared.types import AmountHT, Hours, Identifier, Period, Pseudonym, Siret, Version

EVENT_NAMESPACE = uuid.UUID("5b1f4a52-6c1e-4f7e-9a43-0c5d2f7f3e21")
_NAMESPACE_BYTES = EVENT_NAMESPACE.bytes


def name_based_uuid(name: str) -> str:
    """`str(uuid.uuid5(EVENT_NAMESPACE, name))` in a third of its time (every event ingest
    builds derives its id): SHA-1 of namespace and name, version 5 and RFC 4122 variant bits."""
    digest = bytearray(
        hashlib.sha1(_NAMESPACE_BYTES + name.encode(), usedforsecurity=False).digest()[:16]
    )
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Frozen(BaseModel):
    """A value object: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(Frozen):
    """Common envelope: a deterministic id derived from the event's identity and version."""

    IDENTITY: ClassVar[tuple[str, ...]]
    event_id: str = Field(default="", description="Derived from identity and version when empty")
    version: Version = 1
    market_id: Identifier

    def derived_event_id(self) -> str:
        """The id this event must carry: the same submission always gets the same id."""
        values = self.__dict__  # the fields' values (getattr goes through pydantic first)
        parts = [type(self).__name__, *[str(values[name]) for name in self.IDENTITY]]
        return name_based_uuid("|".join([*parts, str(values["version"])]))

    @model_validator(mode="after")
    def _fill_or_check_event_id(self) -> Self:
        expected = self.derived_event_id()
        if not self.event_id:
            object.__setattr__(self, "event_id", expected)
        elif self.event_id != expected:
            raise ValueError(f"event_id must be derived from the event identity: {expected}")
        return self

    @property
    def key(self) -> str:
        """Kafka message key: one market's events stay in order on one partition."""
        return self.market_id


class Holder(Frozen):
    """A company that holds (part of) a market."""

    siret: Siret
    name: str | None = Field(default=None, max_length=200)
    is_sme: bool | None = Field(
        default=None, description="Small or medium-sized enterprise (PME); null when unknown"
    )
    in_territory: bool | None = Field(
        default=None, description="Established in the buyer's territory; null when unknown"
    )


class Buyer(Frozen):
    """The public buyer that notified the market."""

    siret: Siret
    name: str | None = Field(default=None, max_length=200)


class InsertionCommitment(Frozen):
    """What the holder owes: hours per 10 000 EUR HT invoiced with a yearly floor, or a total."""

    hours_per_10k_eur_ht: Hours | None = None
    min_hours_per_year: Hours | None = None
    fixed_total_hours: Hours | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        proportional = self.hours_per_10k_eur_ht is not None or self.min_hours_per_year is not None
        if self.fixed_total_hours is not None and proportional:
            raise ValueError("give either fixed_total_hours or the proportional form, not both")
        if self.fixed_total_hours is None and not proportional:
            raise ValueError(
                "expected hours_per_10k_eur_ht and/or min_hours_per_year, or fixed_total_hours"
            )
        return self


class MarketNotified(Event):
    """A buyer notified a market (a public contract) to one or more holders."""

    IDENTITY: ClassVar[tuple[str, ...]] = ("market_id",)
    event_type: Literal["MarketNotified"] = "MarketNotified"
    schema_version: Literal[1] = 1
    buyer: Buyer
    title: str = Field(min_length=1, max_length=500)
    category: MarketCategory
    cpv_code: str | None = Field(default=None, pattern=r"^[0-9]{8}(-[0-9])?$")
    amount_ht: AmountHT
    notification_date: date
    duration_months: int = Field(gt=0, le=600)
    holders: tuple[Holder, ...] = Field(min_length=1)
    social_considerations: tuple[SocialConsideration, ...] = ()
    environmental_considerations: tuple[EnvironmentalConsideration, ...] = ()
    insertion_commitment: InsertionCommitment | None = None

    @model_validator(mode="after")
    def _distinct_holders(self) -> Self:
        sirets = [holder.siret for holder in self.holders]
        if len(set(sirets)) != len(sirets):
            raise ValueError("holders: each SIRET may appear only once")
        return self


class InvoiceRecorded(Event):
    """A holder invoiced an amount on a market for a month (a later version replaces it)."""

    IDENTITY: ClassVar[tuple[str, ...]] = ("market_id", "holder_siret", "period")
    event_type: Literal["InvoiceRecorded"] = "InvoiceRecorded"
    schema_version: Literal[1] = 1
    holder_siret: Siret
    period: Period
    amount_ht: AmountHT


class WorkContractSigned(Event):
    """A beneficiary signed a work contract with an employer, under a market's clause."""

    IDENTITY: ClassVar[tuple[str, ...]] = ("contract_id",)
    event_type: Literal["WorkContractSigned"] = "WorkContractSigned"
    schema_version: Literal[1] = 1
    contract_id: Identifier
    beneficiary: Pseudonym
    gender: Gender
    contract_type: ContractType
    eligible_public: EligiblePublic
    modality: Modality
    employer_siret: Siret
    start_date: date
    end_date: date | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self


class HoursLine(Frozen):
    """Hours one beneficiary worked in the month under one work contract."""

    beneficiary: Pseudonym
    contract_id: Identifier
    insertion_hours: Hours
    training_hours: Hours = Decimal(0)


class MonthlyHoursReported(Event):
    """One employer's hours on one market for one month; a higher version replaces it whole."""

    IDENTITY: ClassVar[tuple[str, ...]] = ("market_id", "employer_siret", "period")
    event_type: Literal["MonthlyHoursReported"] = "MonthlyHoursReported"
    schema_version: Literal[1] = 1
    employer_siret: Siret
    period: Period
    lines: tuple[HoursLine, ...] = Field(default=(), max_length=10_000)

    @model_validator(mode="after")
    def _one_line_per_contract(self) -> Self:
        seen: set[str] = set()
        for index, line in enumerate(self.lines):
            if line.contract_id in seen:
                raise ValueError(f"lines[{index}]: contract {line.contract_id} appears twice")
            seen.add(line.contract_id)
        return self


AnyEvent = Annotated[
    MarketNotified | InvoiceRecorded | WorkContractSigned | MonthlyHoursReported,
    Field(discriminator="event_type"),
]
EVENT_TYPES: tuple[type[Event], ...] = (
    MarketNotified,
    InvoiceRecorded,
    WorkContractSigned,
    MonthlyHoursReported,
)
any_event_adapter: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)


def decode_event(raw: bytes | str) -> Event:
    """Parse and validate one event of any type from its JSON form."""
    event: Event = any_event_adapter.validate_json(raw)
    return event
