"""The raw topic's batches go through the same use case; refusals become dead letters."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from services.ingest.auth import Principal, SubmissionKind, TokenRegistry
from services.ingest.dead_letters import DeadLetter, dead_letter
from services.ingest.errors import problem_item
from services.ingest.markets_view import MarketsView
from services.ingest.metrics import IngestMetrics
from services.ingest.publisher import DeadLetterSink
from services.ingest.raw_models import (
    RawInvoice,
    RawMarket,
    RawMonthlyHours,
    RawSubmission,
    RawWorkContract,
)
from services.ingest.raw_read import Refusal, read_raw
from services.ingest.units import Unit, contract_unit, hours_unit, invoice_unit, market_unit
from services.ingest.usecase import Ingestor, Refused

# markets first, then contracts, then what cites them: a batch may carry all three
PHASE_OF = {
    SubmissionKind.MARKET: 0,
    SubmissionKind.WORK_CONTRACT: 1,
    SubmissionKind.INVOICE: 2,
    SubmissionKind.MONTHLY_HOURS: 2,
}


@dataclass
class RawIntake:
    """Reads a batch of raw records, runs the valid ones, dead-letters the others."""

    ingestor: Ingestor
    tokens: TokenRegistry
    pseudonymise: Callable[[str], str]
    sink: DeadLetterSink
    metrics: IngestMetrics
    max_message_bytes: int
    markets: MarketsView | None = None
    startup_wait: float = 30.0
    _started: bool = False

    def unit_of(self, principal: Principal, submission: RawSubmission) -> Unit:
        """The unit of one raw submission."""
        if isinstance(submission, RawMarket):
            return market_unit(principal, [submission], "raw")
        if isinstance(submission, RawInvoice):
            return invoice_unit(principal, [submission], "raw")
        if isinstance(submission, RawWorkContract):
            return contract_unit(principal, [submission], self.pseudonymise, "raw")
        assert isinstance(submission, RawMonthlyHours)
        return hours_unit(principal, [submission], self.pseudonymise, "raw")

    async def handle(self, records: Sequence[Any]) -> None:
        """Every record ends published or dead-lettered; raises only when the broker fails."""
        if not self._started and self.markets is not None:
            # at start, fold the markets notified so far before judging what cites them
            await self.markets.wait_caught_up(within=self.startup_wait)
        self._started = True
        letters: list[DeadLetter] = []
        units: list[tuple[Any, Unit]] = []
        senders: dict[bytes | None, Principal | Refusal] = {}  # each token checked once a batch
        for record in records:
            read = read_raw(
                record.value, record.headers, self.tokens, self.max_message_bytes, senders
            )
            if isinstance(read, Refusal):
                letters.append(dead_letter(record, read, self.pseudonymise))
            else:
                units.append((record, self.unit_of(*read)))
        phases: list[list[tuple[Any, Unit]]] = [[], [], []]
        for record, unit in units:
            phases[PHASE_OF[unit.kind]].append((record, unit))
        for batch in phases:
            if not batch:
                continue
            outcomes = await self.ingestor.process([unit for _, unit in batch], per_sender=True)
            for (record, _), outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, Refused):
                    letters.append(dead_letter(record, self._refusal(outcome), self.pseudonymise))
        if letters:
            await self.sink.send(letters)
            for letter in letters:
                self.metrics.dead_letters.labels(letter.reason).inc()

    @staticmethod
    def _refusal(outcome: Refused) -> Refusal:
        reason = "forbidden" if outcome.status == 403 else "rules_broken"
        items = [
            problem_item(problem).model_dump(exclude_none=True) for problem in outcome.problems
        ]
        return Refusal(reason, items)
