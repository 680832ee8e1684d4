"""Load from the database the part of the ledger a batch can touch, as a Projector.

The same pure fold then runs on it; `write_back` stores what it changed. See
`services.clauses.domain.needs` for how the keys are chosen.
"""

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, any_, bindparam, func, select
from sqlalchemy.dialects import postgresql
from sqlmodel import SQLModel

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
from services.clauses.domain.needs import Reference, request_of, touched
from services.clauses.domain.outputs import cell_key_text
from services.clauses.domain.tally import EMPLOYERS_NOT_SME, CellKey
from services.clauses.rows import aggregate_of
from services.clauses.tables import (
    ClauseStatusRow,
    ContractRow,
    HoursCellRow,
    InvoiceRow,
    LineRow,
    MarketRow,
    PersonRow,
    ReferenceRow,
    ReportRow,
)
from shared.events import Event, InsertionCommitment

Facts = TypeVar("Facts", MarketFacts, ContractFacts)
_CHUNK = 2000  # values per IN (...) list, well under every database's parameter limit
Person = tuple[int, str]


def key_text(key: tuple[Any, ...]) -> str:
    """A composite key as one column: its parts joined by | (identifiers never hold one)."""
    return "|".join(str(part) for part in key)


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


def rows_where(
    connection: Connection,
    model: type[SQLModel],
    column: str,
    values: Collection[Any],
    *,
    columns: Sequence[str] = (),
) -> Iterator[Row[Any]]:
    """Rows (or some of their columns) whose column is one of the values.

    PostgreSQL gets the values as one array parameter (= ANY): rendering and parsing
    thousands of IN parameters cost more than the query; SQLite gets IN lists in chunks.
    """
    table = SQLModel.metadata.tables[str(model.__tablename__)]
    query = select(*(table.c[name] for name in columns)) if columns else select(table)
    wanted = list(values)
    if not wanted:
        return
    if connection.dialect.name == "postgresql":
        array = bindparam("wanted", wanted, type_=postgresql.ARRAY(table.c[column].type))
        yield from connection.execute(query.where(table.c[column] == any_(array)))
        return
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        yield from connection.execute(query.where(table.c[column].in_(chunk)))


def market_of(row: Row[Any]) -> MarketFacts:
    """Market facts from their row."""
    commitment = row.commitment and InsertionCommitment.model_validate_json(row.commitment)
    return MarketFacts.of(
        version=row.version,
        category=row.category,
        reserved=row.reserved,
        sme_holders=frozenset(filter(None, row.sme_holders.split(","))),
        notified=row.notified,
        duration_months=row.duration_months,
        commitment=commitment or None,
    )


def contract_of(row: Row[Any]) -> ContractFacts:
    """Contract facts from their row."""
    return ContractFacts.of(
        version=row.version,
        beneficiary=row.beneficiary,
        gender=row.gender,
        contract_type=row.contract_type,
        eligible_public=row.eligible_public,
        modality=row.modality,
    )


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


def _versions_of(found: dict[str, Facts], batch: dict[str, list[Facts]]) -> dict[str, list[Facts]]:
    """Every version of each fact a line may meet: the kept one and the batch's."""
    every: defaultdict[str, list[Facts]] = defaultdict(list)
    for key, versions in batch.items():
        every[key].extend(versions)
    for key, kept in found.items():
        every[key].append(kept)
    return every


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
    found_markets = {
        row.market_id: market_of(row)
        for row in rows_where(connection, MarketRow, "market_id", market_ids)
    }
    found_contracts = {
        row.contract_id: contract_of(row)
        for row in rows_where(connection, ContractRow, "contract_id", contract_ids)
    }
    keys = touched(
        all_reports,
        _versions_of(found_markets, request.markets),
        _versions_of(found_contracts, request.contracts),
    )
    working = WorkingSet()
    _fill_ledger(connection, working, reports, found_markets, found_contracts, market_ids)
    _fill_tally(connection, working, keys.cells, keys.references, keys.people, market_ids)
    for row in rows_where(connection, ClauseStatusRow, "market_id", market_ids):
        status = aggregate_of(ClauseStatusRow.model_validate(row._mapping))
        working.projector.statuses[row.market_id] = status  # type: ignore[assignment]
    return working


