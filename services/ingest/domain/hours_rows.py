"""Facilitators' rows (one per beneficiary and month, contract details on the row), pure."""

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from services.ingest.domain.refusals import (
    Problem,
    day_problem,
    period_problem,
    period_window_problem,
    unknown_market,
)
from services.ingest.domain.rules import (
    ContractFacts,
    HoursLineFacts,
    RuleContext,
    check_hours_lines,
    taken_problem,
)
from shared.codes import ContractType, EligiblePublic, Gender, Modality
from shared.events import Event, MonthlyHoursReported, WorkContractSigned


def derive_contract_id(beneficiary: str, employer_siret: str, market_id: str, start: date) -> str:
    """A stable contract reference when the row has none: same person, employer, market, start."""
    seed = "|".join((beneficiary, employer_siret, market_id, start.isoformat()))
    return "CTR-" + hashlib.sha256(seed.encode()).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class ContractTerms:
    """A work contract as a row describes it (beneficiary already pseudonymised)."""

    contract_id: str
    beneficiary: str
    gender: Gender
    contract_type: ContractType
    eligible_public: EligiblePublic
    modality: Modality
    employer_siret: str
    market_id: str
    start_date: date
    end_date: date | None

    def facts(self) -> ContractFacts:
        """What the hours rules need to know of the contract."""
        return ContractFacts(self.market_id, self.employer_siret, self.beneficiary, self.start_date)

    def to_event(self) -> WorkContractSigned:
        """The contract as an event, at version 1."""
        return WorkContractSigned.model_validate(asdict(self))


@dataclass(frozen=True, slots=True)
class HoursRow:
    """One row: a person's hours in a month, under a contract described on the row."""

    line: int
    period: str
    contract: ContractTerms
    insertion_hours: Decimal
    training_hours: Decimal


def _row_problems(row: HoursRow, first: dict[str, HoursRow], ctx: RuleContext) -> list[Problem]:
    terms, line = row.contract, row.line
    problems: list[Problem] = []
    if terms.market_id not in ctx.holders:
        problems.append(unknown_market(terms.market_id, ctx.markets_lag, line=line))
    if problem := period_problem(row.period, ctx.today, line=line) or period_window_problem(
        row.period, ctx.bounds, line=line
    ):
        problems.append(problem)
    start = day_problem(terms.start_date, "start_date", "la date de début", ctx.bounds, line=line)
    end = terms.end_date and day_problem(
        terms.end_date, "end_date", "la date de fin", ctx.bounds, end=True, line=line
    )
    problems.extend(problem for problem in (start, end) if problem)
    if terms.end_date is not None and terms.end_date < terms.start_date:
        message = (
            f"la date de fin {terms.end_date:%d/%m/%Y} précède le début {terms.start_date:%d/%m/%Y}"
        )
        problems.append(Problem("contract_ends_before_start", "end_date", message, line))
    if problem := taken_problem(
        terms.contract_id, terms.market_id, terms.employer_siret, ctx.contracts, line=line
    ):
        problems.append(problem)
    earlier = first.setdefault(terms.contract_id, row)
    if earlier.contract != terms:
        message = (
            f"le contrat « {terms.contract_id} » est décrit autrement ligne {earlier.line} "
            "(bénéficiaire, employeur, marché, type, public, modalité ou dates)"
        )
        problems.append(Problem("contract_conflict", "contract_id", message, line))
    return problems


def events_from_rows(rows: Sequence[HoursRow], ctx: RuleContext) -> list[Event] | list[Problem]:
    """The contracts and the monthly reports the rows describe, or every row's problems."""
    first: dict[str, HoursRow] = {}
    problems = [problem for row in rows for problem in _row_problems(row, first, ctx)]
    contracts = {**ctx.contracts, **{cid: row.contract.facts() for cid, row in first.items()}}
    reports: dict[tuple[str, str, str], list[HoursLineFacts]] = {}
    for row in rows:
        terms = row.contract
        lines = reports.setdefault((terms.market_id, terms.employer_siret, row.period), [])
        lines.append(
            HoursLineFacts(
                line=row.line,
                market_id=terms.market_id,
                employer_siret=terms.employer_siret,
                period=row.period,
                beneficiary=terms.beneficiary,
                contract_id=terms.contract_id,
                insertion_hours=row.insertion_hours,
                training_hours=row.training_hours,
            )
        )
        if len(lines) == ctx.max_lines_per_report + 1:
            message = f"au plus {ctx.max_lines_per_report} lignes par marché, employeur et mois"
            problems.append(Problem("too_many_lines", "period", message, row.line))
    all_lines = [line for lines in reports.values() for line in lines]
    problems.extend(check_hours_lines(all_lines, contracts, ctx.monthly_ceiling))
    if problems:
        return sorted(problems, key=lambda problem: problem.line or 0)
    events: list[Event] = [row.contract.to_event() for row in first.values()]
    events.extend(
        MonthlyHoursReported.model_validate(
            {
                "market_id": market_id,
                "employer_siret": employer,
                "period": period,
                "lines": [line.to_event_line() for line in lines],
            }
        )
        for (market_id, employer, period), lines in reports.items()
    )
    return events
