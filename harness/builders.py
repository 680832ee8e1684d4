"""Builders of valid inputs (events, aggregates, submissions, CSV rows, DECP records) and ingest's
test accounts; a test or a benchmark overrides only what it is about."""

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from services.ingest.domain.access import hash_token
from services.ingest.domain.plausibility import plausible_for
from services.ingest.domain.pseudonym import Pseudonymiser
from services.ingest.domain.rules import ContractFacts, RuleContext
from services.ingest.domain.submissions import (
    InvoiceSubmission,
    MarketSubmission,
    MonthlyHoursSubmission,
    WorkContractSubmission,
)
from shared.aggregates import (
    AggregateChanged,
    ClauseStatus,
    DistinctCount,
    HoursCell,
    aggregate_key,
)
from shared.events import InvoiceRecorded, MarketNotified, MonthlyHoursReported, WorkContractSigned

BUYER_SIRET = "23440003400026"
HOLDER_SIRET = "35600000000048"
OTHER_SIRET = "44306184100047"
DEPARTEMENT_SIRET = "22440002800011"  # a second buyer: the Loire-Atlantique département


def pseudonym(name: str) -> str:
    """A stand-in pseudonym for a test person (tests never need the real keyed hash)."""
    return hashlib.sha256(name.encode()).hexdigest()


def a_market(**overrides: Any) -> MarketNotified:
    """A works market with a proportional insertion clause."""
    fields: dict[str, Any] = {
        "market_id": "2023-0042",
        "buyer": {"siret": BUYER_SIRET, "name": "Région des Pays de la Loire"},
        "title": "Construction du lycée de Nort-sur-Erdre",
        "category": "works",
        "cpv_code": "45214220",
        "amount_ht": Decimal("1250000.00"),
        "notification_date": date(2023, 3, 14),
        "duration_months": 24,
        "holders": [{"siret": HOLDER_SIRET, "is_sme": True, "in_territory": True}],
        "social_considerations": ["social_clause"],
        "insertion_commitment": {"hours_per_10k_eur_ht": 10, "min_hours_per_year": 150},
    }
    return MarketNotified.model_validate({**fields, **overrides})


def an_invoice(**overrides: Any) -> InvoiceRecorded:
    """An invoice on the default market."""
    fields: dict[str, Any] = {
        "market_id": "2023-0042",
        "holder_siret": HOLDER_SIRET,
        "period": "2023-06",
        "amount_ht": Decimal("85000.00"),
    }
    return InvoiceRecorded.model_validate({**fields, **overrides})


def a_contract(**overrides: Any) -> WorkContractSigned:
    """A CDDI signed by a woman on the default market."""
    fields: dict[str, Any] = {
        "contract_id": "C-0001",
        "beneficiary": pseudonym("beneficiary-1"),
        "gender": "female",
        "contract_type": "cddi",
        "eligible_public": "rsa",
        "modality": "direct_hire",
        "employer_siret": HOLDER_SIRET,
        "market_id": "2023-0042",
        "start_date": date(2023, 4, 1),
    }
    return WorkContractSigned.model_validate({**fields, **overrides})


def an_hours_report(**overrides: Any) -> MonthlyHoursReported:
    """One month of hours for one beneficiary on the default market."""
    fields: dict[str, Any] = {
        "market_id": "2023-0042",
        "employer_siret": HOLDER_SIRET,
        "period": "2023-06",
        "lines": [
            {
                "beneficiary": pseudonym("beneficiary-1"),
                "contract_id": "C-0001",
                "insertion_hours": Decimal("151.67"),
                "training_hours": Decimal("7.00"),
            }
        ],
    }
    return MonthlyHoursReported.model_validate({**fields, **overrides})


def an_hours_cell(**overrides: Any) -> HoursCell:
    """A month of hours on the default works market, one woman in a CDDI hired directly."""
    fields: dict[str, Any] = {
        "period": "2023-06",
        "market_id": "2023-0042",
        "category": "works",
        "reserved_market": False,
        "gender": "female",
        "contract_type": "cddi",
        "eligible_public": "rsa",
        "modality": "direct_hire",
        "employer_siret": HOLDER_SIRET,
        "insertion_hours": Decimal("151.67"),
        "training_hours": Decimal("7.00"),
    }
    return HoursCell.model_validate({**fields, **overrides})


