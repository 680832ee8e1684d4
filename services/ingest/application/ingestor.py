"""The one path every entry point takes: authorise, apply the rules, version, publish, record.

Each entry point turns what it received into units (all-or-nothing submissions); the use
case gives back an outcome for each."""

import asyncio
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from time import perf_counter
from typing import NamedTuple, TypeVar

from services.ingest.application.markets_view import MarketsView
from services.ingest.application.ports import EventPublisher, Metrics, Store
from services.ingest.domain.access import (
    OWN_SIRET_FIELD,
    Principal,
    SubmissionKind,
    forbidden,
    not_for_itself,
    outside_perimeter,
    principal_id,
)
from services.ingest.domain.hours_csv import CsvImport, parse_hours_csv
from services.ingest.domain.hours_rows import HoursRow, events_from_rows
from services.ingest.domain.plausibility import Plausible
from services.ingest.domain.refusals import Problem, contract_id_taken
from services.ingest.domain.rules import (
    PARIS,
    ContractFacts,
    Limits,
    Pseudonymise,
    RuleContext,
    contract_event,
    hours_event,
    invoice_event,
    market_event,
)
from services.ingest.domain.submissions import (
    InvoiceSubmission,
    MarketSubmission,
    MonthlyHoursSubmission,
    Submission,
    WorkContractSubmission,
)
from services.ingest.domain.versions import Conflict, Pending, Receipt, Reservation
from shared.events import Event, MarketNotified, WorkContractSigned

S = TypeVar("S", bound=Submission)
Build = Callable[[RuleContext], list[Event] | list[Problem]]

EVENT_TYPE_OF: dict[SubmissionKind, str] = {
    SubmissionKind.MARKET: "MarketNotified",
    SubmissionKind.INVOICE: "InvoiceRecorded",
    SubmissionKind.WORK_CONTRACT: "WorkContractSigned",
    SubmissionKind.MONTHLY_HOURS: "MonthlyHoursReported",
}


class Unit(NamedTuple):  # tuples: one per raw record, 4x cheaper to build than a frozen dataclass
    """Who sends what, the (market, SIRET it is for: invoicing holder or employer) pairs to
    authorise, the contracts to look up, and the rules."""

    principal: Principal
    kind: SubmissionKind
    source: str
    scopes: Sequence[tuple[str, str | None]]
    contract_ids: frozenset[str]
    build: Build
    # the version each built event states it replaces (`domain.versions`), None: no statement
    expected: Sequence[int | None] = ()
    # the buyer SIRET each market of a market unit names (a facilitator's perimeter)
    buyers: Sequence[str] = ()


def _each(
    submissions: Sequence[S], rule: Callable[[S, RuleContext], Event | list[Problem]]
) -> Build:
    """Apply a rule to every item of a list; problems say which item when there are several."""

    def build(ctx: RuleContext) -> list[Event] | list[Problem]:
        events: list[Event] = []
        problems: list[Problem] = []
        for index, submission in enumerate(submissions):
            result = rule(submission, ctx)
            if isinstance(result, list):
                item = index if len(submissions) > 1 else None
                problems.extend(replace(problem, item=item) for problem in result)
            else:
                events.append(result)
        return problems or events

    return build


def market_unit(principal: Principal, items: Sequence[MarketSubmission], source: str) -> Unit:
    """Markets, one or a list (facilitators only)."""
    scopes = [(item.market_id, None) for item in items]
    build = _each(items, market_event)
    buyers = [item.buyer.siret for item in items]
    return Unit(principal, SubmissionKind.MARKET, source, scopes, frozenset(), build, buyers=buyers)


def invoice_unit(principal: Principal, items: Sequence[InvoiceSubmission], source: str) -> Unit:
    """Invoices, one or a list."""
    scopes = [(item.market_id, item.holder_siret) for item in items]
    build = _each(items, invoice_event)
    return Unit(principal, SubmissionKind.INVOICE, source, scopes, frozenset(), build)


def contract_unit(
    principal: Principal,
    items: Sequence[WorkContractSubmission],
    pseudonymise: Pseudonymise,
    source: str,
) -> Unit:
    """Work contracts, one or a list."""
    scopes = [(item.market_id, item.employer_siret) for item in items]
    contracts = frozenset(item.contract_id for item in items)  # earlier versions' owners
    build = _each(items, lambda item, ctx: contract_event(item, pseudonymise, ctx))
    return Unit(principal, SubmissionKind.WORK_CONTRACT, source, scopes, contracts, build)


def hours_unit(
    principal: Principal,
    items: Sequence[MonthlyHoursSubmission],
    pseudonymise: Pseudonymise,
    source: str,
) -> Unit:
    """Monthly reports, one or a list; the contracts they cite are looked up."""
    scopes = [(item.market_id, item.employer_siret) for item in items]
    contracts = frozenset(line.contract_id for item in items for line in item.lines)
    build = _each(items, lambda item, ctx: hours_event(item, pseudonymise, ctx))
    return Unit(principal, SubmissionKind.MONTHLY_HOURS, source, scopes, contracts, build)


