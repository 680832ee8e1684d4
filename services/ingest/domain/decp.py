"""DECP 2.x documents (French public-contract open data) to MarketNotified events.

Pure: bytes in, events and per-record defects out; no I/O, no clock, no environment.

What the importer decides (the API and the lead rely on it):
- Shapes: {"marches": {"marche": [...], "contrat-concession": [...]}}, {"marches": [...]}, a bare
  list, a single record; a lone object where a list is expected counts as a one-item list. In a
  list, a record with autoriteConcedante, concessionnaires, valeurGlobale or dateSignature is a
  concession. Markets come before concessions; unknown fields are ignored.
- Not JSON at all: ParseError (French, with line and column). Valid JSON without any record: one
  `no_records` defect with no record index, and no market.
- record_index counts from 0 within the record's own list (record_kind names the list). A record
  with any defect is not imported, and all its defects are listed.
- market_id is the DECP `id`, trimmed, and must fit shared.types.Identifier (else
  `invalid_identifier`, no other rewriting). DECP ids are unique per buyer only: an id already
  used by an earlier record of the document is a `duplicate_id` defect, never a silent overwrite.
- Concessions: category public_service_delegation, amount valeurGlobale, date dateSignature,
  buyer autoriteConcedante, holders concessionnaires, no CPV code.
- Amendments (modifications[]) are applied in the order of their `id`: the amount, dureeMois and
  the holders each take the value of the latest amendment that carries them, and only the values
  in effect are checked. version = 1 + number of amendments, so a republication carrying a new
  amendment replaces the earlier event downstream instead of being dropped as a duplicate.
- Amounts: JSON numbers from 1 to 100 bn EUR HT (above: `absurd_amount`; the ceiling is the
  `bounds` passed in), rounded to the cent. Dates: AAAA-MM-JJ (a time or time zone suffix is
  tolerated), within the plausible window passed in (`bounds`: the route passes ingest's,
  from INGEST_EARLIEST_YEAR to the end of next year; 2000-2099 by default), and a
  notification not after datePublicationDonnees. Titles over 500 characters (the contract's
  limit; DECP allows 1 000) are cut to 499 and "…". Holders: SIRET only, a repeated SIRET kept once;
  is_sme and in_territory unknown (None). Labels compare ignoring case, accents, œ and
  typographic apostrophes.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from services.ingest.domain.decp_fields import (
    ENVIRONMENTAL,
    SOCIAL,
    DefectCode,
    Issues,
    category_of,
    read_amount,
    read_ccag,
    read_considerations,
    read_cpv,
    read_date,
    read_identifier,
    read_months,
    read_number,
    read_siret,
    read_text,
    require,
    shown,
)
from services.ingest.domain.plausibility import LENIENT, Plausible
from shared.codes import MarketCategory
from shared.events import Buyer, Holder, MarketNotified

RecordKind = Literal["marche", "contrat-concession"]
KINDS: tuple[RecordKind, ...] = ("marche", "contrat-concession")
TITLE_MAX = 500


class ParseError(ValueError):
    """The document is not JSON at all (the message is in French)."""


class DecpDefect(BaseModel):
    """Why one record (or, with no record index, the whole document) was not imported."""

    model_config = ConfigDict(frozen=True)
    record_kind: RecordKind | None
    record_index: int | None
    record_id: str | None
    field: str | None
    code: DefectCode
    message: str


class DecpImport(BaseModel):
    """The markets a DECP document notifies, and the defects of the records left out."""

    model_config = ConfigDict(frozen=True)
    markets: list[MarketNotified]
    defects: list[DecpDefect]


@dataclass(frozen=True)
class _Keys:
    buyer: str
    amount: str
    date: str
    holders: str
    holder: str


_KEYS: dict[RecordKind, _Keys] = {
    "marche": _Keys("acheteur", "montant", "dateNotification", "titulaires", "titulaire"),
    "contrat-concession": _Keys(
        "autoriteConcedante",
        "valeurGlobale",
        "dateSignature",
        "concessionnaires",
        "concessionnaire",
    ),
}
_CONCESSION_KEYS = frozenset(
    {"autoriteConcedante", "concessionnaires", "valeurGlobale", "dateSignature"}
)
_RECORD_KEYS = _CONCESSION_KEYS | {"id", "objet", "acheteur", "montant", "titulaires"}
Located = tuple[RecordKind | None, int | None, object]


def parse_decp(document: bytes, bounds: Plausible = LENIENT) -> DecpImport:
    """Markets and concessions of a DECP 2.x document, and every defect of each record;
    dates and amounts within `bounds`."""
    records = _records(_load(document))
    if not records:
        message = (
            'aucun marché ni contrat de concession : attendu {"marches": {"marche": [...]}}, '
            "une liste d'enregistrements ou un enregistrement"
        )
        return DecpImport(
            markets=[], defects=[_defect((None, None, None), None, DefectCode.NO_RECORDS, message)]
        )
    markets: list[MarketNotified] = []
    defects: list[DecpDefect] = []
    seen: dict[str, str] = {}
    for kind, index, raw in records:
        issues = Issues()
        market = _market(kind, raw, issues, bounds)
        _check_unique(raw, f"{kind}[{index}]", seen, issues)
        if issues.found:
            defects.extend(_defect((kind, index, raw), *found) for found in issues.found)
        elif market is not None:
            markets.append(market)
    return DecpImport(markets=markets, defects=defects)


def _load(document: bytes) -> object:
    try:
        return json.loads(document, parse_float=Decimal, parse_int=Decimal, parse_constant=Decimal)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"le document n'est pas du JSON valide (ligne {error.lineno}, colonne {error.colno})"
        ) from error
    except UnicodeDecodeError as error:
        raise ParseError("le document n'est pas du texte UTF-8 (ni UTF-16/32)") from error
    except RecursionError as error:
        raise ParseError("le document JSON est imbriqué trop profondément") from error


def _records(data: object) -> list[tuple[RecordKind, int, object]]:
    if isinstance(data, dict) and "marches" in data:
        data = data["marches"]
    if isinstance(data, list):
        return [(_kind_of(item), index, item) for index, item in enumerate(data)]
    if not isinstance(data, dict):
        return []
    if any(kind in data for kind in KINDS):
        lists = [(kind, _as_list(data.get(kind))) for kind in KINDS]
        return [(kind, index, item) for kind, items in lists for index, item in enumerate(items)]
    return [(_kind_of(data), 0, data)] if _RECORD_KEYS & data.keys() else []


def _kind_of(item: object) -> RecordKind:
    concession = isinstance(item, dict) and bool(_CONCESSION_KEYS & item.keys())
    return "contrat-concession" if concession else "marche"


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _defect(where: Located, field: str | None, code: DefectCode, message: str) -> DecpDefect:
    kind, index, raw = where
    record_id = read_text(raw.get("id"), "id", Issues()) if isinstance(raw, dict) else None
    return DecpDefect(
        record_kind=kind,
        record_index=index,
        record_id=None if record_id is None else record_id[:100],
        field=field,
        code=code,
        message=message,
    )


def _check_unique(raw: object, where: str, seen: dict[str, str], issues: Issues) -> None:
    market_id = read_identifier(raw.get("id"), "id", Issues()) if isinstance(raw, dict) else None
    if market_id is None:
        return
    if market_id in seen:
        issues.add(
            "id",
            DefectCode.DUPLICATE_ID,
            f"identifiant {shown(market_id)} déjà utilisé par l'enregistrement {seen[market_id]}",
        )
    else:
        seen[market_id] = where


def _market(
    kind: RecordKind, raw: object, issues: Issues, bounds: Plausible
) -> MarketNotified | None:
    if not isinstance(raw, dict):
        issues.add(
            None, DefectCode.WRONG_TYPE, f"enregistrement (objet JSON) attendu, reçu {shown(raw)}"
        )
        return None
    keys = _KEYS[kind]
    amendments, amount, months, holders = _in_effect(raw, keys, issues)
    category, cpv_code = _category(kind, raw, issues)
    fields: dict[str, object] = {
        "market_id": read_identifier(raw.get("id"), "id", issues),
        "version": 1 + amendments,
        "buyer": _buyer(raw.get(keys.buyer), keys.buyer, issues),
        "title": _title(raw.get("objet"), issues),
        "category": category,
        "cpv_code": cpv_code,
        "amount_ht": read_amount(*amount, issues, bounds),
        "notification_date": _notification_date(raw, keys.date, issues, bounds),
        "duration_months": read_months(*months, issues),
        "holders": _holders(*holders, wrapper=keys.holder, issues=issues),
        "social_considerations": read_considerations(
            raw.get("considerationsSociales"),
            "considerationsSociales",
            inner="considerationSociale",
            table=SOCIAL,
            issues=issues,
        ),
        "environmental_considerations": read_considerations(
            raw.get("considerationsEnvironnementales"),
            "considerationsEnvironnementales",
            inner="considerationEnvironnementale",
            table=ENVIRONMENTAL,
            issues=issues,
        ),
    }
    return None if issues.found else _validated(fields, issues)


def _validated(fields: dict[str, object], issues: Issues) -> MarketNotified | None:
    # Safety net: the readers above are meant to catch everything the contract refuses.
    try:
        return MarketNotified.model_validate(fields)
    except ValidationError as error:
        for problem in error.errors():
            path = ".".join(str(part) for part in problem["loc"])
            issues.add(
                path,
                DefectCode.CONTRACT_VIOLATION,
                f"refusé par le contrat d'événement : {problem['msg']}",
            )
        return None


def _in_effect(
    raw: dict[str, object], keys: _Keys, issues: Issues
) -> tuple[int, tuple[object, str], tuple[object, str], tuple[object, str]]:
    """Amendment count, then amount, duration and holders in effect, each with its DECP path."""
    current = {key: (raw.get(key), key) for key in (keys.amount, "dureeMois", keys.holders)}
    items = _as_list(raw.get("modifications"))
    ranked: list[tuple[Decimal, str, dict[str, object]]] = []
    for index, item in enumerate(items):
        path = f"modifications[{index}]"
        if isinstance(item, dict) and "modification" in item:
            item, path = item["modification"], f"{path}.modification"
        if not isinstance(item, dict):
            issues.add(
                path,
                DefectCode.WRONG_TYPE,
                f"modification (objet JSON) attendue, reçu {shown(item)}",
            )
            continue
        rank = _sequence(item.get("id"), f"{path}.id", issues)
        if rank is not None:
            ranked.append((rank, path, item))
    for _, path, amendment in sorted(ranked, key=lambda entry: entry[0]):
        for key in current:
            if amendment.get(key) is not None:
                current[key] = (amendment[key], f"{path}.{key}")
    return len(items), current[keys.amount], current["dureeMois"], current[keys.holders]


def _sequence(value: object, path: str, issues: Issues) -> Decimal | None:
    number = read_number(value, path, issues)
    if number is not None and (number < 1 or number != number.to_integral_value()):
        issues.add(
            path,
            DefectCode.NOT_AN_INTEGER,
            f"numéro de modification entier ≥ 1 attendu, reçu {shown(number)}",
        )
        return None
    return number


def _category(
    kind: RecordKind, raw: dict[str, object], issues: Issues
) -> tuple[MarketCategory | None, str | None]:
    if kind == "contrat-concession":
        return MarketCategory.PUBLIC_SERVICE_DELEGATION, None
    cpv = read_cpv(raw.get("codeCPV"), "codeCPV", issues)
    ccag = read_ccag(raw.get("ccag"), "ccag", issues)
    return (None if cpv is None or ccag is None else category_of(cpv, ccag)), cpv


def _buyer(value: object, path: str, issues: Issues) -> Buyer | None:
    if not require(value, path, issues):
        return None
    if not isinstance(value, dict):
        issues.add(
            path, DefectCode.WRONG_TYPE, f"objet avec un « id » SIRET attendu, reçu {shown(value)}"
        )
        return None
    siret = read_siret(value.get("id"), f"{path}.id", issues)
    return None if siret is None else Buyer(siret=siret)


def _title(value: object, issues: Issues) -> str | None:
    title = read_text(value, "objet", issues)
    return title[: TITLE_MAX - 1] + "…" if title and len(title) > TITLE_MAX else title


def _notification_date(
    raw: dict[str, object], key: str, issues: Issues, bounds: Plausible
) -> date | None:
    day = read_date(raw.get(key), key, issues, bounds)
    published = read_date(raw.get("datePublicationDonnees"), "datePublicationDonnees", Issues())
    if day is not None and published is not None and day > published:
        issues.add(
            key,
            DefectCode.IMPOSSIBLE_DATE,
            f"date {day.isoformat()} postérieure à la publication des données "
            f"({published.isoformat()})",
        )
    return day


def _holders(value: object, path: str, *, wrapper: str, issues: Issues) -> tuple[Holder, ...]:
    if not require(value, path, issues):
        return ()
    items = _as_list(value)
    if not items:
        issues.add(
            path, DefectCode.MISSING_FIELD, "au moins un titulaire attendu, reçu une liste vide"
        )
    sirets: list[str] = []
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        if isinstance(item, dict) and wrapper in item:
            item, item_path = item[wrapper], f"{item_path}.{wrapper}"
        siret = _holder_siret(item, item_path, issues)
        if siret is not None:
            sirets.append(siret)
    return tuple(Holder(siret=siret) for siret in dict.fromkeys(sirets))


def _holder_siret(item: object, path: str, issues: Issues) -> str | None:
    if not isinstance(item, dict):
        issues.add(
            path, DefectCode.WRONG_TYPE, f"titulaire (objet JSON) attendu, reçu {shown(item)}"
        )
        return None
    kind = read_text(item.get("typeIdentifiant"), f"{path}.typeIdentifiant", issues)
    if kind is None:
        return None
    if kind.upper() != "SIRET":
        issues.add(
            f"{path}.typeIdentifiant",
            DefectCode.UNSUPPORTED_IDENTIFIER,
            f"seuls les titulaires identifiés par SIRET peuvent être suivis, reçu {shown(kind)}",
        )
        return None
    return read_siret(item.get("id"), f"{path}.id", issues)
