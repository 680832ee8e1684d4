"""The raw topic, message by message: what contractors post on it (the HTTP bodies with a
`type` and a schema version), reading one message (a principal and a submission, or the
reason to refuse it), and the dead letter a refusal becomes.

Dead letters: why a raw message was refused and what shape it had, never what it said.

The dead-letter topic is kept for weeks and read by operators: a refused message may hold a
beneficiary identifier anywhere (a number, a list, an escaped key, a note, an unknown field),
so nothing of its values is copied. A dead letter's value is a JSON object of our own:

    {"dead_letter_version": 2, "reason": ..., "size": bytes, "digest": keyed hex,
     "document": the structural redaction, or null}

The structural redaction is the parsed document with its keys kept only when the raw
schema knows them (an unknown key becomes "<champ inconnu n>") and every value replaced by
what kind of value it was ("<texte de 13 caractères>", "<nombre>"), except codes of the
schema's closed lists, booleans, null, and dates written YYYY-MM-DD / periods YYYY-MM in
the date fields. Lists show their first elements and how many more. Unparsed messages (not
UTF-8, not JSON, truncated, empty, too large) have no document: their reason, size and
digest say what happened. The digest is keyed (HMAC with the pseudonymisation key of the
SHA-256): a bare identifier cannot be found again by hashing every possible one.

The key is the keyed digest of the original key (a contractor may key by person). Headers:
`dead-letter-reason`, `dead-letter-detail` (JSON list of {code, message in French, field,
location}: codes, messages of our own wording with no value of the message, fields and
locations reduced to the schema's names and list positions), `source-topic`,
`source-partition`, `source-offset`, `source-timestamp`. The sender's token is never copied.
"""

import enum
import hashlib
import json
import re
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from services.ingest.domain.access import Principal, SubmissionKind, bearer_token
from services.ingest.domain.refusals import (
    BENEFICIARY_EMPTY,
    BENEFICIARY_EMPTY_MESSAGE,
    BENEFICIARY_SCRIPT,
    BENEFICIARY_SCRIPT_MESSAGE,
    WORDED_CODES,
    validation_items,
)
from services.ingest.domain.submissions import (
    InvoiceSubmission,
    MarketSubmission,
    MonthlyHoursSubmission,
    WorkContractSubmission,
)

RAW_SCHEMA_VERSION = 1


class RawMarket(MarketSubmission):
    """A market, as the raw topic carries it."""

    type: Literal["market"]
    schema_version: Literal[1] = 1


class RawInvoice(InvoiceSubmission):
    """An invoice, as the raw topic carries it."""

    type: Literal["invoice"]
    schema_version: Literal[1] = 1


class RawWorkContract(WorkContractSubmission):
    """A work contract, as the raw topic carries it."""

    type: Literal["work_contract"]
    schema_version: Literal[1] = 1


class RawMonthlyHours(MonthlyHoursSubmission):
    """A month's report, as the raw topic carries it."""

    type: Literal["monthly_hours"]
    schema_version: Literal[1] = 1


RawSubmission = Annotated[
    RawMarket | RawInvoice | RawWorkContract | RawMonthlyHours, Field(discriminator="type")
]
raw_submission: TypeAdapter[RawSubmission] = TypeAdapter(RawSubmission)
KIND_OF_TYPE: dict[str, SubmissionKind] = {kind.value: kind for kind in SubmissionKind}


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


DEAD_LETTER_VERSION = 2
_MAX_DETAIL_ITEMS = 50
_MAX_LIST_ITEMS = 20
_MAX_DEPTH = 16
_MAX_NODES = 2000
_UNKNOWN = "<champ inconnu>"
_CODE = re.compile(r"[a-z][a-z_]{0,63}")  # our codes and pydantic's: no digits, no value
_INDEX = re.compile(r"[0-9]{1,5}")  # lists hold at most 10 000 lines
_PATH_PART = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")
_DATE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")
_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_NOT_PARSED = frozenset({"empty", "too_large", "not_utf8", "not_json", "truncated_json"})

