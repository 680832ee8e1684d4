"""The raw topic's batches go through the same use case; refusals become dead letters."""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from services.ingest.application.ingestor import (
    Ingestor,
    Refused,
    Unit,
    contract_unit,
    hours_unit,
    invoice_unit,
    market_unit,
)
from services.ingest.application.markets_view import MarketsView
from services.ingest.application.ports import Clock, DeadLetterSink, IdempotencyKeys, Metrics
from services.ingest.domain.access import Principal, SubmissionKind
from services.ingest.domain.idempotency import (
    RAW_HEADER,
    InvalidKeyError,
    fingerprint,
    parse_key,
    sender_of,
)
from services.ingest.domain.raw_messages import (
    Authenticator,
    DeadLetter,
    RawInvoice,
    RawMarket,
    RawMonthlyHours,
    RawSubmission,
    RawWorkContract,
    Refusal,
    dead_letter,
    read_raw,
    refusal,
)
from services.ingest.domain.refusals import problem_item

# markets first, then contracts, then what cites them: a batch may carry all three
PHASE_OF = {
    SubmissionKind.MARKET: 0,
    SubmissionKind.WORK_CONTRACT: 1,
    SubmissionKind.INVOICE: 2,
    SubmissionKind.MONTHLY_HOURS: 2,
}

KEY_REUSED = refusal(
    "idempotency_key_reused",
    "clé d'idempotence (en-tête « idempotency-key ») déjà utilisée par ce même émetteur pour "
    "un autre message : celui-ci n'est pas publié ; une nouvelle soumission demande une "
    "nouvelle clé",
)


def raw_key(headers: Sequence[tuple[str, bytes | None]]) -> str | None:
    """The message's idempotency key (header `idempotency-key`), None without one; raises
    InvalidKeyError when it is malformed or repeated."""
    values = [
        (value or b"").decode("utf-8", errors="replace")
        for name, value in headers
        if name.lower() == RAW_HEADER
    ]
    return parse_key(values)


@dataclass
class RawIntake:
    """Reads a batch of raw records, runs the valid ones, dead-letters the others."""

    ingestor: Ingestor
    tokens: Authenticator
    pseudonymise: Callable[[str], str]
    sink: DeadLetterSink
    metrics: Metrics
    max_message_bytes: int
    clock: Clock  # the real clock: idempotency keys expire in real time
    markets: MarketsView | None = None
    startup_wait: float = 30.0
    keys: IdempotencyKeys | None = None
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

    async def _once(
        self, units: list[tuple[Any, Unit]], keyed: dict[int, tuple[str, str, str]]
    ) -> tuple[list[tuple[Any, Unit]], list[DeadLetter]]:
        """The units to run: a key already seen (earlier, or before in this batch) for the
        same sender skips its message when the body is the same, dead-letters it otherwise."""
        if not keyed or self.keys is None:
            return units, []
        pairs = [(sender, key) for sender, key, _ in keyed.values()]
        seen = await asyncio.to_thread(self.keys.seen, pairs, self.clock())
        kept: list[tuple[Any, Unit]] = []
        letters: list[DeadLetter] = []
        for record, unit in units:
            known = keyed.get(id(record))
            if known is not None:
                sender, key, print_ = known
                earlier = seen.get((sender, key))
                if earlier is None:
                    seen[sender, key] = print_
                elif earlier == print_:
                    continue  # a retry: published already (or earlier in this batch)
                else:
                    letters.append(dead_letter(record, KEY_REUSED, self.pseudonymise))
                    continue
            kept.append((record, unit))
        return kept, letters

    async def handle(self, records: Sequence[Any]) -> None:
        """Every record ends published or dead-lettered; raises only when the broker fails."""
        if not self._started and self.markets is not None:
            # at start, fold the markets notified so far before judging what cites them
            await self.markets.wait_caught_up(within=self.startup_wait)
        self._started = True
        letters: list[DeadLetter] = []
        units: list[tuple[Any, Unit]] = []
        senders: dict[bytes | None, Principal | Refusal] = {}  # each token checked once a batch
        keyed: dict[int, tuple[str, str, str]] = {}  # id(record): sender, key, fingerprint
        for record in records:
            read = read_raw(
                record.value, record.headers, self.tokens, self.max_message_bytes, senders
            )
            if isinstance(read, Refusal):
                letters.append(dead_letter(record, read, self.pseudonymise))
                continue
            try:
                key = raw_key(record.headers)
            except InvalidKeyError as error:
                letters.append(
                    dead_letter(
                        record, refusal("invalid_idempotency_key", str(error)), self.pseudonymise
                    )
                )
                continue
            principal, submission = read
            if key is not None:
                keyed[id(record)] = (sender_of(principal), key, fingerprint("raw", record.value))
            unit = self.unit_of(principal, submission)
            if submission.replaces_version is not None:
                unit = unit._replace(expected=[submission.replaces_version])
            units.append((record, unit))
        units, skipped = await self._once(units, keyed)
        letters.extend(skipped)
        published: dict[tuple[str, str], str] = {}
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
                elif id(record) in keyed:
                    sender, key, print_ = keyed[id(record)]
                    published[sender, key] = print_
        if published and self.keys is not None:
            await asyncio.to_thread(self.keys.remember, published, self.clock())
        if letters:
            await self.sink.send(letters)
            for letter in letters:
                self.metrics.dead_letters.labels(letter.reason).inc()

    @staticmethod
    def _refusal(outcome: Refused) -> Refusal:
        reason = {403: "forbidden", 409: "stale_version"}.get(outcome.status, "rules_broken")
        items = [
            problem_item(problem).model_dump(exclude_none=True) for problem in outcome.problems
        ]
        return Refusal(reason, items)
