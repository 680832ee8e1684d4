"""The files a facilitator uploads (pure): a CSV of monthly hours, a DECP 2.x document.

The CSV is what a facilitator's spreadsheet exports: French headers, `;` between cells, a
decimal comma, dates as JJ/MM/AAAA, periods as MM/AAAA, codes as their French labels, and
the contract described on each row (ingest checks it against the contract it knows).
"""

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date

from reference_dataset.records import Json, Payload, lines_of
from shared.codes import LABELS_FR

CSV_HEADERS = (
    "Marché",
    "SIRET employeur",
    "Période",
    "Identifiant bénéficiaire",
    "Sexe",
    "Type de contrat",
    "Public éligible",
    "Modalité",
    "Date début contrat",
    "Date fin contrat",
    "Heures d'insertion",
    "Heures de formation",
    "Référence contrat",
)
CCAG_OF = {"works": "Travaux", "intellectual_services": "Prestations intellectuelles"}
OTHER_CCAG = "Fournitures courantes et services"
SOCIAL_LABEL = {
    "social_clause": "Clause sociale",
    "social_criterion": "Critère social",
    "reserved_market": "Marché réservé",
}
ENVIRONMENTAL_LABEL = {
    "environmental_clause": "Clause environnementale",
    "environmental_criterion": "Critère environnemental",
}


def _label(code: Json) -> str:
    return LABELS_FR.get(str(code), str(code))


def _day(text: Json) -> str:
    return "" if text is None else date.fromisoformat(str(text)).strftime("%d/%m/%Y")


def _period(text: Json) -> str:
    year, _, month = str(text).partition("-")
    return f"{month}/{year}"


def _hours(text: Json) -> str:
    return str(text).replace(".", ",")


def hours_csv(reports: Sequence[Payload], contracts: Mapping[str, Payload]) -> bytes:
    """One row per line of each report, with its contract as last declared (UTF-8, BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for report in reports:
        for line in lines_of(report):
            contract = contracts[str(line["contract_id"])]
            writer.writerow(
                (
                    report["market_id"],
                    report["employer_siret"],
                    _period(report["period"]),
                    line["beneficiary_id"],
                    _label(contract["gender"]),
                    _label(contract["contract_type"]),
                    _label(contract["eligible_public"]),
                    _label(contract["modality"]),
                    _day(contract["start_date"]),
                    _day(contract["end_date"]),
                    _hours(line["insertion_hours"]),
                    _hours(line["training_hours"]),
                    line["contract_id"],
                )
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _considerations(codes: Json, labels: Mapping[str, str], none: str) -> list[str]:
    found = [labels[str(code)] for code in codes] if isinstance(codes, list) else []
    return found or [none]


def _decp_market(market: Payload) -> dict[str, object]:
    buyer, holders = market["buyer"], market["holders"]
    assert isinstance(buyer, dict)
    assert isinstance(holders, list)
    category = str(market["category"])
    return {
        "id": market["market_id"],
        "acheteur": {"id": buyer["siret"]},
        "nature": "Marché",
        "objet": market["title"],
        "codeCPV": market["cpv_code"],
        "ccag": CCAG_OF.get(category, OTHER_CCAG),
        "montant": float(str(market["amount_ht"])),  # two decimals: the shortest repr is exact
        "dateNotification": market["notification_date"],
        "datePublicationDonnees": market["notification_date"],
        "dureeMois": market["duration_months"],
        "titulaires": [
            {"titulaire": {"typeIdentifiant": "SIRET", "id": holder["siret"]}}
            for holder in holders
            if isinstance(holder, dict)
        ],
        "considerationsSociales": {
            "considerationSociale": _considerations(
                market["social_considerations"], SOCIAL_LABEL, "Pas de considération sociale"
            )
        },
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": _considerations(
                market["environmental_considerations"],
                ENVIRONMENTAL_LABEL,
                "Pas de considération environnementale",
            )
        },
    }


def decp_document(markets: Sequence[Payload]) -> bytes:
    """A DECP 2.x document of these markets."""
    document = {"marches": {"marche": [_decp_market(market) for market in markets]}}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def decp_category(market: Payload) -> str:
    """The category ingest derives from the DECP record (CPV division and CCAG)."""
    ccag = CCAG_OF.get(str(market["category"]), OTHER_CCAG)
    if ccag == "Prestations intellectuelles":
        return "intellectual_services"
    division = int(str(market["cpv_code"])[:2])
    if division == 45:
        return "works"
    return "supplies" if 3 <= division <= 44 or division == 48 else "services"
