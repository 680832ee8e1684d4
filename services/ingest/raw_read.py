"""Reading one raw-topic message: a principal and a submission, or the reason to refuse it."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from services.ingest.auth import Principal, bearer_token
from services.ingest.errors import validation_items
from services.ingest.raw_models import (
    KIND_OF_TYPE,
    RAW_SCHEMA_VERSION,
    RawSubmission,
    raw_submission,
)

Headers = Sequence[tuple[str, bytes | None]]
# the refusals decided here, each explained in words of its own (never quoting the message)
READ_REASONS = frozenset(
    {
        "empty",
        "too_large",
        "missing_token",
        "unknown_token",
        "not_utf8",
        "not_json",
        "truncated_json",
        "not_an_object",
        "unknown_schema_version",
        "unknown_type",
    }
)


class Authenticator(Protocol):
    """Who a token is (the token registry)."""

    def authenticate(self, token: str | None) -> Principal | None: ...


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a raw message goes to the dead letters: an English code and French details."""

    reason: str
    detail: list[dict[str, Any]]


def refusal(reason: str, message: str, **extra: Any) -> Refusal:
    """A refusal with one French explanation."""
    return Refusal(reason, [{"code": reason, "message": message, **extra}])


def _authorization(headers: Headers) -> bytes | None:
    for name, value in headers:
        if name.lower() == "authorization" and value is not None:
            return value
    return None


def _sender(authorization: bytes | None, tokens: Authenticator) -> Principal | Refusal:
    token = bearer_token(authorization.decode("utf-8", errors="replace")) if authorization else None
    if token is None:
        return refusal("missing_token", "en-tête « authorization: Bearer <jeton> » absent")
    principal = tokens.authenticate(token)
    if principal is None:
        return refusal("unknown_token", "jeton inconnu")
    return principal


def _why_invalid(value: bytes, error: ValidationError) -> Refusal:
    """Tell apart: not JSON, truncated, not an object, unknown schema version or type."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return refusal("not_utf8", "le message n'est pas du JSON encodé en UTF-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as bad:
        end = len(text.rstrip())
        cut_in_literal = bad.msg == "Expecting value" and bad.pos >= end - 4  # tr, fals, nu
        if bad.pos >= end or cut_in_literal or bad.msg.startswith("Unterminated string"):
            message = f"JSON tronqué : le message s'arrête après {len(text)} caractères"
            return refusal("truncated_json", message)
        message = f"JSON invalide ligne {bad.lineno}, colonne {bad.colno} : {bad.msg}"
        return refusal("not_json", message)
    except RecursionError:  # pydantic refused it too deep; json.loads must not crash the batch
        return refusal("not_json", "JSON imbriqué trop profondément")
    if not isinstance(document, dict):
        return refusal("not_an_object", "un objet JSON est attendu")
    version = document.get("schema_version", RAW_SCHEMA_VERSION)
    if version != RAW_SCHEMA_VERSION:  # not quoted: it may hold anything, an identifier too
        message = f"version de schéma inconnue : seule la {RAW_SCHEMA_VERSION} est lue"
        return refusal("unknown_schema_version", message)
    kind = document.get("type")
    if not isinstance(kind, str) or kind not in KIND_OF_TYPE:
        accepted = ", ".join(KIND_OF_TYPE)
        return refusal(
            "unknown_type", f"champ « type » absent ou inconnu ; valeurs acceptées : {accepted}"
        )
    items = validation_items(error.errors(include_input=False, include_url=False), skip=1)
    codes = {item.code for item in items}
    reason = "unknown_code" if codes & {"enum", "literal_error"} else "invalid_submission"
    return Refusal(reason, [item.model_dump(exclude_none=True) for item in items])


def read_raw(
    value: bytes | None,
    headers: Headers,
    tokens: Authenticator,
    max_bytes: int,
    senders: dict[bytes | None, Principal | Refusal] | None = None,
) -> tuple[Principal, RawSubmission] | Refusal:
    """The sender and the submission, or why the message is refused; `senders`: who each
    authorization header is, for the records of one batch (a token is checked once)."""
    if not value:
        return refusal("empty", "message vide")
    if len(value) > max_bytes:
        message = f"message de {len(value)} octets : au plus {max_bytes} par soumission"
        return refusal("too_large", message)
    authorization = _authorization(headers)
    known = senders.get(authorization) if senders is not None else None
    principal = known or _sender(authorization, tokens)
    if senders is not None and known is None:
        senders[authorization] = principal
    if isinstance(principal, Refusal):
        return principal
    try:
        return principal, raw_submission.validate_json(value)
    except ValidationError as error:
        return _why_invalid(value, error)
