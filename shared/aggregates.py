"""The clauses service's output contract: the current value of each aggregate, by key.

Values are absolute, never deltas: a consumer upserts by key, so a duplicate or a replay
changes nothing, and the compacted topic keeps exactly the latest value of each key.
"""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from shared.codes import ContractType, EligiblePublic, Gender, MarketCategory, Modality
from shared.events import Frozen
from shared.types import Hours, Identifier, Period, Siret


class HoursCell(Frozen):
    """Hours of one month on one market for one combination of the breakdowns."""

    kind: Literal["hours"] = "hours"
    period: Period
    market_id: Identifier
    category: MarketCategory
    reserved_market: bool
    gender: Gender
    contract_type: ContractType
    eligible_public: EligiblePublic
    modality: Modality
    employer_siret: Siret
    insertion_hours: Hours
    training_hours: Hours


class CountedThing(StrEnum):
    """What a distinct count counts: people are not contracts (278 people, 300 contracts)."""

    BENEFICIARIES = "beneficiaries"
    CONTRACTS = "contracts"
    MARKETS_WITH_HOURS = "markets_with_hours"
    EMPLOYERS = "employers"


class DistinctCount(Frozen):
    """How many distinct things had insertion or training hours in a year, by one breakdown.

    `breakdown` names the dimension (`all`, `gender`, `contract_type`, `is_sme`...) and
    `value` its value (`all` for the total).
    """

    kind: Literal["distinct_count"] = "distinct_count"
    year: int = Field(ge=2000, le=2100)
    counted: CountedThing
    breakdown: str = Field(min_length=1, max_length=40)
    value: str = Field(min_length=1, max_length=40)
    count: int = Field(ge=0)


class ClauseStatusCode(StrEnum):
    """Where a market's insertion clause stands."""

    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_REPORT = "no_report"


class ClauseStatus(Frozen):
    """One market's clause: hours owed to date against hours realised, as of a closed month."""

    kind: Literal["clause"] = "clause"
    market_id: Identifier
    as_of_period: Period
    hours_owed: Decimal = Field(ge=0)
    hours_realised: Decimal = Field(ge=0)
    status: ClauseStatusCode


Aggregate = Annotated[HoursCell | DistinctCount | ClauseStatus, Field(discriminator="kind")]


class AggregateChanged(Frozen):
    """The new value of one aggregate, published on the compacted aggregates topic."""

    schema_version: Literal[1] = 1
    key: str = Field(min_length=1, max_length=400)
    aggregate: Aggregate
    applied_at: datetime = Field(description="When the clauses service applied the last event")


aggregate_changed_adapter: TypeAdapter[AggregateChanged] = TypeAdapter(AggregateChanged)


def aggregate_key(aggregate: HoursCell | DistinctCount | ClauseStatus) -> str:
    """The compaction key of an aggregate: its kind and every dimension, never its value."""
    dimensions: tuple[str, ...]
    match aggregate:
        case HoursCell():
            dimensions = (
                aggregate.period,
                aggregate.market_id,
                aggregate.category,
                str(aggregate.reserved_market).lower(),
                aggregate.gender,
                aggregate.contract_type,
                aggregate.eligible_public,
                aggregate.modality,
                aggregate.employer_siret,
            )
        case DistinctCount():
            dimensions = (
                str(aggregate.year),
                aggregate.counted,
                aggregate.breakdown,
                aggregate.value,
            )
        case ClauseStatus():
            dimensions = (aggregate.market_id,)
    return "|".join((aggregate.kind, *dimensions))
