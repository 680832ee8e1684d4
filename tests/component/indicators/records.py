"""Kafka records as the indicators' handlers receive them, for tests that call the live view."""

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(slots=True)
class FakeRecord:
    """A consumed record: where it was read, its key and its value (None: a tombstone)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


def records(topic: str, *messages: BaseModel | dict[str, Any]) -> list[FakeRecord]:
    """Records of keyed messages (a model, or a JSON document written by hand), in order."""
    found = []
    for offset, message in enumerate(messages):
        document = message.model_dump(mode="json") if isinstance(message, BaseModel) else message
        key = document.get("key")
        value = json.dumps(document).encode()
        found.append(FakeRecord(topic, 0, offset, key.encode() if key else None, value))
    return found
