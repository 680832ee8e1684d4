"""A batch's working set: every key a fold over its events can touch, and its shape.

The service keeps the ledger in its database and, for each batch, loads only these
entries into a Projector (`services.clauses.adapters.storage`), folds the batch there and
writes back what changed: memory stays bounded by the batch, not by the history, and a
restarted service has nothing to rebuild. Loading too much is harmless; loading too little
would be wrong, so these sets are deliberately generous (every version of every fact a
line may meet).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from services.clauses.domain.facts import (
    Breakdowns,
    ContractFacts,
    InvoiceKey,
    MarketFacts,
    Report,
    ReportKey,
    contract_facts,
    market_facts,
    report_of,
)
from services.clauses.domain.projector import Projector
from services.clauses.domain.tally import CellKey, YearOf
from shared.events import (
    Event,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)

Reference = tuple[str, int, str]  # kind (contract, market, employer, sme), year, entity
REFERENCE_KINDS = ("contract", "market", "employer", "sme")


@dataclass(slots=True)
class Request:
    """What the events of a batch name directly."""

    reports: dict[ReportKey, list[Report]] = field(default_factory=lambda: defaultdict(list))
    contracts: dict[str, list[ContractFacts]] = field(default_factory=lambda: defaultdict(list))
    markets: dict[str, list[MarketFacts]] = field(default_factory=lambda: defaultdict(list))
    invoice_markets: set[str] = field(default_factory=set)


def request_of(events: Iterable[Event]) -> Request:
    """Every identity of the batch, with every version the batch carries."""
    request = Request()
    for event in events:
        match event:
            case MonthlyHoursReported():
                key, report = report_of(event)
                request.reports[key].append(report)
            case WorkContractSigned():
                request.contracts[event.contract_id].append(contract_facts(event))
            case MarketNotified():
                request.markets[event.market_id].append(market_facts(event))
            case InvoiceRecorded():
                request.invoice_markets.add(event.market_id)
    return request


@dataclass(frozen=True, slots=True)
class Touched:
    """Cells, reference counts and people a batch may change."""

    cells: frozenset[CellKey]
    references: frozenset[Reference]
    people: frozenset[YearOf]


def touched(
    reports: Iterable[tuple[ReportKey, Report]],
    markets: Mapping[str, Sequence[MarketFacts]],
    contracts: Mapping[str, Sequence[ContractFacts]],
) -> Touched:
    """Every cell and count key the lines of these reports make under any version of facts."""
    cells: set[CellKey] = set()
    references: set[Reference] = set()
    people: set[YearOf] = set()
    market_kinds = {m: {(f.category, f.reserved) for f in every} for m, every in markets.items()}
    contract_kinds = {
        c: {(f.gender, f.contract_type, f.eligible_public, f.modality) for f in every}
        for c, every in contracts.items()
    }
    for (market_id, employer, period), report in reports:
        year = int(period[:4])
        if report.lines:
            references.update(
                [("market", year, market_id), ("employer", year, employer), ("sme", year, employer)]
            )
        kinds_of_market = market_kinds.get(market_id, ())
        for contract_id, _, _ in report.lines:
            references.add(("contract", year, contract_id))
            for contract in contracts.get(contract_id, ()):
                people.add((year, contract.beneficiary))
            for gender, kind, public, modality in contract_kinds.get(contract_id, ()):
                cells.update(
                    (period, market_id, sector, reserved, gender, kind, public, modality, employer)
                    for sector, reserved in kinds_of_market
                )
    return Touched(frozenset(cells), frozenset(references), frozenset(people))


@dataclass(slots=True)
class WorkingSet:
    """A Projector loaded with what a batch can touch, and what it held when loaded."""

    projector: Projector = field(default_factory=Projector)
    reports: dict[ReportKey, int] = field(default_factory=dict)
    contracts: dict[str, int] = field(default_factory=dict)
    markets: dict[str, int] = field(default_factory=dict)
    invoices: dict[InvoiceKey, int] = field(default_factory=dict)
    references: dict[Reference, int] = field(default_factory=dict)
    people: dict[YearOf, tuple[Breakdowns, ...]] = field(default_factory=dict)


def reference_counters(projector: Projector) -> dict[str, dict[YearOf, int]]:
    """The tally's reference counts by kind (see `REFERENCE_KINDS`)."""
    tally = projector.tally
    return {
        "contract": tally.contract_lines,
        "market": tally.market_lines,
        "employer": tally.employer_lines,
        "sme": tally.sme_lines,
    }
