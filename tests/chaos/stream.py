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

from harness.builders import HOLDER_SIRET
from tests.chaos.bodies import Person, contract_body, hours_body, hours_csv, hours_of, market_body

Channel = Literal["json", "csv", "raw"]
TYPES = ("cddi", "cdi", "cdd", "apprenticeship", "interim")
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
