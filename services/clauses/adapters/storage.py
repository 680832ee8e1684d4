"""The ledger's storage: its tables, and every batch with its consumed offsets in ONE transaction.

The ledger itself (latest versions, reference counts, people) lives in the database; a
batch loads its working set (`SqlStore.working_set`: the keys come from
`services.clauses.domain.working_set`), folds it in memory, and commits together: what the
fold changed (`write_back`), the aggregates it changed (rows of empty aggregates are
deleted), those changes again in the outbox under the batch's sequence number, the
removal of outbox rows already published, and the next offset of every partition it
read. After a crash the ledger, the aggregates, the outbox and the position in the topics
therefore always agree. Hours are exact integers of hundredths on every database; bulk
reads and writes go through `shared.sql_bulk`.
"""

import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    LargeBinary,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from services.clauses.application.ports import Batch, Pending, Published, TopicPartition
from services.clauses.domain.facts import (
    Breakdowns,
    ContractFacts,
    Invoice,
    InvoiceKey,
    MarketFacts,
    Report,
    ReportKey,
)
from services.clauses.domain.published_aggregates import Aggregate, RowValues, cell_key_text
from services.clauses.domain.tally import EMPLOYERS_NOT_SME
from services.clauses.domain.working_set import (
    Touched,
    WorkingSet,
    reference_counters,
    request_of,
    touched,
)
from shared.aggregates import ClauseStatus, ClauseStatusCode, CountedThing, DistinctCount, HoursCell
from shared.events import Event, InsertionCommitment
from shared.hundredths import from_hundredths
from shared.sql_bulk import bulk_upsert, delete_among, select_among


def _big_integer() -> Any:
    """A NOT NULL BIGINT column (sums of hundredths, counts and offsets outgrow 32 bits)."""
    return Field(sa_column=Column(BigInteger, nullable=False))


class MarketRow(SQLModel, table=True):
    """The latest version of a market, as the aggregation sees it."""

    __tablename__ = "clauses_market"

    market_id: str = Field(primary_key=True, max_length=64)
    version: int
    category: str = Field(max_length=40)
    reserved: bool
    sme_holders: str = Field(sa_column=Column(Text, nullable=False))  # SIRETs, comma-separated
    notified: str = Field(max_length=7)
    duration_months: int
    commitment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON


class ContractRow(SQLModel, table=True):
    """The latest version of a work contract, as the aggregation sees it."""

    __tablename__ = "clauses_contract"

    contract_id: str = Field(primary_key=True, max_length=64)
    version: int
    beneficiary: str = Field(max_length=64)
    gender: str = Field(max_length=20)
    contract_type: str = Field(max_length=40)
    eligible_public: str = Field(max_length=40)
    modality: str = Field(max_length=40)


class InvoiceRow(SQLModel, table=True):
    """The latest version of one holder's invoice for a month (key: market|holder|month)."""

    __tablename__ = "clauses_invoice"

    invoice_key: str = Field(primary_key=True, max_length=100)
    market_id: str = Field(index=True, max_length=64)
    holder_siret: str = Field(max_length=14)
    period: str = Field(max_length=7)
    version: int
    cents: int = _big_integer()


class ReportRow(SQLModel, table=True):
    """The latest version of an employer's month on a market (key: market|employer|month)."""

    __tablename__ = "clauses_report"

    report_key: str = Field(primary_key=True, max_length=100)
    market_id: str = Field(index=True, max_length=64)
    employer_siret: str = Field(max_length=14)
    period: str = Field(max_length=7)
    version: int


class LineRow(SQLModel, table=True):
    """One line of the latest version of a report."""

    __tablename__ = "clauses_line"

    report_key: str = Field(primary_key=True, max_length=100)
    contract_id: str = Field(primary_key=True, index=True, max_length=64)
    insertion_hundredths: int = _big_integer()
    training_hundredths: int = _big_integer()


class ReferenceRow(SQLModel, table=True):
    """Lines with hours of a contract, market or employer in a year (key: kind|year|entity)."""

    __tablename__ = "clauses_reference"

    ref: str = Field(primary_key=True, max_length=120)
    count: int = _big_integer()


class PersonRow(SQLModel, table=True):
    """The breakdowns of each counted contract of a person in a year (key: year|pseudonym)."""

    __tablename__ = "clauses_person"

    person: str = Field(primary_key=True, max_length=80)
    held: str = Field(sa_column=Column(Text, nullable=False))  # JSON


