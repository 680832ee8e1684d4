"""What ingest answered, against what the dataset expects of each submission (pure)."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reference_dataset.records import Expected, Submission

# the dataset's reason -> the error codes ingest may give for it, and the fields they name
# (a shape error is pydantic's code: `value_error` for SIRET and period, `enum` for a code;
# the CSV reader and the raw topic's reader give their own)
REASONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "negative_hours": (
        frozenset({"negative_hours"}),
        frozenset({"insertion_hours", "training_hours"}),
    ),
    "hours_above_ceiling": (frozenset({"hours_above_ceiling"}), frozenset({"insertion_hours"})),
    "invalid_period": (frozenset({"invalid_period", "value_error"}), frozenset({"period"})),
    "invalid_siret": (
        frozenset({"invalid_siret", "value_error"}),
        frozenset({"employer_siret", "holder_siret"}),
    ),
    "unknown_contract_type": (frozenset({"enum", "unknown_code"}), frozenset({"contract_type"})),
    "unknown_contract": (frozenset({"unknown_contract"}), frozenset({"contract_id"})),
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """Accepted, or refused with each reason's (code, field), and what ingest said."""

    accepted: bool
    errors: tuple[tuple[str, str | None], ...] = ()
    said: str = ""


def refused(said: str, items: Iterable[Mapping[str, Any]]) -> Outcome:
    """A refusal with its items (each with a `code` and maybe a `field`)."""
    errors = tuple((str(item.get("code")), item.get("field")) for item in items)
    return Outcome(accepted=False, errors=errors, said=said)


def surprise(submission: Submission, outcome: Outcome) -> str | None:
    """Why the outcome is not the expected one, or None when it is."""
    if submission.expected is Expected.ACCEPTED:
        return None if outcome.accepted else f"refused: {outcome.said}"
    if outcome.accepted:
        return f"accepted, but ingest must refuse it ({submission.reason})"
    codes, fields = REASONS[str(submission.reason)]
    wrong = [
        (code, name) for code, name in outcome.errors if code not in codes or name not in fields
    ]
    if not outcome.errors or wrong:
        return f"refused, but not for {submission.reason}: {outcome.said}"
    return None


@dataclass
class Tally:
    """Every outcome, by what was expected; the unexpected ones with why."""

    accepted: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    unexpected: list[tuple[Submission, str]] = field(default_factory=list)

    def add(self, submission: Submission, outcome: Outcome) -> None:
        """Count one outcome."""
        why = surprise(submission, outcome)
        if why is not None:
            self.unexpected.append((submission, why))
        elif outcome.accepted:
            self.accepted += 1
        else:
            self.refused[str(submission.reason)] += 1
