"""Dead letters: the original bytes (identifiers pseudonymised) with why and where from.

A dead letter is the refused message's own value, keyed as it was, on the dead-letter
topic, with headers: `dead-letter-reason` (English code), `dead-letter-detail` (JSON list of
{code, message in French, field, location}), `source-topic`, `source-partition`,
`source-offset`, `source-timestamp` and `dead-letter-redacted` (how many beneficiary
identifiers were replaced by `pseudonym:<hmac>`). The sender's token is never copied.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.ingest.raw_read import Refusal

_MAX_DETAIL_ITEMS = 50
# "beneficiary_id": "..." (also misspelt keys, also cut short at the end of a truncated message)
_E = rb"(?:e|\xc3\xa9)"  # e or é in UTF-8
_IDENTIFIER_VALUE = re.compile(
    rb'("b' + _E + rb"n" + _E + rb'f[^"]{0,40}"\s*:\s*)"((?:[^"\\]|\\.)*)("|$)', re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One record for the dead-letter topic."""

    key: bytes | None
    value: bytes
    headers: dict[str, str]
    reason: str


def redact(value: bytes, pseudonymise: Callable[[str], str]) -> tuple[bytes, int]:
    """The bytes with every beneficiary identifier replaced by its pseudonym, and how many."""
    count = 0

    def replace(match: re.Match[bytes]) -> bytes:
        nonlocal count
        count += 1
        raw = match.group(2)
        try:
            identifier = json.loads(b'"' + raw + b'"')
        except ValueError:
            identifier = raw.decode("utf-8", errors="replace")
        return match.group(1) + b'"pseudonym:' + pseudonymise(str(identifier)).encode() + b'"'

    return _IDENTIFIER_VALUE.sub(replace, value), count


def dead_letter(record: Any, refusal: Refusal, pseudonymise: Callable[[str], str]) -> DeadLetter:
    """The dead letter of a consumer record (aiokafka's ConsumerRecord)."""
    value, redacted = redact(record.value or b"", pseudonymise)
    detail = refusal.detail[:_MAX_DETAIL_ITEMS]
    if len(refusal.detail) > _MAX_DETAIL_ITEMS:
        detail.append(
            {"code": "more", "message": f"et {len(refusal.detail) - _MAX_DETAIL_ITEMS} autre(s)"}
        )
    headers = {
        "dead-letter-reason": refusal.reason,
        "dead-letter-detail": json.dumps(detail, ensure_ascii=False),
        "dead-letter-redacted": str(redacted),
        "source-topic": record.topic,
        "source-partition": str(record.partition),
        "source-offset": str(record.offset),
        "source-timestamp": str(record.timestamp),
    }
    return DeadLetter(record.key, value, headers, refusal.reason)
