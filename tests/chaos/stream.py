"""The chaos run's stream (pure, seeded): markets, contracts, invoices, months of hours.

Markets go through HTTP JSON; a third of them get their contracts and hours in CSV files,
a third their hours on the raw topic, the rest everything as JSON. Some months are sent
again with other hours later on (version 2 replaces version 1 downstream). Each
submission follows what it cites, so a client sending them in order is never refused.
`Expected` is what the event topics must end with: what the client last sent, by identity.
"""

import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from tests.builders import BUYER_SIRET, CSV_HEADER, HOLDER_SIRET, a_csv_row

Channel = Literal["json", "csv", "raw"]
CATEGORIES = ("works", "services", "supplies", "intellectual_services")
TYPES = ("cddi", "cdi", "cdd", "apprenticeship", "interim")
CSV_TYPES = {"cddi": "CDDI", "cdi": "CDI", "cdd": "CDD", "apprenticeship": "apprenticeship"}
CSV_TYPES["interim"] = "interim"
MONTHS = tuple(f"2023-{month:02d}" for month in range(1, 13))


@dataclass(frozen=True)
class Sent:
    """One submission: its entry point, the route (or raw type) and the body."""

    channel: Channel
    route: str
    body: Any  # JSON for json and raw, bytes for csv

    def raw_value(self) -> bytes:
        """The raw topic's value."""
        return json.dumps({"type": self.route, "schema_version": 1, **self.body}).encode()


@dataclass
class Expected:
    """What the topics must end with, by identity: the content the client last sent."""

    markets: set[str] = field(default_factory=set)
    contracts: set[str] = field(default_factory=set)
    invoices: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    hours: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (market, period)


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
    amount = Decimal(rng.randrange(20_000, 2_000_000))
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


def stream(seed: int, markets: int, people: int) -> tuple[list[Sent], Expected]:
    """The submissions in the order a client sends them, and what must come out."""
    rng = random.Random(seed)
    sent: list[Sent] = []
    expected = Expected()
    names = [f"CHAOS-{seed % 1000:03d}-{n:03d}" for n in range(markets)]
    staff = {
        name: [Person(k, rng.choice(TYPES), rng.random() < 0.3) for k in range(people)]
        for name in names
    }
    channels: dict[str, Channel] = {
        name: ("json", "csv", "raw")[n % 3] for n, name in enumerate(names)
    }
    for name in names:
        sent.append(Sent("json", "/v1/markets", market_body(name, rng)))
        expected.markets.add(name)
        if channels[name] != "csv":
            bodies = [contract_body(name, p) for p in staff[name]]
            sent.append(Sent("json", "/v1/work-contracts", bodies))
        expected.contracts.update(p.contract_id(name) for p in staff[name])
    later: list[Sent] = []
    for period in MONTHS:
        for name in names:
            crew = staff[name]
            for again in (False, True):
                if again and rng.random() > 0.1:
                    continue
                hours = [hours_of(rng) for _ in crew]
                expected.hours[(name, period)] = sum(hours, Decimal(0))
                channel = channels[name]
                if channel == "csv":
                    item = Sent(
                        "csv", "/v1/monthly-hours/csv", hours_csv(name, period, crew, hours)
                    )
                elif channel == "raw":
                    item = Sent("raw", "monthly_hours", hours_body(name, period, crew, hours))
                else:
                    item = Sent("json", "/v1/monthly-hours", hours_body(name, period, crew, hours))
                (later if again else sent).append(item)
            if period.endswith(("03", "06", "09", "12")):
                amount = Decimal(rng.randrange(10_000, 200_000))
                invoice = {"market_id": name, "holder_siret": HOLDER_SIRET, "period": period}
                sent.append(Sent("json", "/v1/invoices", {**invoice, "amount_ht": str(amount)}))
                expected.invoices[(name, period)] = amount
    return sent + later, expected
