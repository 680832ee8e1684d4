"""Idempotency keys (draft-ietf-httpapi-idempotency-key-header): a retry replays the first answer.

A client sends `Idempotency-Key: "<key>"` with a POST (or the `idempotency-key` header on a
raw-topic message). The key is remembered per sender with a fingerprint of the request (its
route and body): the same key with the same fingerprint answers what the first request was
answered and publishes nothing, whatever was submitted in between; the same key with another
fingerprint is refused (422, or the dead letter `idempotency_key_reused`); a key whose first
request is still being processed answers 409. Only accepted submissions (202) are remembered:
a refusal or a failure published nothing, so the key may be sent again (corrected or not).
"""

import asyncio
import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from fastapi.responses import JSONResponse
from sqlalchemy import Table, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.ingest.auth import Principal, principal_id
from services.ingest.errors import simple
from services.ingest.tables import IdempotencyKeyRow

HEADER = "Idempotency-Key"
RAW_HEADER = "idempotency-key"
# not in the draft (it defines no such header): Stripe's name, which clients already know
REPLAYED_HEADER = "Idempotent-Replayed"
# how long a key is remembered (the draft asks the server to publish its expiry policy)
KEY_LIFETIME = timedelta(hours=48)
# a key whose first request neither ended nor failed within this time (the process died)
# may be taken over by a retry
PROCESSING_LEASE = timedelta(minutes=5)
PURGE_EVERY_SECONDS = 600.0
KEY_PATTERN = re.compile(r"[A-Za-z0-9._:~+/=-]{8,128}")
KEY_RULE = (
    "8 à 128 caractères parmi les lettres A-Z a-z, les chiffres 0-9 et « - _ . : ~ + / = », "
    'de préférence un UUID, entre guillemets (ex. Idempotency-Key: "8e03978e-40d5-43e8-'
    'bc93-6894a57f9324")'
)
KEYS: Table = IdempotencyKeyRow.__table__  # type: ignore[attr-defined]
OPENAPI_PARAMETER: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "A key of the client's (a UUID, as an sf-string): a retry with the same key "
    "and body replays the first answer and publishes nothing (kept 48 h, per sender); the "
    "same key with another body is 422, while the first is processed 409",
    "schema": {"type": "string", "maxLength": 130},
}


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


class IdempotencyKeys(Protocol):
    """Where keys are remembered (durably, shared by every ingest instance)."""

    def claim(self, sender: str, key: str, fingerprint: str, now: datetime) -> Claim: ...
    def complete(self, sender: str, key: str, status: int, body: str, now: datetime) -> None: ...
    def release(self, sender: str, key: str) -> None: ...
    def seen(
        self, pairs: Iterable[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], str]: ...
    def remember(self, rows: Mapping[tuple[str, str], str], now: datetime) -> None: ...