def a_distinct_count(**overrides: Any) -> DistinctCount:
    """The number of beneficiaries with hours in 2023, all of them."""
    fields: dict[str, Any] = {
        "year": 2023,
        "counted": "beneficiaries",
        "breakdown": "all",
        "value": "all",
        "count": 1,
    }
    return DistinctCount.model_validate({**fields, **overrides})


def a_clause_status(**overrides: Any) -> ClauseStatus:
    """The default market's clause, on track as of June 2023."""
    fields: dict[str, Any] = {
        "market_id": "2023-0042",
        "as_of_period": "2023-06",
        "hours_owed": Decimal("150.00"),
        "hours_realised": Decimal("151.67"),
        "status": "on_track",
    }
    return ClauseStatus.model_validate({**fields, **overrides})


def an_aggregate_change(
    aggregate: HoursCell | DistinctCount | ClauseStatus | None = None, **overrides: Any
) -> AggregateChanged:
    """The change the clauses service publishes for an aggregate (an hours cell by default)."""
    value = aggregate if aggregate is not None else an_hours_cell()
    fields: dict[str, Any] = {
        "key": aggregate_key(value),
        "aggregate": value,
        "applied_at": datetime(2023, 7, 3, 9, 30, tzinfo=UTC),
    }
    return AggregateChanged.model_validate({**fields, **overrides})


def beneficiary_counts(*, female: int, male: int, year: int = 2023) -> list[AggregateChanged]:
    """The distinct counts of beneficiaries of a year: the total and by gender."""
    return [
        an_aggregate_change(a_distinct_count(year=year, count=female + male)),
        an_aggregate_change(
            a_distinct_count(year=year, breakdown="gender", value="female", count=female)
        ),
        an_aggregate_change(
            a_distinct_count(year=year, breakdown="gender", value="male", count=male)
        ),
    ]


# --- ingest submissions (the input shapes, carrying raw beneficiary identifiers) -------------

RAW_BENEFICIARY = "1850578006084"
TEST_PSEUDONYMISATION_KEY = "test-key-0123456789-abcdefghijklmnopqrstuvwxyz"
# ingest's accounts for tests and benchmarks: the bearer tokens are their names with -token
TOKENS: list[dict[str, Any]] = [
    {"name": "facilitateur", "role": "facilitator", "sha256": hash_token("facilitator-token")},
    {  # a facilitator whose perimeter is the region only
        "name": "facilitateur-region",
        "role": "facilitator",
        "buyers": [BUYER_SIRET],
        "sha256": hash_token("region-facilitator-token"),
    },
    {  # a facilitator whose perimeter is the département only
        "name": "facilitateur-departement",
        "role": "facilitator",
        "buyers": [DEPARTEMENT_SIRET],
        "sha256": hash_token("departement-facilitator-token"),
    },
    {
        "name": "titulaire",
        "role": "contractor",
        "siret": HOLDER_SIRET,
        "sha256": hash_token("contractor-token"),
    },
    {
        "name": "autre-titulaire",
        "role": "contractor",
        "siret": OTHER_SIRET,
        "sha256": hash_token("other-contractor-token"),
    },
]


def a_market_submission(**overrides: Any) -> MarketSubmission:
    """The default market as a facilitator submits it (no version, no event id)."""
    fields = a_market().model_dump(exclude={"event_id", "version", "event_type", "schema_version"})
    return MarketSubmission.model_validate({**fields, **overrides})


def an_invoice_submission(**overrides: Any) -> InvoiceSubmission:
    """The default invoice as a holder submits it."""
    fields = an_invoice().model_dump(
        exclude={"event_id", "version", "event_type", "schema_version"}
    )
    return InvoiceSubmission.model_validate({**fields, **overrides})


