"""Large, realistic, reproducible event streams for the ledger's integration, crash and bench.

Per market: its notification (5 % corrected), 8 work contracts (5 % corrected, 10 %
arriving after their first hours), monthly reports by the holder and one subcontractor
over 12 months (10 % corrected, 2 % twice), the holder's monthly invoices, and 5 % of
all messages delivered twice. Companies hold several markets; 20 % are SMEs.
"""

import hashlib
import random
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TypeVar

from shared.codes import ContractType, EligiblePublic, Gender, MarketCategory, Modality
from shared.events import (
    Event,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)

EventT = TypeVar("EventT", bound=Event)
EVENTS_PER_MARKET = 51  # on average, duplicates and corrections included
FIRST_MONTH = 2022 * 12  # January 2022


def _period(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def _revised(event: EventT) -> EventT:
    """The next version of an event (its id derived again)."""
    fields = {**event.model_dump(), "version": event.version + 1, "event_id": ""}
    return type(event).model_validate(fields)


def _hours(rng: random.Random, top: int) -> Decimal:
    return Decimal(rng.randint(0, top)).scaleb(-2)


class _World:
    def __init__(self, seed: int, prefix: str) -> None:
        self.rng = random.Random(seed)
        self.prefix = prefix
        self.timed: list[tuple[float, int, Event]] = []
        self.people = 0

    def at(self, time: float, event: Event) -> None:
        self.timed.append((time, len(self.timed), event))
        if self.rng.random() < 0.05:  # redelivered later
            self.timed.append((time + self.rng.uniform(0, 3), len(self.timed), event))

    def company(self, number: int) -> dict[str, object]:
        return {"siret": f"{number:014d}", "is_sme": number % 5 == 0}

    def market(self, index: int, start: int, holder: dict[str, object]) -> MarketNotified:
        rng = self.rng
        return MarketNotified(
            market_id=f"{self.prefix}M{index:06d}",
            buyer={"siret": "23440003400026"},
            title=f"Marché {index}",
            category=rng.choice(list(MarketCategory)),
            amount_ht=Decimal(rng.randint(50_000, 5_000_000)),
            notification_date=date(start // 12, start % 12 + 1, 1),
            duration_months=rng.choice([12, 24, 36]),
            holders=[holder],
            social_considerations=rng.choice([("social_clause",), ("reserved_market",)]),
            insertion_commitment={"hours_per_10k_eur_ht": 10, "min_hours_per_year": 150},
        )

    def contract(self, market_id: str, number: int, employer: str) -> WorkContractSigned:
        rng = self.rng
        if number == 0 or rng.random() > 0.07:  # 7 % sign a second contract
            self.people += 1
        person = self.people
        return WorkContractSigned(
            contract_id=f"{market_id}-C{number}",
            beneficiary=hashlib.sha256(f"{self.prefix}person-{person}".encode()).hexdigest(),
            gender=rng.choices(list(Gender), weights=[16, 83, 1])[0],
            contract_type=rng.choice(list(ContractType)),
            eligible_public=rng.choice(list(EligiblePublic)),
            modality=rng.choice(list(Modality)),
            employer_siret=employer,
            market_id=market_id,
            start_date=date(2022, 1, 1),
        )


def _report(
    world: _World, market_id: str, employer: str, month: int, contracts: list[str], version: int
) -> MonthlyHoursReported:
    rng = world.rng
    lines = [
        {
            "beneficiary": hashlib.sha256(contract_id.encode()).hexdigest(),
            "contract_id": contract_id,
            "insertion_hours": _hours(rng, 15167),
            "training_hours": _hours(rng, 1400) if rng.random() < 0.2 else Decimal(0),
        }
        for contract_id in contracts
        if version == 1 or rng.random() > 0.1  # a correction may drop a line
    ]
    return MonthlyHoursReported(
        market_id=market_id,
        employer_siret=employer,
        period=_period(month),
        version=version,
        lines=lines,
    )


def _one_market(world: _World, index: int) -> None:
    rng = world.rng
    start = FIRST_MONTH + rng.randint(0, 23)
    holder = world.company(rng.randint(1, max(2, index // 3 + 1)))
    subcontractor = f"{rng.randint(10**12, 10**13):014d}"
    market = world.market(index, start, holder)
    world.at(start - 1 if rng.random() > 0.03 else start + 5, market)
    if rng.random() < 0.05:
        world.at(
            start + rng.uniform(0, 12), market.model_copy(update={"version": 2, "event_id": ""})
        )
    employers: dict[str, list[str]] = {str(holder["siret"]): [], subcontractor: []}
    for number in range(8):
        employer = list(employers)[number % 2]
        contract = world.contract(market.market_id, number, employer)
        employers[employer].append(contract.contract_id)
        late = rng.random() < 0.1
        world.at(start + (rng.uniform(0, 4) if late else -rng.uniform(0, 1)), contract)
        if rng.random() < 0.05:
            world.at(
                start + rng.uniform(0, 12),
                world.contract(market.market_id, number, employer).model_copy(
                    update={"version": 2, "event_id": ""}
                ),
            )
    for month in range(start, start + 12):
        for employer, contracts in employers.items():
            world.at(month + 1.2, _report(world, market.market_id, employer, month, contracts, 1))
            for version in (2, 3):
                if rng.random() < (0.1 if version == 2 else 0.2):
                    report = _report(world, market.market_id, employer, month, contracts, version)
                    world.at(month + 1.2 + rng.uniform(0.1, 3), report)
                else:
                    break
        invoice = InvoiceRecorded(
            market_id=market.market_id,
            holder_siret=str(holder["siret"]),
            period=_period(month),
            amount_ht=Decimal(rng.randint(1_000, 400_000)),
        )
        world.at(month + 1.1, invoice)


def event_chunks(
    count: int, *, seed: int = 2023, prefix: str = "", markets_per_chunk: int = 1000
) -> Iterator[list[Event]]:
    """`count` events in arrival order, a thousand markets' worth at a time (bounded memory)."""
    world = _World(seed, prefix)
    markets = count * 11 // (10 * EVENTS_PER_MARKET) + 2
    left = count
    for first in range(0, markets, markets_per_chunk):
        for index in range(first, min(markets, first + markets_per_chunk)):
            _one_market(world, index)
        world.timed.sort(key=lambda timed: (timed[0], timed[1]))
        chunk = [event for _, _, event in world.timed[:left]]
        world.timed = []
        left -= len(chunk)
        yield chunk
        if not left:
            return


def event_stream(count: int, *, seed: int = 2023, prefix: str = "") -> list[Event]:
    """`count` events in arrival order, identifiers prefixed (to keep runs apart)."""
    return [event for chunk in event_chunks(count, seed=seed, prefix=prefix) for event in chunk]
