"""Load from the database the part of the ledger a batch can touch, as a Projector.

The same pure fold then runs on it and `write_back` stores what it changed; see
`services.clauses.domain.needs` for how the keys are chosen. Memory is bounded by the
batch, not by the history, and a restarted service has nothing to rebuild.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, func, select

from services.clauses.domain import Projector
from services.clauses.domain.facts import (
    Breakdowns,
    ContractFacts,
    Invoice,
    InvoiceKey,
    MarketFacts,
    Report,
    ReportKey,
)
from services.clauses.domain.needs import Reference, Touched, request_of, touched
from services.clauses.domain.outputs import cell_key_text
from services.clauses.domain.tally import EMPLOYERS_NOT_SME
from services.clauses.ledger_rows import contract_of, held_of, market_of
from services.clauses.rows import aggregate_of
from services.clauses.sql import key_text, rows_where, table_of, where_in
from services.clauses.tables import (
    ClauseStatusRow,
    ContractRow,
    DistinctCountRow,
    HoursCellRow,
    InvoiceRow,
    LineRow,
    MarketRow,
    PersonRow,
    ReferenceRow,
    ReportRow,
)
from shared.events import Event

Facts = TypeVar("Facts", MarketFacts, ContractFacts)
Person = tuple[int, str]


@dataclass(slots=True)
class WorkingSet:
    """A Projector loaded with what a batch can touch, and what it held when loaded."""

    projector: Projector = field(default_factory=Projector)
    reports: dict[ReportKey, int] = field(default_factory=dict)
    contracts: dict[str, int] = field(default_factory=dict)
    markets: dict[str, int] = field(default_factory=dict)
    invoices: dict[InvoiceKey, int] = field(default_factory=dict)
    references: dict[Reference, int] = field(default_factory=dict)
    people: dict[Person, tuple[Breakdowns, ...]] = field(default_factory=dict)


def reference_counters(projector: Projector) -> dict[str, dict[tuple[int, str], int]]:
    """The tally's reference counts by kind (see `needs.REFERENCE_KINDS`)."""
    tally = projector.tally
    return {
        "contract": tally.contract_lines,
        "market": tally.market_lines,
        "employer": tally.employer_lines,
        "sme": tally.sme_lines,
    }


def load(
    connection: Connection, events: Sequence[Event], markets: Iterable[str] = ()
) -> WorkingSet:
    """The working set of a batch of events (and of extra markets, for their statuses)."""
    request = request_of(events)
    referencing = rows_where(
        connection, LineRow, "contract_id", request.contracts, columns=("report_key",)
    )
    wanted = {row.report_key for row in referencing} | {key_text(k) for k in request.reports}
    reports = _reports(connection, wanted, request.markets)
    batch_reports = [(k, r) for k, versions in request.reports.items() for r in versions]
    all_reports = [*reports.items(), *batch_reports]
    market_ids = {*request.markets, *request.invoice_markets, *markets}
    market_ids.update(key[0] for key, _ in all_reports)
    contract_ids = {*request.contracts}
    contract_ids.update(line[0] for _, report in all_reports for line in report.lines)
    working = WorkingSet()
    ledger = working.projector.ledger
    for row in rows_where(connection, MarketRow, "market_id", market_ids):
        ledger.markets[row.market_id] = market_of(row)
    for row in rows_where(connection, ContractRow, "contract_id", contract_ids):
        ledger.contracts[row.contract_id] = contract_of(row)
    keys = touched(
        all_reports,
        _versions_of(ledger.markets, request.markets),
        _versions_of(ledger.contracts, request.contracts),
    )
    _fill_ledger(connection, working, reports, market_ids)
    _fill_tally(connection, working, keys)
    _fill_markets(connection, working, market_ids)
    return working


def _versions_of(kept: dict[str, Facts], batch: dict[str, list[Facts]]) -> dict[str, list[Facts]]:
    """Every version of each fact a line may meet: the kept one and the batch's."""
    every: defaultdict[str, list[Facts]] = defaultdict(list)
    for key, versions in batch.items():
        every[key].extend(versions)
    for key, facts in kept.items():
        every[key].append(facts)
    return every


