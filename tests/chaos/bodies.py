"""The bodies a client sends to ingest for the chaos stream: JSON and CSV."""

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from harness.builders import BUYER_SIRET, CSV_HEADER, HOLDER_SIRET, a_csv_row

CATEGORIES = ("works", "services", "supplies", "intellectual_services")
CSV_TYPES = {
    "cddi": "CDDI",
    "cdi": "CDI",
    "cdd": "CDD",
    "apprenticeship": "apprenticeship",
    "interim": "interim",
}


@dataclass(frozen=True)
class Person:
    """A beneficiary's contract on a market."""

    number: int
    contract_type: str
    female: bool

    def raw_id(self, market: str) -> str:
        return f"BEN-{market}-{self.number:05d}"

    def contract_id(self, market: str) -> str:
        return f"C-{market}-{self.number:05d}"


def market_body(market: str, rng: random.Random) -> dict[str, Any]:
    # at least the largest invoice the stream sends (ingest refuses an invoice above its market)
    amount = Decimal(rng.randrange(200_000, 2_000_000))
    return {
        "market_id": market,
        "buyer": {"siret": BUYER_SIRET, "name": "Région des Pays de la Loire"},
        "title": f"Marché {market}",
        "category": rng.choice(CATEGORIES),
        "amount_ht": str(amount),
        "notification_date": f"2022-{rng.randrange(1, 13):02d}-10",
        "duration_months": rng.choice((24, 36, 48)),
        "holders": [{"siret": HOLDER_SIRET, "is_sme": rng.random() < 0.5, "in_territory": True}],
        "social_considerations": ["social_clause"] if rng.random() < 0.8 else [],
        "insertion_commitment": {
            "hours_per_10k_eur_ht": rng.choice((5, 10)),
            "min_hours_per_year": 100,
        }
        if rng.random() < 0.7
        else None,
    }


def contract_body(market: str, person: Person) -> dict[str, Any]:
    return {
        "contract_id": person.contract_id(market),
        "beneficiary_id": person.raw_id(market),
        "gender": "female" if person.female else "male",
        "contract_type": person.contract_type,
        "eligible_public": "rsa",
        "modality": "direct_hire",
        "employer_siret": HOLDER_SIRET,
        "market_id": market,
        "start_date": "2022-12-01",
    }


def hours_of(rng: random.Random) -> Decimal:
    return Decimal(rng.randrange(0, 15_000)) / 100


def hours_body(market: str, period: str, people: list[Person], hours: list[Decimal]) -> Any:
    lines = [
        {
            "beneficiary_id": p.raw_id(market),
            "contract_id": p.contract_id(market),
            "insertion_hours": str(h),
            "training_hours": "1.5",
        }
        for p, h in zip(people, hours, strict=True)
    ]
    return {"market_id": market, "employer_siret": HOLDER_SIRET, "period": period, "lines": lines}


def hours_csv(market: str, period: str, people: list[Person], hours: list[Decimal]) -> bytes:
    month = f"{period[5:]}/{period[:4]}"
    rows = [
        a_csv_row(
            market,
            p.number,
            period=month,
            gender="F" if p.female else "H",
            type=CSV_TYPES[p.contract_type],
            start="01/12/2022",
            insertion=str(h).replace(".", ","),
            training="1,5",
        )
        for p, h in zip(people, hours, strict=True)
    ]
    return ("\ufeff" + CSV_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode()