class SqlIdempotencyKeys:
    """Keys in ingest's database (table `ingest_idempotency_keys`; call off-loop)."""

    def __init__(self, engine: Engine, *, lifetime: timedelta = KEY_LIFETIME) -> None:
        self._engine = engine
        self._lifetime = lifetime
        self._purged = 0.0

    def claim(self, sender: str, key: str, fingerprint: str, now: datetime) -> Claim:
        """Take the key for this request, or say what its first request became."""
        self._purge(now)
        row = {
            "sender": sender,
            "key": key,
            "fingerprint": fingerprint,
            "state": "processing",
            "status": None,
            "response": None,
            "created_at": now,
            "expires_at": now + self._lifetime,
        }
        for _ in range(3):
            with Session(self._engine) as session:
                try:
                    session.execute(KEYS.insert().values(row))
                    session.commit()
                    return Fresh()
                except IntegrityError:
                    session.rollback()
                found = session.execute(
                    select(KEYS).where(KEYS.c.sender == sender, KEYS.c.key == key)
                ).first()
                if found is None:  # purged meanwhile
                    continue
                abandoned = found.state == "processing" and _aware(found.created_at, now) < (
                    now - PROCESSING_LEASE
                )
                if _aware(found.expires_at, now) <= now or abandoned:
                    session.execute(
                        delete(KEYS).where(
                            KEYS.c.sender == sender,
                            KEYS.c.key == key,
                            KEYS.c.created_at == found.created_at,
                        )
                    )
                    session.commit()
                    continue
                if found.fingerprint != fingerprint:
                    return Reused()
                if found.state == "processing":
                    return Busy()
                return Replay(int(found.status), str(found.response))
        return Busy()

    def complete(self, sender: str, key: str, status: int, body: str, now: datetime) -> None:
        """The key's request was accepted with this answer: replay it from now on."""
        with Session(self._engine) as session:
            session.execute(
                update(KEYS)
                .where(KEYS.c.sender == sender, KEYS.c.key == key)
                .values(state="done", status=status, response=body, expires_at=now + self._lifetime)
            )
            session.commit()

    def release(self, sender: str, key: str) -> None:
        """The key's request was refused or failed (nothing published): forget the key."""
        with Session(self._engine) as session:
            session.execute(
                delete(KEYS).where(
                    KEYS.c.sender == sender, KEYS.c.key == key, KEYS.c.state == "processing"
                )
            )
            session.commit()

    def seen(self, pairs: Iterable[tuple[str, str]], now: datetime) -> dict[tuple[str, str], str]:
        """The fingerprints of the (sender, key) pairs already remembered and not expired."""
        wanted = set(pairs)
        found: dict[tuple[str, str], str] = {}
        if not wanted:
            return found
        keys = sorted({key for _, key in wanted})
        with Session(self._engine) as session:
            for start in range(0, len(keys), 500):
                query = select(KEYS.c.sender, KEYS.c.key, KEYS.c.fingerprint, KEYS.c.expires_at)
                query = query.where(KEYS.c.key.in_(keys[start : start + 500]))
                for sender, key, print_, expires_at in session.execute(query):
                    if (sender, key) in wanted and _aware(expires_at, now) > now:
                        found[sender, key] = print_
        return found

    def remember(self, rows: Mapping[tuple[str, str], str], now: datetime) -> None:
        """Remember keys whose messages were published (raw topic): skipped if sent again."""
        if not rows:
            return
        self._purge(now)
        with Session(self._engine) as session:
            for (sender, key), print_ in rows.items():
                session.execute(
                    delete(KEYS).where(
                        KEYS.c.sender == sender, KEYS.c.key == key, KEYS.c.expires_at <= now
                    )
                )
                exists = session.execute(
                    select(KEYS.c.key).where(KEYS.c.sender == sender, KEYS.c.key == key)
                ).first()
                if exists is None:
                    session.execute(
                        KEYS.insert().values(
                            sender=sender,
                            key=key,
                            fingerprint=print_,
                            state="done",
                            status=202,
                            response="",
                            created_at=now,
                            expires_at=now + self._lifetime,
                        )
                    )
            session.commit()

    def _purge(self, now: datetime) -> None:
        if time.monotonic() - self._purged < PURGE_EVERY_SECONDS and self._purged:
            return
        self._purged = time.monotonic()
        with Session(self._engine) as session:
            session.execute(delete(KEYS).where(KEYS.c.expires_at <= now))
            session.commit()


def _aware(moment: datetime, like: datetime) -> datetime:
    """SQLite gives back naive datetimes (stored in UTC)."""
    return moment.replace(tzinfo=like.tzinfo) if moment.tzinfo is None else moment


def key_refusal(error: InvalidKeyError) -> JSONResponse:
    """400: the key cannot be used."""
    return JSONResponse(simple("invalid_idempotency_key", str(error)), status_code=400)


REUSED_MESSAGE = (
    "Cette clé d'idempotence (Idempotency-Key) a déjà servi pour une autre requête (autre "
    "contenu ou autre route) : rien n'a été publié. Une nouvelle soumission demande une "
    "nouvelle clé."
)
BUSY_MESSAGE = (
    "Une requête avec cette clé d'idempotence (Idempotency-Key) est en cours de traitement : "
    "rien n'a été publié par celle-ci ; réessayez dans un instant pour recevoir sa réponse."
)


def refusal_of(claim: Reused | Busy) -> JSONResponse:
    """422 for a key reused with another request, 409 while its first one is processed."""
    if isinstance(claim, Reused):
        return JSONResponse(simple("idempotency_key_reused", REUSED_MESSAGE), status_code=422)
    return JSONResponse(
        simple("idempotency_key_in_progress", BUSY_MESSAGE),
        status_code=409,
        headers={"Retry-After": "1"},
    )


def replayed(claim: Replay) -> JSONResponse:
    """The first answer again (same status and body), saying it is a replay."""
    stored: dict[str, Any] = json.loads(claim.body)
    headers = {REPLAYED_HEADER: "true", **stored.get("headers", {})}
    return JSONResponse(stored["body"], status_code=claim.status, headers=headers)


KEPT_HEADERS = ("location", "etag")


async def idempotent(
    *,
    keys: IdempotencyKeys | None,
    sender: str,
    key: str | None,
    print_: str,
    now: Callable[[], datetime],
    run: Callable[[], Awaitable[JSONResponse]],
) -> JSONResponse:
    """Run the request once per key: replay, refuse, or run it and remember a 202."""
    if key is None or keys is None:
        return await run()
    claim = await asyncio.to_thread(keys.claim, sender, key, print_, now())
    if isinstance(claim, Replay):
        return replayed(claim)
    if isinstance(claim, Reused | Busy):
        return refusal_of(claim)
    try:
        response = await run()
    except BaseException:
        await asyncio.to_thread(keys.release, sender, key)
        raise
    if response.status_code == 202:
        kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
        stored = json.dumps({"body": json.loads(bytes(response.body)), "headers": kept})
        await asyncio.to_thread(keys.complete, sender, key, 202, stored, now())
    else:
        await asyncio.to_thread(keys.release, sender, key)
    return response
