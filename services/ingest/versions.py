"""Ingest assigns versions: same content keeps its version, changed content gets the next."""

import hashlib
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from shared.events import Event

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
