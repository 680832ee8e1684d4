"""The one path every entry point takes: authorise, apply the rules, version, publish, record."""

import asyncio
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from time import perf_counter
from zoneinfo import ZoneInfo

from services.ingest.auth import OWN_SIRET_FIELD, forbidden, not_for_itself, principal_id
from services.ingest.markets_view import MarketsView
from services.ingest.metrics import IngestMetrics
from services.ingest.outcomes import Accepted, Judged, Limits, Outcome, PublishError, Refused
from services.ingest.plausibility import Plausible
from services.ingest.preconditions import stale_refusal
from services.ingest.problems import ContractFacts, Problem, RuleContext, contract_id_taken
from services.ingest.publisher import EventPublisher
from services.ingest.records import Conflict, Pending, Reservation
from services.ingest.store import Store
from services.ingest.units import EVENT_TYPE_OF, Unit
from shared.events import Event, MarketNotified, WorkContractSigned

PARIS = ZoneInfo("Europe/Paris")
# accepted contracts whose owner the process remembers (about 20 MB): enough to outlast
# any publication in flight; older ones are read from the store like every published one
OWNERS_KEPT = 100_000
__all__ = ["Accepted", "Ingestor", "Limits", "Outcome", "PublishError", "Refused"]


def scope_problem(
    unit: Unit, market_id: str, siret: str | None, holders: Mapping[str, frozenset[str]]
) -> Problem | None:
    """Why the unit is outside its principal's scope for this market and SIRET (403), naming
    the field: a market it does not hold, or another holder or employer than itself."""
    reason = forbidden(unit.principal, unit.kind, market_id, holders)
    if reason is not None:
        return Problem("forbidden", "market_id", reason)
    reason = not_for_itself(unit.principal, unit.kind, siret)
    if reason is not None:
        return Problem("forbidden", OWN_SIRET_FIELD[unit.kind], reason)
    return None


def one_owner_per_contract(
    built: list[tuple[int, list[Event]]],
    outcomes: dict[int, Outcome],
    claimed: dict[str, tuple[str, str]],
) -> list[tuple[int, list[Event]]]:
    """Units whose contracts keep one market and employer per contract id: the rules compared
    each contract with the published ones, this compares it with `claimed` (the owners of
    the contracts accepted so far, kept up to date) and with the units judged together (a
    raw batch), so that two senders cannot both claim a new id, even at the same instant. A
    unit that claims an id for another owner is refused (422), as the rules would have."""
    kept: list[tuple[int, list[Event]]] = []
    for index, events in built:
        owners = [
            (e.contract_id, (e.market_id, e.employer_siret))
            for e in events
            if isinstance(e, WorkContractSigned)
        ]
        mine: dict[str, tuple[str, str]] = {}
        taken = None
        for contract_id, owner in owners:
            if (
                claimed.get(contract_id, owner) != owner
                or mine.setdefault(contract_id, owner) != owner
            ):
                taken = contract_id
                break
        if taken is not None:
            outcomes[index] = Refused(422, [contract_id_taken(taken)])
            continue
        claimed.update(mine)
        kept.append((index, events))
    return kept