# what a broken rule means, in words of our own: the rules' messages quote the submission
_RULE_MESSAGES = {
    "forbidden": "hors du périmètre du jeton (marché, SIRET ou type de soumission)",
    "unknown_market": "marché inconnu (jamais notifié, ou référentiel des marchés en retard)",
    "period_in_future": "la période est dans le futur",
    "notification_in_future": "la date de notification est dans le futur",
    "contract_ends_before_start": "la date de fin précède la date de début",
    "too_many_lines": "trop de lignes pour un rapport mensuel",
    "negative_hours": "le nombre d'heures doit être positif ou nul",
    "hours_above_ceiling": "heures du mois au-delà du plafond mensuel pour une personne",
    "unknown_contract": "contrat inconnu : transmettez d'abord le contrat",
    "contract_other_market": "le contrat relève d'un autre marché",
    "contract_id_taken": "cette référence de contrat est déjà utilisée : choisissez-en une autre",
    "implausible_period": "période hors de la fenêtre plausible",
    "implausible_date": "date hors de la fenêtre plausible",
    "implausible_amount": "montant au-delà du plafond plausible",
    "invoice_above_market_amount": "facture supérieure au montant du marché",
    "invalid_siret": "SIRET dont la clé de contrôle est fausse",
    "stale_version": "la version annoncée comme remplacée n'est plus la version en vigueur",
    "version_conflict": "la version annoncée comme remplacée n'est plus la version en vigueur",
    "invalid_idempotency_key": "clé d'idempotence (en-tête idempotency-key) mal formée",
    "idempotency_key_reused": "clé d'idempotence déjà utilisée pour un autre message",
    "beneficiary_mismatch": "ce bénéficiaire n'est pas celui du contrat",
    BENEFICIARY_SCRIPT: BENEFICIARY_SCRIPT_MESSAGE,  # it never quotes the identifier
    BENEFICIARY_EMPTY: BENEFICIARY_EMPTY_MESSAGE,
    "period_before_contract_start": "la période précède le début du contrat",
    "duplicate_line": "le contrat figure deux fois pour la période",
    "contract_conflict": "le contrat est décrit autrement dans la même soumission",
}


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One record for the dead-letter topic."""

    key: bytes | None
    value: bytes
    headers: dict[str, str]
    reason: str


@dataclass(frozen=True, slots=True)
class _Schema:
    """What the raw schema names: its fields, the closed lists of codes, the date fields."""

    fields: frozenset[str]
    codes: dict[str, frozenset[Any]]
    dates: frozenset[str]


def _walk(annotation: Any) -> Iterable[Any]:
    """Every type an annotation is made of (through unions, lists, Annotated...)."""
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _walk(argument)


def _schema_of(models: Iterable[type[BaseModel]]) -> _Schema:
    fields: set[str] = set()
    codes: dict[str, set[Any]] = {}
    dates: set[str] = set()
    pending, seen = list(models), set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            fields.add(name)
            if name == "period":  # a constrained str
                dates.add(name)
            for part in _walk(info.annotation):
                origin = typing.get_origin(part)
                if isinstance(part, type) and issubclass(part, BaseModel):
                    pending.append(part)
                elif isinstance(part, type) and issubclass(part, enum.Enum):
                    codes.setdefault(name, set()).update(member.value for member in part)
                elif origin is typing.Literal:
                    codes.setdefault(name, set()).update(typing.get_args(part))
                elif part is date:
                    dates.add(name)
    return _Schema(frozenset(fields), {n: frozenset(v) for n, v in codes.items()}, frozenset(dates))


SCHEMA = _schema_of([RawMarket, RawInvoice, RawWorkContract, RawMonthlyHours])


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as written: every key in order, duplicates kept."""


