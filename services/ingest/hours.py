"""Rules on hours lines, shared by the JSON reports and the facilitators' CSV rows (pure)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from services.ingest.problems import ContractFacts, Problem, hours_problems, month_of


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