def a_contract_submission(**overrides: Any) -> WorkContractSubmission:
    """The default contract, with the raw beneficiary identifier the facilitator knows."""
    fields = a_contract().model_dump(
        exclude={"event_id", "version", "event_type", "schema_version", "beneficiary"}
    )
    return WorkContractSubmission.model_validate(
        {**fields, "beneficiary_id": RAW_BENEFICIARY, **overrides}
    )


def an_hours_submission(**overrides: Any) -> MonthlyHoursSubmission:
    """The default month of hours for the default contract, with the raw identifier."""
    fields: dict[str, Any] = {
        "market_id": "2023-0042",
        "employer_siret": HOLDER_SIRET,
        "period": "2023-06",
        "lines": [
            {
                "beneficiary_id": RAW_BENEFICIARY,
                "contract_id": "C-0001",
                "insertion_hours": Decimal("151.67"),
                "training_hours": Decimal("7.00"),
            }
        ],
    }
    return MonthlyHoursSubmission.model_validate({**fields, **overrides})


def a_rule_context(**overrides: Any) -> RuleContext:
    """Today is 15 July 2023; the default market is known, with the default contract."""
    pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)
    fields: dict[str, Any] = {
        "today": date(2023, 7, 15),
        "holders": {"2023-0042": frozenset({HOLDER_SIRET})},
        "markets_lag": 0,
        "contracts": {
            "C-0001": ContractFacts(
                "2023-0042", HOLDER_SIRET, pseudonymise(RAW_BENEFICIARY), date(2023, 4, 1)
            )
        },
        "monthly_ceiling": Decimal(208),
        "max_lines_per_report": 5000,
        "bounds": plausible_for(
            date(2023, 7, 15), earliest_year=2000, years_ahead=1, end_years_ahead=5
        ),
        "market_amounts": {"2023-0042": Decimal("1250000.00")},
    }
    return RuleContext(**{**fields, **overrides})


CSV_HEADER = (
    "marché;siret_employeur;période;identifiant_bénéficiaire;sexe;type_contrat;"
    "public_éligible;modalité;date_début_contrat;date_fin_contrat;heures_insertion;"
    "heures_formation;référence_contrat"
)


def a_csv_row(market_id: str, person: int, **cells: str) -> str:
    """One facilitator row: person n, on a CDDI since April 2023, 35,5 hours in June 2023."""
    values = {
        "market": market_id,
        "siret": HOLDER_SIRET,
        "period": "06/2023",
        "beneficiary": f"BEN-{market_id}-{person:05d}",
        "gender": "F" if person % 3 == 0 else "H",
        "type": "CDDI",
        "public": "RSA",
        "modality": "Embauche directe",
        "start": "01/04/2023",
        "end": "",
        "insertion": "35,5",
        "training": "2",
        "contract": f"C-{market_id}-{person:05d}",
    }
    values.update(cells)
    return ";".join(values.values())


def an_hours_csv(
    market_id: str, count: int, *, bad: dict[int, dict[str, str]] | None = None, **cells: str
) -> bytes:
    """A CSV of `count` rows (UTF-8 with BOM); `bad` maps a person to the cells that break it."""
    bad = bad or {}
    rows = [a_csv_row(market_id, n, **{**cells, **bad.get(n, {})}) for n in range(count)]
    return ("\ufeff" + CSV_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode()


def a_decp_record(market_id: str, **overrides: Any) -> dict[str, Any]:
    """A DECP 2.0.3 `marche` record with a social clause, held by the default holder."""
    record: dict[str, Any] = {
        "id": market_id,
        "acheteur": {"id": BUYER_SIRET},
        "nature": "Marché",
        "objet": "Construction du lycée de Nort-sur-Erdre",
        "codeCPV": "45214220",
        "ccag": "Travaux",
        "procedure": "Appel d'offres ouvert",
        "dureeMois": 24,
        "dateNotification": "2024-03-14",
        "datePublicationDonnees": "2024-03-20",
        "montant": 1250000,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": HOLDER_SIRET}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Pas de considération environnementale"]
        },
    }
    return {**record, **overrides}


def a_decp_document(*records: dict[str, Any]) -> bytes:
    """A DECP document in the official shape."""
    return json.dumps({"marches": {"marche": list(records), "contrat-concession": []}}).encode()
