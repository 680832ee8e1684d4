"""Ingest assigns versions: same content keeps its version, changed content gets the next.

The versions of a batch are decided from what is known of each identity (`Versioner`), and
the store keeps what a submission reserved (`Pending`, `Reservation`, `Receipt`).

Corrections that state the version they replace: `If-Match` or `replaces_version`.

An event's entity-tag is its version as a strong tag, `"3"` (a weak `W/"3"` names the same
version). A submission item may state, in its body field `replaces_version` or (for a body of
one item) in `If-Match`, the version it corrects; 0 says it is the first one. When another
version is current, the whole submission is refused with 409 and the current version, and
nothing is published. Content identical to the current version is never stale: it is the
retry of the correction that made it, answered as a replay.
"""

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from pydantic_core import to_json

from shared.events import Event
from shared.topics import topic_for

E = TypeVar("E", bound=Event)


def identity_of(event: Event) -> str:
    """The key under which successive versions of the same fact are kept."""
    values = event.__dict__
    return "|".join([type(event).__name__, *[str(values[name]) for name in event.IDENTITY]])


def content_hash(event: Event) -> str:
    """A digest of what the event says, whatever its version."""
    body = event.model_dump_json(exclude={"event_id", "version"})
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Encoded:
    """An event and its JSON, serialised once: what is published and what is digested."""

    event: Event
    value: bytes

    @property
    def content_hash(self) -> str:
        """`content_hash(self.event)`, from the bytes already made: the envelope's first two
        fields are the event id and the version, and what follows them is the content."""
        event = self.event
        head = f'{{"event_id":"{event.event_id}","version":{event.version},'.encode()
        if not self.value.startswith(head):  # never seen: the envelope's order is fixed
            return content_hash(event)
        return hashlib.sha256(b"{" + self.value[len(head) :]).hexdigest()


def encode(event: Event) -> Encoded:
    """The event with its JSON as published."""
    return Encoded(event, event.model_dump_json().encode())


def with_version(event: E, version: int) -> E:
    """The same event at another version, with the event id that version derives."""
    if version == event.version:
        return event
    moved = event.model_copy(update={"version": version})
    return moved.model_copy(update={"event_id": moved.derived_event_id()})


class Known(NamedTuple):  # a tuple: built for every event of every batch, 3x cheaper
    """The latest version ingest assigned to an identity, and whether it reached Kafka."""

    version: int
    content_hash: str
    submission_id: str
    published: bool


class Decision(NamedTuple):
    """The version an event gets, and whether it must (still) be published."""

    version: int
    publish: bool
    unchanged_since: str | None


NEW = Decision(version=1, publish=True, unchanged_since=None)


def decide(known: Known | None, digest: str) -> Decision:
    """Unchanged content keeps its version; changed content replaces it with the next one."""
    if known is None:
        return NEW
    if known.content_hash == digest:
        # a retry: same version, same event id; publish again only if it never got through
        return Decision(
            known.version, publish=not known.published, unchanged_since=known.submission_id
        )
    return Decision(version=known.version + 1, publish=True, unchanged_since=None)


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


def dump_receipts(receipts: Sequence[Receipt]) -> str:
    """Receipts as stored: a JSON list of objects (a raw batch's row holds a thousand)."""
    return to_json(receipts).decode()


def load_receipts(text: str) -> list[Receipt]:
    """Receipts as stored, back."""
    return [Receipt(**item) for item in json.loads(text)]