def _reports(
    connection: Connection, keys: Collection[str], markets: Collection[str]
) -> dict[ReportKey, Report]:
    """Reports with their lines, by key or by market."""
    rows = {r.report_key: r for r in rows_where(connection, ReportRow, "report_key", keys)}
    rows.update((r.report_key, r) for r in rows_where(connection, ReportRow, "market_id", markets))
    lines: defaultdict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for line in rows_where(connection, LineRow, "report_key", rows):
        lines[line.report_key].append(
            (line.contract_id, line.insertion_hundredths, line.training_hundredths)
        )
    return {
        (r.market_id, r.employer_siret, r.period): Report(r.version, tuple(lines[r.report_key]))
        for r in rows.values()
    }


def _fill_ledger(
    connection: Connection,
    working: WorkingSet,
    reports: dict[ReportKey, Report],
    market_ids: Collection[str],
) -> None:
    """Versions, reports (with lines), which months were reported, invoices."""
    ledger = working.projector.ledger
    working.markets = {key: facts.version for key, facts in ledger.markets.items()}
    working.contracts = {key: facts.version for key, facts in ledger.contracts.items()}
    for key, report in reports.items():
        ledger.put_report(key, report)
        working.reports[key] = report.version
    columns = ("market_id", "employer_siret", "period")
    for row in rows_where(connection, ReportRow, "market_id", market_ids, columns=columns):
        ledger.reports_by_market[row.market_id].add((row.market_id, row.employer_siret, row.period))
    for row in rows_where(connection, InvoiceRow, "market_id", market_ids):
        key = (row.market_id, row.holder_siret, row.period)
        ledger.put_invoice(key, Invoice(row.version, row.cents))
        working.invoices[key] = row.version


def _fill_tally(connection: Connection, working: WorkingSet, keys: Touched) -> None:
    """The cells, reference counts and people the batch may change; every count."""
    tally = working.projector.tally
    by_text = {cell_key_text(cell): cell for cell in keys.cells}
    columns = ("key", "insertion_hundredths", "training_hundredths")
    for row in rows_where(connection, HoursCellRow, "key", by_text, columns=columns):
        tally.cells[by_text[row.key]] = (row.insertion_hundredths, row.training_hundredths)
    counters = reference_counters(working.projector)
    for row in rows_where(connection, ReferenceRow, "ref", [key_text(r) for r in keys.references]):
        kind, year, entity = row.ref.split("|", 2)
        count = row._mapping["count"]
        counters[kind][(int(year), entity)] = count
        working.references[(kind, int(year), entity)] = count
    for row in rows_where(connection, PersonRow, "person", [key_text(p) for p in keys.people]):
        year, beneficiary = row.person.split("|", 1)
        tally.people[(int(year), beneficiary)] = held_of(row.held)
        working.people[(int(year), beneficiary)] = tally.people[(int(year), beneficiary)]
    for row in connection.execute(select(table_of(DistinctCountRow))):
        if (row.counted, row.breakdown, row.value) != EMPLOYERS_NOT_SME:  # derived, not kept
            tally.counts[(row.year, row.counted, row.breakdown, row.value)] = row._mapping["count"]


def _fill_markets(connection: Connection, working: WorkingSet, market_ids: Collection[str]) -> None:
    """What the clause statuses of the markets need: realised hours and current statuses."""
    cells = table_of(HoursCellRow)
    realised = select(cells.c.market_id, cells.c.period, func.sum(cells.c.insertion_hundredths))
    grouped = realised.group_by(cells.c.market_id, cells.c.period)
    for row in where_in(connection, grouped, cells.c.market_id, market_ids):
        market_id, period, total = row[0], row[1], row[2]
        if total:
            working.projector.tally.realised[market_id][period] = int(total)
    for row in rows_where(connection, ClauseStatusRow, "market_id", market_ids):
        status: Any = aggregate_of(ClauseStatusRow.model_validate(row._mapping))
        working.projector.statuses[row.market_id] = status