class HoursCellRow(SQLModel, table=True):
    """One non-empty hours cell (an empty cell has no row)."""

    __tablename__ = "clauses_hours_cell"

    key: str = Field(primary_key=True, max_length=400)
    period: str = Field(index=True, max_length=7)
    market_id: str = Field(index=True, max_length=64)
    category: str = Field(max_length=40)
    reserved_market: bool
    gender: str = Field(max_length=20)
    contract_type: str = Field(max_length=40)
    eligible_public: str = Field(max_length=40)
    modality: str = Field(max_length=40)
    employer_siret: str = Field(max_length=14)
    insertion_hundredths: int = _big_integer()
    training_hundredths: int = _big_integer()


class DistinctCountRow(SQLModel, table=True):
    """One non-zero distinct count of a year."""

    __tablename__ = "clauses_distinct_count"

    key: str = Field(primary_key=True, max_length=200)
    year: int = Field(index=True)
    counted: str = Field(max_length=40)
    breakdown: str = Field(max_length=40)
    value: str = Field(max_length=40)
    count: int


class ClauseStatusRow(SQLModel, table=True):
    """The clause status of one market with an insertion commitment."""

    __tablename__ = "clauses_clause_status"

    market_id: str = Field(primary_key=True, max_length=64)
    as_of_period: str = Field(max_length=7)
    owed_hundredths: int = _big_integer()
    realised_hundredths: int = _big_integer()
    status: str = Field(max_length=20)


class ConsumedOffset(SQLModel, table=True):
    """The next offset to consume of a partition, committed with the changes it caused."""

    __tablename__ = "clauses_consumed_offset"

    topic: str = Field(primary_key=True, max_length=255)
    partition: int = Field(primary_key=True)
    next_offset: int = _big_integer()


class OutboxRow(SQLModel, table=True):
    """The aggregate changes of a committed batch, maybe not yet published.

    One row per batch: a batch changes thousands of aggregates, and a row each cost more
    to write and delete than the aggregates. `messages` is zlib-compressed text, a line
    per change: its key, a tab, its JSON (neither holds a tab or a line break).
    """

    __tablename__ = "clauses_outbox_batch"

    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    messages: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


TABLE_MODELS: tuple[type[SQLModel], ...] = (
    MarketRow,
    ContractRow,
    InvoiceRow,
    ReportRow,
    LineRow,
    ReferenceRow,
    PersonRow,
    HoursCellRow,
    DistinctCountRow,
    ClauseStatusRow,
    ConsumedOffset,
    OutboxRow,
)
AnyRow = HoursCellRow | DistinctCountRow | ClauseStatusRow
AGGREGATE_TABLES: dict[str, type[AnyRow]] = {
    "hours": HoursCellRow,
    "distinct_count": DistinctCountRow,
    "clause": ClauseStatusRow,
}  # the table of each aggregate kind (`shared.aggregates`)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a SQLModel table class."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def key_text(key: tuple[Any, ...]) -> str:
    """A composite key as one column: its parts joined by | (identifiers never hold one)."""
    return "|".join(str(part) for part in key)


def upsert(connection: Connection, model: type[SQLModel], rows: Sequence[RowValues]) -> None:
    """Insert or replace rows by primary key (the keys of one call are distinct)."""
    bulk_upsert(connection, table_of(model), rows)


def delete_where(
    connection: Connection, model: type[SQLModel], column: str, values: Collection[Any]
) -> None:
    """Delete the rows whose column is one of the values."""
    delete_among(connection, table_of(model), column, values)


def rows_where(
    connection: Connection,
    model: type[SQLModel],
    column: str,
    values: Collection[Any],
    *,
    columns: Sequence[str] = (),
) -> Iterator[Any]:
    """Rows (or some of their columns) whose column is one of the values."""
    table = table_of(model)
    query = select(*(table.c[name] for name in columns)) if columns else select(table)
    return select_among(connection, query, table.c[column], values)