class _Redaction:
    """The structural redaction of one parsed document (bounded in depth and size)."""

    def __init__(self) -> None:
        self.nodes = 0

    def of(self, value: Any, field: str | None, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > _MAX_NODES:
            return "<…>"
        if isinstance(value, _Pairs):
            if depth >= _MAX_DEPTH:
                return "<objet trop imbriqué>"
            return self._object(value, depth)
        if isinstance(value, list):
            if depth >= _MAX_DEPTH:
                return "<liste trop imbriquée>"
            shown: list[Any] = [self.of(item, field, depth + 1) for item in value[:_MAX_LIST_ITEMS]]
            if len(value) > _MAX_LIST_ITEMS:
                shown.append(f"<et {len(value) - _MAX_LIST_ITEMS} autre(s) élément(s)>")
            return shown
        if value is None or isinstance(value, bool):
            return value
        if field is not None and _is_code(value, SCHEMA.codes.get(field, frozenset())):
            return value
        if isinstance(value, str):
            if field in SCHEMA.dates and (_DATE.fullmatch(value) or _PERIOD.fullmatch(value)):
                return value
            return f"<texte de {len(value)} caractère(s)>"
        return "<nombre>"

    def _object(self, pairs: _Pairs, depth: int) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        unknown = 0
        for key, item in pairs:
            if key in SCHEMA.fields:
                name, field = key, key
                twins = 1
                while name in shown:
                    twins += 1
                    name = f"{key} <en double {twins}>"
            else:
                unknown += 1
                name, field = f"<champ inconnu {unknown}>", None
            shown[name] = self.of(item, field, depth + 1)
        return shown


def _is_code(value: Any, codes: frozenset[Any]) -> bool:
    # bool is an int: `True == 1` must not show a schema version of true as 1
    return type(value) in (str, int) and value in codes


def redacted_document(value: bytes) -> Any:
    """The structural redaction of a message, or None when it is not JSON."""
    try:
        document = json.loads(value.decode("utf-8"), object_pairs_hook=_Pairs)
        return _Redaction().of(document, None, 0)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def safe_location(location: Any) -> str | None:
    """A location with only the schema's names and list positions left."""
    if not isinstance(location, str) or not location:
        return None
    shown = ""
    for index, name in _PATH_PART.findall(location):
        if not name:
            shown += f"[{index}]" if _INDEX.fullmatch(index) else f"[{_UNKNOWN}]"
        else:
            part = name if name in SCHEMA.fields else _UNKNOWN
            shown += f".{part}" if shown else part
    return shown or None


def _message(code: str, item: dict[str, Any]) -> str:
    if code in READ_REASONS or code in WORDED_CODES:
        # the reading's own explanations, and pydantic's as refusals.py words them from the
        # schema's constraints: neither quotes the message
        return str(item.get("message") or code)
    if code in _RULE_MESSAGES:
        return _RULE_MESSAGES[code]
    if code == "value_error":
        return "valeur invalide"
    return f"refusé : « {code} »"


def safe_detail(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The refusal's items with no value of the refused message in them."""
    detail: list[dict[str, Any]] = []
    for item in items[:_MAX_DETAIL_ITEMS]:
        raw_code = item.get("code")
        code = raw_code if isinstance(raw_code, str) and _CODE.fullmatch(raw_code) else "invalid"
        shown: dict[str, Any] = {"code": code, "message": _message(code, item)}
        field = item.get("field")
        if isinstance(field, str):
            shown["field"] = field if field in SCHEMA.fields else _UNKNOWN
        if (location := safe_location(item.get("location"))) is not None:
            shown["location"] = location
        detail.append(shown)
    if len(items) > _MAX_DETAIL_ITEMS:
        detail.append({"code": "more", "message": f"et {len(items) - _MAX_DETAIL_ITEMS} autre(s)"})
    return detail


def keyed_digest(data: bytes, pseudonymise: Callable[[str], str]) -> str:
    """The keyed hash (HMAC with the pseudonymisation key) of the bytes' SHA-256, hex.

    Keyed, so that a short message (a bare identifier) cannot be found again by hashing
    every possible identifier; never a beneficiary's pseudonym: what is hashed is 76
    characters long, a beneficiary identifier at most 64.
    """
    return pseudonymise("dead-letter:" + hashlib.sha256(data).hexdigest())


def dead_letter(record: Any, refusal: Refusal, pseudonymise: Callable[[str], str]) -> DeadLetter:
    """The dead letter of a consumer record (aiokafka's ConsumerRecord)."""
    original: bytes = record.value or b""
    document = None if refusal.reason in _NOT_PARSED else redacted_document(original)
    body = {
        "dead_letter_version": DEAD_LETTER_VERSION,
        "reason": refusal.reason,
        "size": len(original),
        "digest": keyed_digest(original, pseudonymise),
        "document": document,
    }
    headers = {
        "dead-letter-reason": refusal.reason,
        "dead-letter-detail": json.dumps(safe_detail(refusal.detail), ensure_ascii=False),
        "source-topic": record.topic,
        "source-partition": str(record.partition),
        "source-offset": str(record.offset),
        "source-timestamp": str(record.timestamp),
    }
    key = None if record.key is None else keyed_digest(record.key, pseudonymise).encode()
    value = json.dumps(body, ensure_ascii=False).encode()
    return DeadLetter(key, value, headers, refusal.reason)
