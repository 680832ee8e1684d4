"""The CSV template facilitators download: the import's own French headers, one example row."""

from services.ingest.domain.hours_csv import COLUMNS

# one made-up example per column (the identifier is fictitious, the SIRET a valid test one)
EXAMPLE: dict[str, str] = {
    "market_id": "2026-0042",
    "employer_siret": "35600000000048",
    "period": "10/2026",
    "beneficiary_id": "EXEMPLE-0001",
    "gender": "F",
    "contract_type": "CDDI",
    "eligible_public": "RSA",
    "modality": "Embauche directe",
    "start_date": "01/09/2026",
    "end_date": "",
    "insertion_hours": "35,5",
    "training_hours": "2",
    "contract_id": "",
}


def template_headers() -> list[str]:
    """The first (French) header the import accepts for every column, in the import's order."""
    return [aliases[0] for aliases in COLUMNS.values()]


def template_csv() -> bytes:
    """UTF-8 with BOM and `;` (what a French spreadsheet opens and saves as is)."""
    example = [EXAMPLE[field] for field in COLUMNS]
    lines = [";".join(template_headers()), ";".join(example)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()
