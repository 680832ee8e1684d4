"""The fold: events in any order in, the aggregates of their latest versions out."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from services.clauses.domain.clause import clause_status
from services.clauses.domain.facts import (
    ReportKey,
    contract_facts,
    invoice_of,
    market_facts,
    report_of,
)
from services.clauses.domain.ledger import Ledger, Outcome, outcome_of
from services.clauses.domain.published_aggregates import (
    Aggregate,
    Change,
    Drained,
    distinct_count,
    hours_cell,
    nothing_owed,
    snapshot,
)
from services.clauses.domain.tally import Tally
from shared.aggregates import ClauseStatus
from shared.events import (
    Event,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)
from shared.hundredths import from_hundredths


@dataclass(slots=True)
class Projector:
    """Latest versions, the sums and counts they make, and each market's clause status."""

    ledger: Ledger = field(default_factory=Ledger)
    tally: Tally = field(default_factory=Tally)
    statuses: dict[str, ClauseStatus] = field(default_factory=dict)
    touched_markets: set[str] = field(default_factory=set)

    def apply(self, event: Event) -> Outcome:
        """Fold one event in: a higher version replaces the kept one whole."""
        match event:
            case MonthlyHoursReported():
                return self._apply_report(event)
            case WorkContractSigned():
                return self._apply_contract(event)
            case MarketNotified():
                return self._apply_market(event)
            case InvoiceRecorded():
                return self._apply_invoice(event)
        raise TypeError(f"not an event the clauses service folds: {type(event).__name__}")

    def drain(self, as_of: str) -> list[Change]:
        """Every aggregate whose value changed since the last drain, clause statuses included."""
        drained = self.drain_values(as_of)
        changes = [
            Change(hours_cell(key, value), present=value != (0, 0))
            for key, value in drained.cells.items()
        ]
        changes += [
            Change(distinct_count(key, value), present=value != 0)
            for key, value in drained.counts.items()
        ]
        return changes + drained.statuses

    def drain_values(self, as_of: str) -> Drained:
        """The same changes as `drain`, cells and counts left as the tally's values."""
        cells, counts, realised_markets = self.tally.drain()
        markets, self.touched_markets = self.touched_markets | realised_markets, set()
        return Drained(cells, counts, self.refresh_statuses(as_of, markets))

    def refresh_statuses(self, as_of: str, market_ids: Iterable[str] | None = None) -> list[Change]:
        """Recompute clause statuses (all of them when the closed month moved on)."""
        changes = []
        for market_id in self.ledger.markets if market_ids is None else market_ids:
            status = self._status(market_id, as_of)
            previous = self.statuses.get(market_id)
            if status == previous:
                continue
            if status is not None:
                self.statuses[market_id] = status
                changes.append(Change(status, present=True))
            elif previous is not None:
                del self.statuses[market_id]
                changes.append(Change(nothing_owed(previous), present=False))
        return changes

    def snapshot(self) -> dict[str, Aggregate]:
        """Every present aggregate by key (statuses as of the last drain or refresh)."""
        return snapshot(self.tally, self.statuses.values())

    def _status(self, market_id: str, as_of: str) -> ClauseStatus | None:
        market = self.ledger.markets.get(market_id)
        if market is None:
            return None
        return clause_status(
            market_id,
            market,
            as_of=as_of,
            invoiced=from_hundredths(self.ledger.invoiced_cents(market_id, until=as_of)),
            realised=from_hundredths(self.tally.realised_cents(market_id, until=as_of)),
            reported=self.ledger.has_report(market_id, as_of),
        )

    def _apply_report(self, event: MonthlyHoursReported) -> Outcome:
        key, report = report_of(event)
        kept = self.ledger.reports.get(key)
        outcome = outcome_of(kept.version if kept else None, report.version)
        if outcome is Outcome.APPLIED:
            self._contribute([key], -1)
            self.ledger.put_report(key, report)
            self._contribute([key], 1)
            self.touched_markets.add(event.market_id)
        return outcome

    def _apply_contract(self, event: WorkContractSigned) -> Outcome:
        facts = contract_facts(event)
        kept = self.ledger.contracts.get(event.contract_id)
        outcome = outcome_of(kept.version if kept else None, facts.version)
        if outcome is Outcome.APPLIED:
            reports = list(self.ledger.reports_by_contract.get(event.contract_id, ()))
            self._contribute(reports, -1, only_contract=event.contract_id)
            self.ledger.contracts[event.contract_id] = facts
            self._contribute(reports, 1, only_contract=event.contract_id)
        return outcome

    def _apply_market(self, event: MarketNotified) -> Outcome:
        facts = market_facts(event)
        kept = self.ledger.markets.get(event.market_id)
        outcome = outcome_of(kept.version if kept else None, facts.version)
        if outcome is Outcome.APPLIED:
            reports = list(self.ledger.reports_by_market.get(event.market_id, ()))
            self._contribute(reports, -1)
            self.ledger.markets[event.market_id] = facts
            self._contribute(reports, 1)
            self.touched_markets.add(event.market_id)
        return outcome

    def _apply_invoice(self, event: InvoiceRecorded) -> Outcome:
        key, invoice = invoice_of(event)
        kept = self.ledger.invoices.get(key)
        outcome = outcome_of(kept.version if kept else None, invoice.version)
        if outcome is Outcome.APPLIED:
            self.ledger.put_invoice(key, invoice)
            self.touched_markets.add(event.market_id)
        return outcome

    def _contribute(
        self, keys: Iterable[ReportKey], sign: int, *, only_contract: str | None = None
    ) -> None:
        """Add or remove the resolved lines of these reports (those of one contract, if given)."""
        for key in keys:
            report = self.ledger.reports.get(key)
            market = self.ledger.markets.get(key[0])
            if report is None or market is None:
                continue
            for line in report.lines:
                if only_contract is not None and line[0] != only_contract:
                    continue
                contract = self.ledger.contracts.get(line[0])
                if contract is not None:
                    self.tally.add(key, line, market, contract, sign)


def fold(events: Iterable[Event], *, as_of: str) -> Projector:
    """The projector of a whole stream, drained as of a closed month."""
    projector = Projector()
    for event in events:
        projector.apply(event)
    projector.drain(as_of)
    return projector
