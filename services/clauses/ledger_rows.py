"""Between the ledger's facts and their table rows (both ways)."""

import json
from typing import Any

from services.clauses.domain.facts import (
    Breakdowns,
    ContractFacts,
    Invoice,
    InvoiceKey,
    MarketFacts,
    Report,
    ReportKey,
)
from services.clauses.sql import RowValues, key_text
from shared.events import InsertionCommitment


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
