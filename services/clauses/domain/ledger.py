"""The latest version of every identity, and the indexes that find what a change touches."""

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from services.clauses.domain.facts import (
    ContractFacts,
    Invoice,
    InvoiceKey,
    MarketFacts,
    Report,
    ReportKey,
)


class Outcome(StrEnum):
    """What applying one event did."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"  # the same version again: a redelivery or a resubmission
    STALE = "stale_version"  # an older version than the one already kept


def outcome_of(kept: int | None, arriving: int) -> Outcome:
    """A higher version replaces the kept one whole; an equal or lower one is ignored."""
    if kept is None or arriving > kept:
        return Outcome.APPLIED
    return Outcome.DUPLICATE if arriving == kept else Outcome.STALE


@dataclass(slots=True)
class Ledger:
    """Latest versions only: the aggregates are a function of this and nothing else."""

    markets: dict[str, MarketFacts] = field(default_factory=dict)
    contracts: dict[str, ContractFacts] = field(default_factory=dict)
    invoices: dict[InvoiceKey, Invoice] = field(default_factory=dict)
    reports: dict[ReportKey, Report] = field(default_factory=dict)
    reports_by_market: defaultdict[str, set[ReportKey]] = field(
        default_factory=lambda: defaultdict(set)
    )
    reports_by_contract: defaultdict[str, set[ReportKey]] = field(
        default_factory=lambda: defaultdict(set)
    )
    invoices_by_market: defaultdict[str, set[InvoiceKey]] = field(
        default_factory=lambda: defaultdict(set)
    )

    def put_report(self, key: ReportKey, report: Report) -> None:
        """Keep a report, replacing the previous version whole (and its index entries)."""
        previous = self.reports.get(key)
        if previous is not None:
            for contract_id, _, _ in previous.lines:
                referencing = self.reports_by_contract[contract_id]
                referencing.discard(key)
                if not referencing:
                    del self.reports_by_contract[contract_id]
        self.reports[key] = report
        self.reports_by_market[key[0]].add(key)
        for contract_id, _, _ in report.lines:
            self.reports_by_contract[contract_id].add(key)

    def put_invoice(self, key: InvoiceKey, invoice: Invoice) -> None:
        """Keep an invoice, replacing the previous version."""
        self.invoices[key] = invoice
        self.invoices_by_market[key[0]].add(key)

    def invoiced_cents(self, market_id: str, *, until: str) -> int:
        """Amount invoiced on a market by every holder up to a month included, in cents."""
        keys = self.invoices_by_market.get(market_id, ())
        return sum(self.invoices[key].cents for key in keys if key[2] <= until)

    def has_report(self, market_id: str, period: str) -> bool:
        """Whether any employer reported the month on the market (even with no hours)."""
        return any(key[2] == period for key in self.reports_by_market.get(market_id, ()))
