"""Targets: a versioned set of goals, and where a value stands against its goal."""

import tomllib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import Field, ValidationError, model_validator

from shared.events import Frozen
from shared.indicators import IndicatorStatus, Target


class TargetsError(ValueError):
    """The targets file is invalid; the message names the entry and what was expected."""


class TargetRule(Target):
    """A target attached to one indicator id (a total: targets never apply to a breakdown)."""

    indicator: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$")

    @model_validator(mode="after")
    def _baseline_before_deadline(self) -> "TargetRule":
        if self.baseline_year is not None and self.baseline_year >= self.deadline_year:
            raise ValueError(
                f"{self.indicator}: baseline_year {self.baseline_year} must be before "
                f"deadline_year {self.deadline_year}"
            )
        return self

    def public(self) -> Target:
        """The target as published with the indicator."""
        return Target.model_validate(self.model_dump(exclude={"indicator"}))


class Targets(Frozen):
    """Every target, and the version of the file they come from."""

    version: int = Field(ge=1)
    targets: tuple[TargetRule, ...] = ()

    @model_validator(mode="after")
    def _one_per_indicator(self) -> "Targets":
        ids = [rule.indicator for rule in self.targets]
        if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"one target per indicator, got several for {duplicates}")
        return self

    def for_indicator(self, indicator: str) -> TargetRule | None:
        """The target of an indicator, if it has one."""
        return next((rule for rule in self.targets if rule.indicator == indicator), None)


def parse_targets(document: Mapping[str, Any], *, known: set[str]) -> Targets:
    """Validate a parsed targets document; unknown indicator ids are an error."""
    try:
        targets = Targets.model_validate(document)
    except ValidationError as error:
        raise TargetsError(f"invalid targets file: {error}") from error
    for index, rule in enumerate(targets.targets):
        if rule.indicator not in known:
            raise TargetsError(
                f"targets[{index}].indicator: unknown indicator {rule.indicator!r}; "
                f"expected one of {sorted(known)}"
            )
    return targets


def targets_from_toml(text: str, *, known: set[str]) -> Targets:
    """Parse and validate the text of a targets file."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TargetsError(f"targets file is not valid TOML: {error}") from error
    return parse_targets(document, known=known)


def _reached(value: Decimal, goal: Decimal, direction: str) -> bool:
    return value >= goal if direction == "at_least" else value <= goal


def assess(
    value: Decimal | None, rule: TargetRule | None, *, year: int, baseline: Decimal | None
) -> tuple[Decimal | None, IndicatorStatus]:
    """Progress (value / target) and status of a value for a year against its target.

    Before the deadline, a value is on track when it has reached the straight line from the
    baseline year's value to the target; without a baseline it is behind until it is met.
    """
    if rule is None:
        return None, IndicatorStatus.NO_TARGET
    if value is None:
        return None, IndicatorStatus.NO_DATA
    goal = Decimal(str(rule.value))
    progress = value / goal if goal else None
    if _reached(value, goal, rule.direction):
        return progress, IndicatorStatus.MET
    if year >= rule.deadline_year:
        return progress, IndicatorStatus.MISSED
    start = rule.baseline_year
    if baseline is None or start is None or year <= start:
        return progress, IndicatorStatus.BEHIND
    expected = baseline + (goal - baseline) * (year - start) / (rule.deadline_year - start)
    on_track = _reached(value, expected, rule.direction)
    return progress, IndicatorStatus.ON_TRACK if on_track else IndicatorStatus.BEHIND
