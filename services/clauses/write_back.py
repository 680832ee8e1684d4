"""Store what folding a batch changed in its working set (inside the batch's transaction)."""

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection
from sqlmodel import SQLModel

from services.clauses.ledger_rows import contract_row, invoice_row, market_row, report_rows
from services.clauses.sql import RowValues, delete_where, key_text, upsert
from services.clauses.tables import (
    ContractRow,
    InvoiceRow,
    LineRow,
    MarketRow,
    PersonRow,
    ReferenceRow,
    ReportRow,
)
from services.clauses.working_set import WorkingSet, reference_counters


def write_back(connection: Connection, working: WorkingSet) -> None:
    """New versions, and the reference counts and people that moved."""
    ledger, kept = working.projector.ledger, working
    reports = [(k, r) for k, r in ledger.reports.items() if kept.reports.get(k) != r.version]
    rows = [report_rows(key, report) for key, report in reports]
    upsert(connection, ReportRow, [row for row, _ in rows])
    delete_where(connection, LineRow, "report_key", [row["report_key"] for row, _ in rows])
    upsert(connection, LineRow, [line for _, lines in rows for line in lines])
    upsert(
        connection,
        ContractRow,
        [
            contract_row(k, c)
            for k, c in ledger.contracts.items()
            if kept.contracts.get(k) != c.version
        ],
    )
    upsert(
        connection,
        MarketRow,
        [market_row(k, m) for k, m in ledger.markets.items() if kept.markets.get(k) != m.version],
    )
    upsert(
        connection,
        InvoiceRow,
        [
            invoice_row(k, i)
            for k, i in ledger.invoices.items()
            if kept.invoices.get(k) != i.version
        ],
    )
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