class Ingestor:
    """Runs units (all-or-nothing submissions) through the rules to the broker and the store."""

    def __init__(
        self,
        *,
        store: Store,
        publisher: EventPublisher,
        markets: MarketsView,
        clock: Callable[[], datetime],
        limits: Limits,
        metrics: IngestMetrics,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._markets = markets
        self._clock = clock
        self._limits = limits
        self._metrics = metrics
        self._reserving = asyncio.Lock()
        # contract id -> (market, employer) of each contract this process accepted: checked
        # and claimed in one step (no await between), so concurrent submissions of a new id
        # are not both judged before either is published
        self._owners: dict[str, tuple[str, str]] = {}

    async def process(self, units: Sequence[Unit], *, per_sender: bool = False) -> list[Outcome]:
        """The outcome of each unit, in order; raises PublishError when the broker fails.

        With `per_sender` (a raw batch: nobody is answered its submission ids) the accepted
        units of each sender are recorded as one submission, in one row."""
        return await self.complete(await self.judge(units), per_sender=per_sender)

    async def judge(self, units: Sequence[Unit]) -> Judged:
        """Authorise and apply the rules: each unit refused, or its events at version 1."""
        outcomes: dict[int, Outcome] = {}
        holders = self._markets.holders
        for index, unit in enumerate(units):
            for market_id, siret in unit.scopes:
                problem = scope_problem(unit, market_id, siret, holders)
                if problem is not None:
                    outcomes[index] = Refused(403, [problem])
                    break
        live = [index for index in range(len(units)) if index not in outcomes]
        ctx = await self._context([units[index] for index in live])
        built: list[tuple[int, list[Event]]] = []
        for index in live:
            result = units[index].build(ctx)
            if result and isinstance(result[0], Problem):
                outcomes[index] = Refused(
                    422, [p for p in result if isinstance(p, Problem)], ctx.markets_lag
                )
            else:
                built.append((index, [e for e in result if isinstance(e, Event)]))
        built = one_owner_per_contract(built, outcomes, self._owners)
        if len(self._owners) > OWNERS_KEPT:  # the oldest are published: the store has them
            self._owners = dict(list(self._owners.items())[-(OWNERS_KEPT // 2) :])
        for index, outcome in outcomes.items():
            self._count_refusal(units[index], outcome)
        return Judged(list(units), outcomes, built)

    async def complete(self, judged: Judged, *, per_sender: bool = False) -> list[Outcome]:
        """Version, publish (every acknowledgement awaited) and record the judged units'
        events; the outcome of each unit, in order. Raises PublishError when the broker fails.
        Calls end in the order they start when each waits for the one before it."""
        built, outcomes = judged.built, dict(judged.outcomes)
        if built:
            accepted = await self._publish(
                [judged.units[i] for i, _ in built], [e for _, e in built], per_sender
            )
            outcomes.update(zip((i for i, _ in built), accepted, strict=True))
        return [outcomes[index] for index in range(len(judged.units))]

    async def _context(self, units: Sequence[Unit]) -> RuleContext:
        holders = self._markets.holders
        missing = any(market not in holders for unit in units for market, _ in unit.scopes)
        lag = await self._markets.lag() if missing else 0
        if missing and lag is not None:
            self._metrics.markets_lag.set(lag)
        wanted = frozenset().union(*(unit.contract_ids for unit in units))
        contracts: dict[str, ContractFacts] = {}
        if wanted:
            contracts = await asyncio.to_thread(self._store.contracts, wanted)
        today = self._clock().astimezone(PARIS).date()
        return RuleContext(
            today=today,
            holders=holders,
            markets_lag=lag,
            contracts=contracts,
            monthly_ceiling=self._limits.monthly_ceiling,
            max_lines_per_report=self._limits.max_lines_per_report,
            bounds=self._limits.bounds(today),
            market_amounts=self._markets.amounts,
        )

    def bounds(self) -> Plausible:
        """Today's plausible window (Europe/Paris), for the entry points that check dates
        themselves (the DECP importer)."""
        return self._limits.bounds(self._clock().astimezone(PARIS).date())

    async def _publish(
        self, units: Sequence[Unit], events: Sequence[list[Event]], per_sender: bool
    ) -> list[Outcome]:
        now = self._clock()
        sender_ids: defaultdict[str, str] = defaultdict(lambda: str(uuid.uuid4()))
        batch = [
            Pending(
                sender_ids[principal_id(unit.principal)] if per_sender else str(uuid.uuid4()),
                unit.source,
                unit.kind.value,
                unit.principal.name,
                principal_id(unit.principal),
                now,
                evs,
                unit.expected,
            )
            for unit, evs in zip(units, events, strict=True)
        ]
        async with self._reserving:
            reserved = await asyncio.to_thread(self._store.reserve, batch)
        reservations = [r for r in reserved if not isinstance(r, Conflict)]
        to_publish = [event for reservation in reservations for event in reservation.to_publish]
        ids = list(dict.fromkeys(r.submission_id for r in reservations if r.to_publish))
        if to_publish:
            started = perf_counter()
            try:
                await self._publisher.publish(to_publish)
            except Exception as error:
                await asyncio.to_thread(self._store.mark_failed, ids)
                raise PublishError(str(error)) from error
            self._metrics.publish_latency.observe(perf_counter() - started)
            published = [encoded.event for encoded in to_publish]
            contracts = [e for e in published if isinstance(e, WorkContractSigned)]
            await asyncio.to_thread(self._store.mark_published, ids, contracts, self._clock())
            for event in published:
                if isinstance(event, MarketNotified):
                    self._markets.apply(event)
        self._count_accepted(
            [u for u, r in zip(units, reserved, strict=True) if not isinstance(r, Conflict)],
            reservations,
        )
        outcomes: list[Outcome] = []
        for unit, reservation in zip(units, reserved, strict=True):
            if isinstance(reservation, Conflict):
                refused = stale_refusal(reservation)
                self._count_refusal(unit, refused)
                outcomes.append(refused)
            else:
                r = reservation
                outcomes.append(Accepted(r.submission_id, r.replayed, r.receipts))
        return outcomes

    def _count_accepted(self, units: Sequence[Unit], reservations: Sequence[Reservation]) -> None:
        accepted: Counter[tuple[str, str]] = Counter()
        published: Counter[tuple[str, str]] = Counter()
        for unit, reservation in zip(units, reservations, strict=True):
            for receipt in reservation.receipts:
                accepted[receipt.event_type, unit.source] += 1
            for encoded in reservation.to_publish:
                published[type(encoded.event).__name__, unit.source] += 1
        for labels, count in accepted.items():
            self._metrics.events_accepted.labels(*labels).inc(count)
        for labels, count in published.items():
            self._metrics.events_published.labels(*labels).inc(count)

    def _count_refusal(self, unit: Unit, outcome: Outcome) -> None:
        if isinstance(outcome, Refused):
            event_type = EVENT_TYPE_OF[unit.kind]
            for code in {problem.code for problem in outcome.problems}:
                self._metrics.rejected.labels(event_type, code, unit.source).inc()