def rows_unit(
    principal: Principal,
    rows: Sequence[HoursRow],
    source: str,
    unreadable: Sequence[Problem] = (),
) -> Unit:
    """A file of monthly hours rows (contracts on the rows); `unreadable`: its bad cells."""
    scopes = sorted({(row.contract.market_id, row.contract.employer_siret) for row in rows})
    contracts = frozenset(row.contract.contract_id for row in rows)  # earlier versions' owners

    def build(ctx: RuleContext) -> list[Event] | list[Problem]:
        result = events_from_rows(rows, ctx)
        if not unreadable:
            return result
        broken = [problem for problem in result if isinstance(problem, Problem)]
        return sorted([*unreadable, *broken], key=lambda problem: problem.line or 0)

    return Unit(principal, SubmissionKind.MONTHLY_HOURS, source, scopes, contracts, build)


def decp_unit(principal: Principal, markets: Sequence[MarketNotified]) -> Unit:
    """Markets read from a DECP document."""
    scopes = [(market.market_id, None) for market in markets]

    def build(_ctx: RuleContext) -> list[Event] | list[Problem]:
        events: list[Event] = list(markets)
        return events

    buyers = [market.buyer.siret for market in markets]
    return Unit(principal, SubmissionKind.MARKET, "decp", scopes, frozenset(), build, buyers=buyers)


@dataclass(frozen=True, slots=True)
class Accepted:
    """Published (acknowledged by the broker) and recorded."""

    submission_id: str
    replayed: bool
    receipts: list[Receipt]


@dataclass(frozen=True, slots=True)
class Refused:
    """Refused as a whole: 403 outside the principal's scope, 422 when a rule is broken."""

    status: int
    problems: list[Problem]
    markets_lag: int | None = None


Outcome = Accepted | Refused


class PublishError(Exception):
    """The broker did not acknowledge; nothing was answered as accepted."""


@dataclass(frozen=True, slots=True)
class Judged:
    """Units past authorisation and the rules: the refused ones, and the others' events."""

    units: list[Unit]
    outcomes: dict[int, Outcome]
    built: list[tuple[int, list[Event]]]


def stale_refusal(conflict: Conflict) -> Refused:
    """409: which items correct a version that is no longer current, and the current one."""
    problems = [
        Problem(
            "stale_version",
            "replaces_version",
            f"{_stated(stale.stated)}, mais {_current(stale.current)} : rien n'a été publié ; "
            "partez de la version actuelle pour la corriger",
            item=stale.position if conflict.events > 1 else None,
            current_version=stale.current,
        )
        for stale in conflict.stale
    ]
    return Refused(409, problems)


def _stated(version: int) -> str:
    if version == 0:
        return "cet élément se présente comme la première version"
    return f"cet élément corrige la version {version}"


def _current(version: int) -> str:
    return f"la version actuelle est la {version}" if version else "aucune version n'existe encore"


# accepted contracts whose owner the process remembers (about 20 MB): enough to outlast
# any publication in flight; older ones are read from the store like every published one
OWNERS_KEPT = 100_000


def scope_problem(
    unit: Unit,
    market_id: str,
    siret: str | None,
    holders: Mapping[str, frozenset[str]],
    buyer_of: Mapping[str, str] | None = None,
    buyer_siret: str | None = None,
) -> Problem | None:
    """Why the unit is outside its principal's scope for this market and SIRET (403), naming
    the field: a buyer outside a facilitator's perimeter, a market it does not hold, or
    another holder or employer than itself."""
    outside = outside_perimeter(
        unit.principal, unit.kind, market_id, buyer_of or {}, buyer_siret=buyer_siret
    )
    if outside is not None:
        return Problem("forbidden", *outside)
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
        metrics: Metrics,
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
        holders, buyer_of = self._markets.holders, self._markets.buyers
        for index, unit in enumerate(units):
            named: Sequence[str | None] = unit.buyers or [None] * len(unit.scopes)
            for (market_id, siret), buyer in zip(unit.scopes, named, strict=True):
                problem = scope_problem(unit, market_id, siret, holders, buyer_of, buyer)
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


async def import_hours_csv(
    ingestor: Ingestor,
    document: bytes,
    *,
    caller: Principal,
    pseudonymise: Pseudonymise,
    source: str,
) -> tuple[Outcome, CsvImport]:
    """The CSV use case (the API route and the web page): parse, then the one ingest path."""
    parsed = await asyncio.to_thread(parse_hours_csv, document, pseudonymise)
    unit = rows_unit(caller, parsed.rows, source, parsed.problems)
    [outcome] = await ingestor.process([unit])
    return outcome, parsed
