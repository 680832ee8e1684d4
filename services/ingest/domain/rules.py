"""Business rules of ingest (pure): a submission becomes events at version 1, or problems; the
rules on hours lines are shared by the JSON reports and the facilitators' rows."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from services.ingest.domain.plausibility import (
    AMOUNT_CEILING,
    LENIENT,
    Plausible,
    plausible_for,
)
from services.ingest.domain.refusals import (
    Problem,
    amount_problem,
    beneficiary_id_problem,
    contract_id_taken,
    day_problem,
    hours_problems,
    month_of,
    period_problem,
    period_window_problem,
    siret_problem,
    unknown_market,
)
from services.ingest.domain.submissions import (
    InvoiceSubmission,
    MarketSubmission,
    MonthlyHoursSubmission,
    Submission,
    WorkContractSubmission,
)
from shared.events import (
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)

# the rules' calendar: "today" and every window are Europe/Paris dates
PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True, slots=True)
class ContractFacts:
    """What ingest knows of a work contract it has already published."""

    market_id: str
    employer_siret: str
    beneficiary: str
    start_date: date


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the rules need besides the submission: the clock is passed in, never read."""

    today: date
    holders: Mapping[str, frozenset[str]]
    markets_lag: int | None
    contracts: Mapping[str, ContractFacts]
    monthly_ceiling: Decimal
    max_lines_per_report: int
    bounds: Plausible = LENIENT
    market_amounts: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Limits:
    """The configurable bounds of the rules."""

    monthly_ceiling: Decimal
    max_lines_per_report: int
    earliest_year: int = 2000
    latest_years_ahead: int = 1
    contract_end_years_ahead: int = 5
    max_amount_ht: Decimal = AMOUNT_CEILING

    def bounds(self, today: date) -> Plausible:
        """The plausible window on `today` (Europe/Paris) and the amounts' ceiling."""
        return plausible_for(
            today,
            earliest_year=self.earliest_year,
            years_ahead=self.latest_years_ahead,
            end_years_ahead=self.contract_end_years_ahead,
            max_amount=self.max_amount_ht,
        )


@dataclass(frozen=True, slots=True)
class HoursLineFacts:
    """One person's hours in one month under one contract, already pseudonymised."""

    line: int
    market_id: str
    employer_siret: str
    period: str
    beneficiary: str
    contract_id: str
    insertion_hours: Decimal
    training_hours: Decimal

    def to_event_line(self) -> dict[str, object]:
        """The line as the event carries it (validated once, with the whole report)."""
        return {
            "beneficiary": self.beneficiary,
            "contract_id": self.contract_id,
            "insertion_hours": self.insertion_hours,
            "training_hours": self.training_hours,
        }


def contract_problems(line: HoursLineFacts, contract: ContractFacts | None) -> list[Problem]:
    """The line's contract is known, on the same market and employer, for the same person.

    Another employer's contract is answered as an unknown one, word for word, and nothing
    else is compared with it: neither its market nor its person nor its start is told (the
    employer of a contractor's report is the contractor itself, so it is another party's)."""
    if contract is None or contract.employer_siret != line.employer_siret:
        message = f"contrat inconnu « {line.contract_id} » : transmettez d'abord le contrat"
        return [Problem("unknown_contract", "contract_id", message, line.line)]
    problems: list[Problem] = []
    if contract.market_id != line.market_id:  # the same employer's: its own market
        message = f"le contrat « {line.contract_id} » relève du marché « {contract.market_id} »"
        problems.append(Problem("contract_other_market", "contract_id", message, line.line))
    if contract.beneficiary != line.beneficiary:
        message = f"ce bénéficiaire n'est pas celui du contrat « {line.contract_id} »"
        problems.append(Problem("beneficiary_mismatch", "beneficiary_id", message, line.line))
    if line.period < month_of(contract.start_date):
        message = (
            f"la période {line.period} précède le début du contrat ({contract.start_date:%d/%m/%Y})"
        )
        problems.append(Problem("period_before_contract_start", "period", message, line.line))
    return problems


