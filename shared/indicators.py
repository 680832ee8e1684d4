"""The indicators service's output contract: each indicator's value for a year, against its target.

Snapshots travel on the compacted indicator-snapshots topic, keyed by `indicator_key`: a
consumer upserts by key and the topic keeps exactly the latest value of each indicator.
Ratios carry their numerator and denominator; a suppressed cell carries no figure at all.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field, TypeAdapter

from shared.events import Frozen


class Axis(StrEnum):
    """The four axes of the responsible-procurement scheme (SPASER)."""

    SOCIAL = "social"
    ECONOMIC = "economic"
    ENVIRONMENTAL = "environmental"
    GOVERNANCE = "governance"


class Unit(StrEnum):
    """What an indicator's value measures; a ratio is a fraction between 0 and 1 (or beyond)."""

    RATIO = "ratio"
    HOURS = "hours"
    COUNT = "count"
    EUR = "eur"
    SECONDS = "seconds"


class IndicatorStatus(StrEnum):
    """Where an indicator stands against its target."""

    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


class Target(Frozen):
    """A goal for an indicator: a value to reach by the end of a deadline year."""

    value: float
    deadline_year: int = Field(ge=2000, le=2100)
    direction: Literal["at_least", "at_most"] = "at_least"
    baseline_year: int | None = Field(
        default=None, description="Year whose computed value starts the linear trajectory"
    )
    label: str = Field(min_length=1, max_length=200, description="The goal in French")
    source: str | None = Field(default=None, max_length=200)


class IndicatorValue(Frozen):
    """One indicator for one year (and one breakdown cell), as published."""

    id: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$", examples=["social.women_share"])
    axis: Axis
    year: int = Field(ge=2000, le=2100)
    label: str = Field(min_length=1, description="French label")
    unit: Unit
    breakdown: dict[str, str] = Field(
        default_factory=dict, description="Dimension and value of the cell, empty for a total"
    )
    breakdown_label: str | None = Field(default=None, description="French label of the cell")
    value: float | None = Field(description="Null when suppressed or when the ratio is undefined")
    numerator: float | None = None
    denominator: float | None = None
    suppressed: bool = Field(
        default=False, description="Hidden by small-cell suppression (statistical secrecy)"
    )
    target: Target | None = None
    progress: float | None = Field(default=None, description="value / target value")
    status: IndicatorStatus

    @property
    def key(self) -> str:
        """The compaction key of this indicator cell."""
        return indicator_key(self.id, self.year, self.breakdown)


class IndicatorSnapshot(Frozen):
    """The latest value of one indicator cell, published on the compacted snapshots topic."""

    schema_version: Literal[1] = 1
    key: str = Field(min_length=1, max_length=300)
    indicator: IndicatorValue
    targets_version: int = Field(ge=1, description="Version of the targets file applied")
    computed_at: datetime
    data_applied_at: datetime | None = Field(
        default=None, description="When the clauses service applied the latest event reflected"
    )


indicator_snapshot_adapter: TypeAdapter[IndicatorSnapshot] = TypeAdapter(IndicatorSnapshot)


def indicator_key(indicator_id: str, year: int, breakdown: dict[str, str]) -> str:
    """The key of an indicator cell: its id, its year and its breakdown, never its value."""
    cells = (f"{name}={value}" for name, value in sorted(breakdown.items()))
    return "|".join((indicator_id, str(year), *cells))