class Versioner:
    """Decides each event's version in order; later submissions see earlier ones' versions."""

    def __init__(self, known: Mapping[str, Known]) -> None:
        self._known = dict(known)
        self._in_db = set(known)
        self._dirty: dict[str, tuple[Known, str]] = {}

    def reserve(self, pending: Pending) -> Reservation | Conflict:
        """Versions of one submission's events; a repeat of one earlier submission replays it;
        a Conflict (nothing reserved) when an event replaces a version no longer current."""
        decided = []
        for event in pending.events:
            identity, encoded = identity_of(event), encode(event)
            digest = encoded.content_hash
            decided.append((identity, digest, decide(self._known.get(identity), digest), encoded))
        if pending.expected:
            stale = self._stale(pending.expected, decided)
            if stale:
                return Conflict(stale, len(pending.events))
        earlier = {decision.unchanged_since for _, _, decision, _ in decided}
        replay_of = earlier.pop() if len(earlier) == 1 and None not in earlier else None
        submission_id = replay_of or pending.submission_id
        to_publish: list[Encoded] = []
        receipts: list[Receipt] = []
        for identity, digest, decision, encoded in decided:
            event = encoded.event
            if decision.version != event.version:
                encoded = encode(with_version(event, decision.version))
            event_id = encoded.event.event_id
            if decision.publish:
                to_publish.append(encoded)
                known = Known(decision.version, digest, submission_id, published=False)
                self._known[identity] = known
                self._dirty[identity] = (known, event_id)
            fields = event.__dict__  # not getattr: a missing attribute costs pydantic 3 us
            receipts.append(
                Receipt(
                    type(event).__name__,
                    event_id,
                    decision.version,
                    topic_for(event).name,
                    None if decision.publish else decision.unchanged_since,
                    fields.get("market_id"),
                    fields.get("period"),
                )
            )
        return Reservation(submission_id, replay_of is not None, to_publish, receipts)

    def _stale(self, expected: Sequence[int | None], decided: list[Any]) -> list[Stale]:
        """Events whose stated version is not the current one; content identical to the
        current version is never stale (a retry of the correction that made it)."""
        stale = []
        for index, (stated, (identity, _, decision, _)) in enumerate(
            zip(expected, decided, strict=False)
        ):
            if stated is None or decision.unchanged_since is not None:
                continue
            known = self._known.get(identity)
            current = known.version if known is not None else 0
            if current != stated:
                stale.append(Stale(index, stated, current))
        return stale

    def writes(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Rows to insert and rows to update (by primary key) in the versions table."""
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for identity, (known, event_id) in self._dirty.items():
            row = {
                "identity": identity,
                "version": known.version,
                "content_hash": known.content_hash,
                "event_id": event_id,
                "submission_id": known.submission_id,
            }
            (updates if identity in self._in_db else inserts).append(row)
        return inserts, updates

    @staticmethod
    def submission_rows(
        batch: Sequence[Pending], reservations: Sequence[Reservation | Conflict]
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """New submissions to insert, and earlier ones that are replayed.

        Pendings that share a submission id (a raw batch) are recorded as one submission,
        with all their receipts."""
        new: dict[str, dict[str, Any]] = {}
        replayed: list[str] = []
        for pending, reservation in zip(batch, reservations, strict=True):
            if isinstance(reservation, Conflict):
                continue
            if reservation.replayed:
                replayed.append(reservation.submission_id)
                continue
            row = new.get(pending.submission_id)
            if row is None:
                row = new[pending.submission_id] = {
                    "id": pending.submission_id,
                    "source": pending.source,
                    "kind": pending.kind,
                    "principal": pending.principal,
                    "principal_id": pending.principal_id,
                    "status": "published",
                    "received_at": pending.received_at,
                    "published_at": pending.received_at,
                    "receipts": [],
                }
            if reservation.to_publish:
                row["status"], row["published_at"] = "pending", None
            row["receipts"].extend(reservation.receipts)
        return list(new.values()), list(dict.fromkeys(replayed))


IF_MATCH = "If-Match"
ETAG = re.compile(r'(?:W/)?"([0-9]{1,10})"')
ETAG_RULE = (
    'attendu : une seule étiquette de version, par ex. If-Match: "3" (la version du reçu à '
    "corriger)"
)


class InvalidPreconditionError(ValueError):
    """An If-Match (or its use) that cannot be honoured (message in French)."""


def etag(version: int) -> str:
    """The entity-tag of an event's version."""
    return f'"{version}"'


def parse_if_match(values: Iterable[str]) -> int | None:
    """The version an If-Match field names, None without one; raises InvalidPreconditionError."""
    found = [value.strip() for value in values]
    if not found:
        return None
    match = ETAG.fullmatch(found[0]) if len(found) == 1 else None
    if match is None:
        raise InvalidPreconditionError(f"en-tête {IF_MATCH} invalide : {ETAG_RULE}")
    return int(match.group(1))


def expected_versions(items: Sequence[Any], if_match: int | None) -> list[int | None]:
    """The version each item states it replaces (its own field, or the If-Match of a body of
    one item); raises InvalidPreconditionError when If-Match cannot apply."""
    stated: list[int | None] = [getattr(item, "replaces_version", None) for item in items]
    if if_match is None:
        return stated
    if len(items) != 1:
        raise InvalidPreconditionError(
            f"{IF_MATCH} ne vaut que pour une soumission d'un seul élément : indiquez "
            "« replaces_version » sur chaque élément de la liste"
        )
    if stated[0] is not None and stated[0] != if_match:
        raise InvalidPreconditionError(
            f"{IF_MATCH} ({if_match}) et « replaces_version » ({stated[0]}) se contredisent"
        )
    return [if_match]
