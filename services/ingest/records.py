"""What the store takes and gives back (plain values, no table classes)."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from pydantic_core import to_json

from services.ingest.versions import Encoded
from shared.events import Event


class Pending(NamedTuple):  # tuples: built per submission of every batch
    """An accepted submission whose events still need versions."""

    submission_id: str
    source: str
    kind: str
    principal: str  # the name, shown
    principal_id: str  # the unique id, what the submission is scoped by
    received_at: datetime
    events: Sequence[Event]
    # the version each event states it replaces (0: none yet), None where it states nothing
    expected: Sequence[int | None] = ()


@dataclass(frozen=True, slots=True)
class Receipt:
    """One event of a submission: where it goes, and whether it is new or unchanged."""

    event_type: str
    event_id: str
    version: int
    topic: str
    unchanged_since: str | None
    # what the event is about, for the history page (absent from receipts stored before)
    market_id: str | None = None
    period: str | None = None


class Reservation(NamedTuple):
    """The versions a submission's events got; `replayed` when it repeats an earlier one."""

    submission_id: str
    replayed: bool
    to_publish: list[Encoded]
    receipts: list[Receipt]


class Stale(NamedTuple):
    """An event that states the version it replaces while another version is current."""

    position: int  # the event's position in its submission
    stated: int
    current: int  # 0: no version yet


class Conflict(NamedTuple):
    """A submission refused as a whole: some of its events replace a version no longer
    current; nothing of it was reserved."""

    stale: list[Stale]
    events: int  # how many events the submission has


@dataclass(frozen=True, slots=True)
class SubmissionRecord:
    """A stored submission, as GET /v1/submissions/{id} shows it."""

    id: str
    source: str
    kind: str
    principal: str
    # None for a submission stored by name before principal ids, whose name no token has
    principal_id: str | None
    status: str
    received_at: datetime
    published_at: datetime | None
    receipts: list[Receipt]


def dump_receipts(receipts: Sequence[Receipt]) -> str:
    """Receipts as stored: a JSON list of objects (a raw batch's row holds a thousand)."""
    return to_json(receipts).decode()


def load_receipts(text: str) -> list[Receipt]:
    """Receipts as stored, back."""
    return [Receipt(**item) for item in json.loads(text)]
