"""Each entry point turns what it received into units: all-or-nothing submissions."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NamedTuple, TypeVar

from services.ingest.auth import Principal, SubmissionKind
from services.ingest.domain import (
    Pseudonymise,
    contract_event,
    hours_event,
    invoice_event,
    market_event,
)
from services.ingest.problems import Problem, RuleContext
from services.ingest.rows import HoursRow, events_from_rows
from services.ingest.submissions import (
    InvoiceSubmission,
    MarketSubmission,
    MonthlyHoursSubmission,
    Submission,
    WorkContractSubmission,
)
from shared.events import Event, MarketNotified

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
    # the version each built event states it replaces (preconditions.py), None: no statement
    expected: Sequence[int | None] = ()


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
    return Unit(principal, SubmissionKind.MARKET, source, scopes, frozenset(), build)


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

    return Unit(principal, SubmissionKind.MARKET, "decp", scopes, frozenset(), build)