def aggregate_of(row: AnyRow) -> Aggregate:
    """The aggregate a table row holds (`published_aggregates.row_of` writes it)."""
    match row:
        case HoursCellRow():
            fields = row.model_dump(exclude={"key", "insertion_hundredths", "training_hundredths"})
            return HoursCell(
                insertion_hours=from_hundredths(row.insertion_hundredths),
                training_hours=from_hundredths(row.training_hundredths),
                **fields,
            )
        case DistinctCountRow():
            return DistinctCount(
                year=row.year,
                counted=CountedThing(row.counted),
                breakdown=row.breakdown,
                value=row.value,
                count=row.count,
            )
        case ClauseStatusRow():
            return ClauseStatus(
                market_id=row.market_id,
                as_of_period=row.as_of_period,
                hours_owed=from_hundredths(row.owed_hundredths),
                hours_realised=from_hundredths(row.realised_hundredths),
                status=ClauseStatusCode(row.status),
            )


def market_of(row: Any) -> MarketFacts:
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


def market_row(market_id: str, market: MarketFacts) -> RowValues:
    """The row of market facts."""
    return {
        "market_id": market_id,
        "version": market.version,
        "category": market.category,
        "reserved": market.reserved,
        "sme_holders": ",".join(sorted(market.sme_holders)),
        "notified": market.notified,
        "duration_months": market.duration_months,
        "commitment": market.commitment.model_dump_json() if market.commitment else None,
    }


def contract_of(row: Any) -> ContractFacts:
    """Contract facts from their row."""
    return ContractFacts.of(
        version=row.version,
        beneficiary=row.beneficiary,
        gender=row.gender,
        contract_type=row.contract_type,
        eligible_public=row.eligible_public,
        modality=row.modality,
    )


def contract_row(contract_id: str, contract: ContractFacts) -> RowValues:
    """The row of contract facts."""
    return {
        "contract_id": contract_id,
        "version": contract.version,
        "beneficiary": contract.beneficiary,
        "gender": contract.gender,
        "contract_type": contract.contract_type,
        "eligible_public": contract.eligible_public,
        "modality": contract.modality,
    }


def report_rows(key: ReportKey, report: Report) -> tuple[RowValues, list[RowValues]]:
    """The row of a report and the rows of its lines."""
    text = key_text(key)
    market_id, employer, period = key
    row = {
        "report_key": text,
        "market_id": market_id,
        "employer_siret": employer,
        "period": period,
        "version": report.version,
    }
    lines = [
        {
            "report_key": text,
            "contract_id": contract_id,
            "insertion_hundredths": insertion,
            "training_hundredths": training,
        }
        for contract_id, insertion, training in report.lines
    ]
    return row, lines


def invoice_row(key: InvoiceKey, invoice: Invoice) -> RowValues:
    """The row of an invoice."""
    market_id, holder, period = key
    return {
        "invoice_key": key_text(key),
        "market_id": market_id,
        "holder_siret": holder,
        "period": period,
        "version": invoice.version,
        "cents": invoice.cents,
    }


def held_of(text: str) -> tuple[Breakdowns, ...]:
    """The breakdowns of a person's counted contracts, from their JSON."""
    return tuple(tuple((b, v) for b, v in contract) for contract in json.loads(text))


Facts = TypeVar("Facts", MarketFacts, ContractFacts)


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
    for row in select_among(connection, grouped, cells.c.market_id, market_ids):
        market_id, period, total = row[0], row[1], row[2]
        if total:
            working.projector.tally.realised[market_id][period] = int(total)
    for row in rows_where(connection, ClauseStatusRow, "market_id", market_ids):
        status: Any = aggregate_of(ClauseStatusRow.model_validate(row._mapping))
        working.projector.statuses[row.market_id] = status


class _Versioned(Protocol):
    @property
    def version(self) -> int: ...


Kept = TypeVar("Kept", bound=_Versioned)


def _new_versions(current: Mapping[Any, Kept], loaded: Mapping[Any, int]) -> list[tuple[Any, Kept]]:
    """The entries whose version is not the one loaded (new, or replaced by the fold)."""
    return [(key, kept) for key, kept in current.items() if loaded.get(key) != kept.version]