def check_hours_lines(
    lines: Iterable[HoursLineFacts], contracts: Mapping[str, ContractFacts], ceiling: Decimal
) -> list[Problem]:
    """Every problem of every line: hours, contract, duplicates, one person's monthly total."""
    problems: list[Problem] = []
    seen: set[tuple[str, str, str, str]] = set()
    person_month: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        own = hours_problems(line.insertion_hours, line.training_hours, ceiling, line=line.line)
        identity = (line.market_id, line.employer_siret, line.period, line.contract_id)
        if identity in seen:
            message = f"le contrat « {line.contract_id} » figure deux fois pour la période"
            own.append(Problem("duplicate_line", "contract_id", message, line.line))
        seen.add(identity)
        own.extend(contract_problems(line, contracts.get(line.contract_id)))
        if not own:
            key = (line.beneficiary, line.period)
            person_month[key] += line.insertion_hours + line.training_hours
            if person_month[key] > ceiling:
                message = (
                    f"ce bénéficiaire cumule {person_month[key]} heures en {line.period} : "
                    f"au-delà du plafond mensuel de {ceiling:.2f} h"
                )
                own.append(Problem("hours_above_ceiling", "insertion_hours", message, line.line))
        problems.extend(own)
    return problems


Pseudonymise = Callable[[str], str]


@cache
def _names_of(shape: type[Submission]) -> set[str]:
    return set(shape.model_fields) - {"replaces_version"}  # a precondition, not a fact


def _plain(annotation: Any) -> bool:
    """Whether values of this type are dumped as they are (no model, no collection)."""
    if get_origin(annotation) in (Union, UnionType, Literal):
        return all(_plain(arg) for arg in get_args(annotation) if not isinstance(arg, str))
    return isinstance(annotation, type) and not issubclass(
        annotation, BaseModel | list | tuple | dict | set | frozenset
    )


@cache
def _flat(shape: type[Submission]) -> bool:
    return all(_plain(field.annotation) for field in shape.model_fields.values())


def fields_of(submission: Submission, shape: type[Submission]) -> dict[str, Any]:
    """The fields of the shape only (a raw submission also carries its type and version):
    its `model_dump`, read straight from the values when they are all plain (5x faster)."""
    names = _names_of(shape)
    if _flat(shape):
        values = submission.__dict__
        return {name: values[name] for name in names}
    return submission.model_dump(include=names)


def _present(*found: Problem | None) -> list[Problem]:
    return [problem for problem in found if problem is not None]


def market_event(submission: MarketSubmission, ctx: RuleContext) -> MarketNotified | list[Problem]:
    """A market may not be notified in the future, nor before the window; plausible amount,
    SIRETs with a right key."""
    problems = _present(
        day_problem(
            submission.notification_date,
            "notification_date",
            "la date de notification",
            ctx.bounds,
        ),
        amount_problem(submission.amount_ht, "amount_ht", ctx.bounds),
        siret_problem(submission.buyer.siret, "buyer.siret"),
        *(
            siret_problem(holder.siret, f"holders[{index}].siret")
            for index, holder in enumerate(submission.holders)
        ),
    )
    if submission.notification_date > ctx.today and not any(
        problem.field == "notification_date" for problem in problems
    ):
        message = f"la date de notification {submission.notification_date} est dans le futur"
        problems.append(Problem("notification_in_future", "notification_date", message))
    if problems:
        return problems
    return MarketNotified.model_validate(fields_of(submission, MarketSubmission))


def _above_market_amount(submission: InvoiceSubmission, ctx: RuleContext) -> Problem | None:
    market_amount = ctx.market_amounts.get(submission.market_id)
    if market_amount is None or submission.amount_ht <= market_amount:
        return None
    message = (
        f"le montant facturé ({submission.amount_ht} EUR HT) dépasse le montant du marché "
        f"« {submission.market_id} » ({market_amount} EUR HT)"
    )
    return Problem("invoice_above_market_amount", "amount_ht", message)


def invoice_event(
    submission: InvoiceSubmission, ctx: RuleContext
) -> InvoiceRecorded | list[Problem]:
    """An invoice is for a known market and a month that has begun, within the window; its
    amount is plausible and not above the market's; the holder's SIRET has a right key."""
    problems: list[Problem] = []
    if submission.market_id not in ctx.holders:
        problems.append(unknown_market(submission.market_id, ctx.markets_lag))
    problems += _present(
        period_problem(submission.period, ctx.today)
        or period_window_problem(submission.period, ctx.bounds),
        amount_problem(submission.amount_ht, "amount_ht", ctx.bounds),
        _above_market_amount(submission, ctx),
        siret_problem(submission.holder_siret, "holder_siret"),
    )
    if problems:
        return problems
    return InvoiceRecorded.model_validate(fields_of(submission, InvoiceSubmission))


