"""Store what folding a batch changed in its working set (inside the batch's transaction)."""

import json
from typing import Any

from sqlalchemy import Connection

from services.clauses.sql import RowValues, delete_where, upsert
from services.clauses.tables import (
    ContractRow,
    InvoiceRow,
    LineRow,
    MarketRow,
    PersonRow,
    ReferenceRow,
    ReportRow,
)
from services.clauses.working_set import WorkingSet, key_text, reference_counters


def write_back(connection: Connection, working: WorkingSet) -> None:
    """New versions, and the reference counts and people that moved."""
    _ledger(connection, working)
    counted = {
        (kind, year, entity): count
        for kind, counter in reference_counters(working.projector).items()
        for (year, entity), count in counter.items()
    }
    _moved(connection, ReferenceRow, "ref", working.references, counted, lambda c: {"count": c})
    people = working.projector.tally.people
    _moved(
        connection, PersonRow, "person", working.people, people, lambda h: {"held": json.dumps(h)}
    )


def _moved(
    connection: Connection,
    model: Any,
    column: str,
    loaded: dict[Any, Any],
    current: dict[Any, Any],
    values: Any,
) -> None:
    """Upsert the entries that changed, delete the loaded ones that are gone (zero)."""
    rows = [
        {column: key_text(key), **values(value)}
        for key, value in current.items()
        if loaded.get(key) != value
    ]
    upsert(connection, model, rows)
    delete_where(connection, model, column, [key_text(k) for k in loaded if k not in current])


def _ledger(connection: Connection, working: WorkingSet) -> None:
    ledger = working.projector.ledger
    reports = [(k, r) for k, r in ledger.reports.items() if working.reports.get(k) != r.version]
    report_rows: list[RowValues] = [
        {
            "report_key": key_text(key),
            "market_id": key[0],
            "employer_siret": key[1],
            "period": key[2],
            "version": report.version,
        }
        for key, report in reports
    ]
    upsert(connection, ReportRow, report_rows)
    delete_where(connection, LineRow, "report_key", [row["report_key"] for row in report_rows])
    lines = [
        {
            "report_key": key_text(key),
            "contract_id": contract_id,
            "insertion_hundredths": insertion,
            "training_hundredths": training,
        }
        for key, report in reports
        for contract_id, insertion, training in report.lines
    ]
    upsert(connection, LineRow, lines)
    contracts = [
        {
            "contract_id": contract_id,
            "version": c.version,
            "beneficiary": c.beneficiary,
            "gender": c.gender,
            "contract_type": c.contract_type,
            "eligible_public": c.eligible_public,
            "modality": c.modality,
        }
        for contract_id, c in ledger.contracts.items()
        if working.contracts.get(contract_id) != c.version
    ]
    upsert(connection, ContractRow, contracts)
    markets = [
        {
            "market_id": market_id,
            "version": m.version,
            "category": m.category,
            "reserved": m.reserved,
            "sme_holders": ",".join(sorted(m.sme_holders)),
            "notified": m.notified,
            "duration_months": m.duration_months,
            "commitment": m.commitment.model_dump_json() if m.commitment else None,
        }
        for market_id, m in ledger.markets.items()
        if working.markets.get(market_id) != m.version
    ]
    upsert(connection, MarketRow, markets)
    invoices = [
        {
            "invoice_key": key_text(key),
            "market_id": key[0],
            "holder_siret": key[1],
            "period": key[2],
            "version": invoice.version,
            "cents": invoice.cents,
        }
        for key, invoice in ledger.invoices.items()
        if working.invoices.get(key) != invoice.version
    ]
    upsert(connection, InvoiceRow, invoices)