def write_back(connection: Connection, working: WorkingSet) -> None:
    """New versions, and the reference counts and people that moved."""
    ledger, kept = working.projector.ledger, working
    rows = [report_rows(key, report) for key, report in _new_versions(ledger.reports, kept.reports)]
    upsert(connection, ReportRow, [row for row, _ in rows])
    delete_where(connection, LineRow, "report_key", [row["report_key"] for row, _ in rows])
    upsert(connection, LineRow, [line for _, lines in rows for line in lines])
    contracts = _new_versions(ledger.contracts, kept.contracts)
    upsert(connection, ContractRow, [contract_row(key, facts) for key, facts in contracts])
    markets = _new_versions(ledger.markets, kept.markets)
    upsert(connection, MarketRow, [market_row(key, facts) for key, facts in markets])
    invoices = _new_versions(ledger.invoices, kept.invoices)
    upsert(connection, InvoiceRow, [invoice_row(key, invoice) for key, invoice in invoices])
    counted = {
        (kind, year, entity): count
        for kind, counter in reference_counters(working.projector).items()
        for (year, entity), count in counter.items()
    }
    _moved(connection, ReferenceRow, "ref", kept.references, counted, lambda c: {"count": c})
    people = working.projector.tally.people
    _moved(connection, PersonRow, "person", kept.people, people, lambda h: {"held": json.dumps(h)})


def _moved(
    connection: Connection,
    model: type[SQLModel],
    column: str,
    loaded: dict[Any, Any],
    current: dict[Any, Any],
    values: Callable[[Any], RowValues],
) -> None:
    """Upsert the entries that changed, delete the loaded ones that are gone (zero)."""
    rows = [
        {column: key_text(key), **values(value)}
        for key, value in current.items()
        if loaded.get(key) != value
    ]
    upsert(connection, model, rows)
    delete_where(connection, model, column, [key_text(k) for k in loaded if k not in current])


class SqlStore:
    """The store on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def working_set(self, events: Sequence[Event], markets: Iterable[str] = ()) -> WorkingSet:
        """Load the part of the ledger the batch can touch."""
        with self.engine.connect() as connection:
            return load(connection, events, markets)

    def market_ids(self) -> list[str]:
        """Every market known, in order."""
        table = table_of(MarketRow)
        with self.engine.connect() as connection:
            return list(connection.scalars(select(table.c.market_id).order_by(table.c.market_id)))

    def statuses_behind(self, as_of: str) -> bool:
        """Whether some clause status was computed as of another month."""
        table = table_of(ClauseStatusRow)
        query = select(table.c.market_id).where(table.c.as_of_period != as_of).limit(1)
        with self.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def status_counts(self) -> dict[str, int]:
        """How many markets have each clause status."""
        table = table_of(ClauseStatusRow)
        query = select(table.c.status, func.count()).group_by(table.c.status)
        with self.engine.connect() as connection:
            return {str(row[0]): int(row[1]) for row in connection.execute(query)}

    def offsets(self) -> dict[TopicPartition, int]:
        """The committed position in every partition."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(table_of(ConsumedOffset))).all()
        return {(row.topic, row.partition): row.next_offset for row in rows}

    def outbox(self) -> list[Pending]:
        """Outbox rows left by a process that stopped before publishing them."""
        table = table_of(OutboxRow)
        with self.engine.connect() as connection:
            rows = connection.execute(select(table).order_by(table.c.seq)).all()
        return [
            Pending(key, payload, row.seq)
            for row in rows
            for line in zlib.decompress(row.messages).decode().split("\n")
            if line
            for key, payload in [line.split("\t", 1)]
        ]

    def commit(self, batch: Batch) -> None:
        """One transaction: ledger, aggregates, outbox and offsets together."""
        with self.engine.begin() as connection:
            if batch.working is not None:
                write_back(connection, batch.working)
            for kind, (present, absent) in batch.rows.items():
                model = AGGREGATE_TABLES[kind]
                upsert(connection, model, present)
                (column,) = table_of(model).primary_key.columns
                delete_where(connection, model, column.name, absent)
            outbox = table_of(OutboxRow)
            connection.execute(delete(outbox).where(outbox.c.seq <= batch.published_until))
            if batch.outbox:
                messages = _compressed(batch.outbox)
                connection.execute(insert(outbox), {"seq": batch.seq, "messages": messages})
            offsets = [
                {"topic": topic, "partition": partition, "next_offset": offset}
                for (topic, partition), offset in batch.offsets.items()
            ]
            upsert(connection, ConsumedOffset, offsets)


def _compressed(published: Sequence[Published]) -> bytes:
    """The outbox lines of a batch, compressed line by line.

    Joining megabytes of text first would make large short-lived blocks, which the worker
    threads' malloc arenas keep: resident memory grew batch after batch.
    """
    compressor = zlib.compressobj(1)
    parts = [compressor.compress(f"{key}\t{payload}\n".encode()) for key, payload in published]
    parts.append(compressor.flush())
    return b"".join(parts)
