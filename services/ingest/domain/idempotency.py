"""Idempotency keys (draft-ietf-httpapi-idempotency-key-header): a retry replays the first answer.

A client sends `Idempotency-Key: "<key>"` with a POST (or the `idempotency-key` header on a
raw-topic message). The key is remembered per sender with a fingerprint of the request (its
route and body): the same key with the same fingerprint answers what the first request was
answered and publishes nothing, whatever was submitted in between; the same key with another
fingerprint is refused (422, or the dead letter `idempotency_key_reused`); a key whose first
request is still being processed answers 409. Only accepted submissions (202) are remembered:
a refusal or a failure published nothing, so the key may be sent again (corrected or not).
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from services.ingest.domain.access import Principal, principal_id

HEADER = "Idempotency-Key"
RAW_HEADER = "idempotency-key"
# not in the draft (it defines no such header): Stripe's name, which clients already know
REPLAYED_HEADER = "Idempotent-Replayed"
# how long a key is remembered (the draft asks the server to publish its expiry policy)
KEY_LIFETIME = timedelta(hours=48)
# a key whose first request neither ended nor failed within this time (the process died)
# may be taken over by a retry
PROCESSING_LEASE = timedelta(minutes=5)


KEY_PATTERN = re.compile(r"[A-Za-z0-9._:~+/=-]{8,128}")
KEY_RULE = (
    "8 à 128 caractères parmi les lettres A-Z a-z, les chiffres 0-9 et « - _ . : ~ + / = », "
    'de préférence un UUID, entre guillemets (ex. Idempotency-Key: "8e03978e-40d5-43e8-'
    'bc93-6894a57f9324")'
)


def sender_of(principal: Principal) -> str:
    """Whose keys these are: the principal's unique id (two tokens may once have shared a
    name; an id is never reused)."""
    return principal_id(principal)


class InvalidKeyError(ValueError):
    """An Idempotency-Key that cannot be used (message in French)."""


def parse_key(values: Iterable[str]) -> str | None:
    """The key of the request's Idempotency-Key field (an sf-string, RFC 8941; a bare value
    is taken as it is), None without one; raises InvalidKeyError on a malformed one."""
    found = [value.strip() for value in values]
    if not found:
        return None
    if len(found) > 1 or ("," in found[0] and not found[0].startswith('"')):
        raise InvalidKeyError(f"un seul en-tête {HEADER} par requête : {KEY_RULE}")
    text = found[0]
    if text.startswith('"'):
        if len(text) < 2 or not text.endswith('"') or '"' in text[1:-1] or "\\" in text:
            raise InvalidKeyError(f"en-tête {HEADER} mal formé : {KEY_RULE}")
        text = text[1:-1]
    if not KEY_PATTERN.fullmatch(text):
        raise InvalidKeyError(f"en-tête {HEADER} invalide : {KEY_RULE}")
    return text


def fingerprint(route: str, body: bytes) -> str:
    """What identifies a request besides its key: its route and a digest of its body."""
    digest = hashlib.sha256(route.encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Fresh:
    """The key is new (or expired, or abandoned): this request is processed, and holds it."""


@dataclass(frozen=True, slots=True)
class Replay:
    """The key's first request was answered this: answer it again, publish nothing."""

    status: int
    body: str


@dataclass(frozen=True, slots=True)
class Reused:
    """The key was first sent with another request: refused."""


@dataclass(frozen=True, slots=True)
class Busy:
    """The key's first request is still being processed."""


Claim = Fresh | Replay | Reused | Busy


REUSED_MESSAGE = (
    "Cette clé d'idempotence (Idempotency-Key) a déjà servi pour une autre requête (autre "
    "contenu ou autre route) : rien n'a été publié. Une nouvelle soumission demande une "
    "nouvelle clé."
)
BUSY_MESSAGE = (
    "Une requête avec cette clé d'idempotence (Idempotency-Key) est en cours de traitement : "
    "rien n'a été publié par celle-ci ; réessayez dans un instant pour recevoir sa réponse."
)