def _fill_ledger(
    connection: Connection,
    working: WorkingSet,
    reports: dict[ReportKey, Report],
    markets: dict[str, MarketFacts],
    contracts: dict[str, ContractFacts],
    market_ids: Collection[str],
) -> None:
    ledger = working.projector.ledger
    ledger.markets.update(markets)
    ledger.contracts.update(contracts)
    working.markets = {key: facts.version for key, facts in markets.items()}
    working.contracts = {key: facts.version for key, facts in contracts.items()}
    for key, report in reports.items():
        ledger.put_report(key, report)
        working.reports[key] = report.version
    for row in _report_keys_of(connection, market_ids):
        ledger.reports_by_market[row.market_id].add((row.market_id, row.employer_siret, row.period))
    for row in rows_where(connection, InvoiceRow, "market_id", market_ids):
        key = (row.market_id, row.holder_siret, row.period)
        ledger.put_invoice(key, Invoice(row.version, row.cents))
        working.invoices[key] = row.version


def _report_keys_of(connection: Connection, market_ids: Collection[str]) -> Iterator[Any]:
    """Which employer reported which month on these markets (no lines)."""
    columns = ("market_id", "employer_siret", "period")
    return rows_where(connection, ReportRow, "market_id", market_ids, columns=columns)


def _fill_tally(
    connection: Connection,
    working: WorkingSet,
    cells: Collection[CellKey],
    references: Collection[Reference],
    people: Collection[Person],
    market_ids: Collection[str],
) -> None:
    tally = working.projector.tally
    by_text = {cell_key_text(cell): cell for cell in cells}
    columns = ("key", "insertion_hundredths", "training_hundredths")
    for row in rows_where(connection, HoursCellRow, "key", by_text, columns=columns):
        tally.cells[by_text[row.key]] = (row.insertion_hundredths, row.training_hundredths)
    counters = reference_counters(working.projector)
    for row in rows_where(connection, ReferenceRow, "ref", [key_text(r) for r in references]):
        kind, year, entity = row.ref.split("|", 2)
        count = row._mapping["count"]
        counters[kind][(int(year), entity)] = count
        working.references[(kind, int(year), entity)] = count
    for row in rows_where(connection, PersonRow, "person", [key_text(p) for p in people]):
        year, beneficiary = row.person.split("|", 1)
        held = tuple(tuple((b, v) for b, v in contract) for contract in json.loads(row.held))
        tally.people[(int(year), beneficiary)] = held
        working.people[(int(year), beneficiary)] = held
    for row in connection.execute(select(SQLModel.metadata.tables["clauses_distinct_count"])):
        if (row.counted, row.breakdown, row.value) != EMPLOYERS_NOT_SME:  # derived, not kept
            tally.counts[(row.year, row.counted, row.breakdown, row.value)] = row._mapping["count"]
    table = SQLModel.metadata.tables[str(HoursCellRow.__tablename__)]
    realised = select(table.c.market_id, table.c.period, func.sum(table.c.insertion_hundredths))
    wanted = list(market_ids)
    for start in range(0, len(wanted), _CHUNK):
        chunk = table.c.market_id.in_(wanted[start : start + _CHUNK])
        grouped = realised.where(chunk).group_by(table.c.market_id, table.c.period)
        for market_id, period, total in connection.execute(grouped):
            if total:
                tally.realised[market_id][period] = int(total)


def reference_counters(projector: Projector) -> dict[str, dict[tuple[int, str], int]]:
    """The tally's reference counts by kind (see `needs.REFERENCE_KINDS`)."""
    tally = projector.tally
    return {
        "contract": tally.contract_lines,
        "market": tally.market_lines,
        "employer": tally.employer_lines,
        "sme": tally.sme_lines,
    }