def contract_event(
    submission: WorkContractSubmission, pseudonymise: Pseudonymise, ctx: RuleContext
) -> WorkContractSigned | list[Problem]:
    """A work contract is for a known market, starts and ends (if at all) within the window,
    ends after it starts, keeps the market and employer of its id's earlier versions; the
    employer's SIRET has a right key."""
    problems: list[Problem] = []
    if submission.market_id not in ctx.holders:
        problems.append(unknown_market(submission.market_id, ctx.markets_lag))
    problems += _present(
        day_problem(submission.start_date, "start_date", "la date de début", ctx.bounds),
        siret_problem(submission.employer_siret, "employer_siret"),
        beneficiary_id_problem(submission.beneficiary_id),
    )
    if submission.end_date is not None and (
        problem := day_problem(
            submission.end_date, "end_date", "la date de fin", ctx.bounds, end=True
        )
    ):
        problems.append(problem)
    if submission.end_date is not None and submission.end_date < submission.start_date:
        message = (
            f"la date de fin {submission.end_date} précède la date de début {submission.start_date}"
        )
        problems.append(Problem("contract_ends_before_start", "end_date", message))
    if problem := taken_problem(
        submission.contract_id, submission.market_id, submission.employer_siret, ctx.contracts
    ):
        problems.append(problem)
    if problems:
        return problems
    fields = fields_of(submission, WorkContractSubmission)
    del fields["beneficiary_id"]
    return WorkContractSigned.model_validate(
        {**fields, "beneficiary": pseudonymise(submission.beneficiary_id)}
    )


def hours_event(
    submission: MonthlyHoursSubmission, pseudonymise: Pseudonymise, ctx: RuleContext
) -> MonthlyHoursReported | list[Problem]:
    """A month's report: known market, a begun month within the window, an employer's SIRET
    with a right key, known contracts, plausible hours."""
    problems: list[Problem] = []
    if submission.market_id not in ctx.holders:
        problems.append(unknown_market(submission.market_id, ctx.markets_lag))
    problems += _present(
        period_problem(submission.period, ctx.today)
        or period_window_problem(submission.period, ctx.bounds),
        siret_problem(submission.employer_siret, "employer_siret"),
    )
    if len(submission.lines) > ctx.max_lines_per_report:
        message = (
            f"{len(submission.lines)} lignes : au plus {ctx.max_lines_per_report} par rapport "
            "mensuel (un employeur, un marché, un mois)"
        )
        problems.append(Problem("too_many_lines", "lines", message))
    lines = [
        HoursLineFacts(
            line=index,
            market_id=submission.market_id,
            employer_siret=submission.employer_siret,
            period=submission.period,
            beneficiary=pseudonymise(line.beneficiary_id),
            contract_id=line.contract_id,
            insertion_hours=line.insertion_hours,
            training_hours=line.training_hours,
        )
        for index, line in enumerate(submission.lines)
    ]
    refused = _present(
        *(
            beneficiary_id_problem(line.beneficiary_id, line=index)
            for index, line in enumerate(submission.lines)
        )
    )
    problems += refused
    # a line refused for its identifier is not also told it names another person
    refused_lines = {problem.line for problem in refused}
    problems.extend(
        problem
        for problem in check_hours_lines(lines, ctx.contracts, ctx.monthly_ceiling)
        if not (problem.code == "beneficiary_mismatch" and problem.line in refused_lines)
    )
    if problems:
        return problems
    return MonthlyHoursReported.model_validate(
        {
            "market_id": submission.market_id,
            "employer_siret": submission.employer_siret,
            "period": submission.period,
            "lines": [line.to_event_line() for line in lines],
        }
    )


def taken_problem(
    contract_id: str,
    market_id: str,
    employer_siret: str,
    contracts: Mapping[str, ContractFacts],
    *,
    line: int | None = None,
) -> Problem | None:
    """`contract_id_taken` when a published contract of that id has another market or
    employer, whoever sends it (a facilitator corrects a contract, it does not move it)."""
    known = contracts.get(contract_id)
    if known is None or (known.market_id, known.employer_siret) == (market_id, employer_siret):
        return None
    return contract_id_taken(contract_id, line=line)
