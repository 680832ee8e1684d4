"""The hours of each (contract, month) of a year, in quarter hours, summing exactly to targets.

Each hours group's insertion and training totals are shared among its lines in proportion to
weights (contract type, the person, the month). Every line has at least one insertion hour
except "training only" months (an apprentice's weeks at school), which are never a contract's
first month of the year: every counted contract, hence every counted market, has insertion
hours. A line stays at or under 180 hours in all, far below the legal 208 hours a month.
"""

import random

from reference_dataset.generator.apportion import apportion
from reference_dataset.generator.drafts import DraftContract
from reference_dataset.generator.engage import GenerationError
from reference_dataset.targets import Group, YearTargets
from shared.codes import ContractType, Modality

QUARTERS = 4  # hours are shared in quarter hours
LINE_CAP = 180 * QUARTERS
TRAINING_CAP = 35 * QUARTERS
TRAINING_ONLY_CAP = 150 * QUARTERS
TYPE_WEIGHT = {
    ContractType.CDI: 1.5,
    ContractType.CDD: 1.2,
    ContractType.APPRENTICESHIP: 0.9,
    ContractType.PROFESSIONALISATION: 1.0,
    ContractType.CTTI: 1.0,
    ContractType.INTERIM: 0.9,
    ContractType.CDDI: 0.8,
    ContractType.OTHER: 0.7,
    ContractType.CDI_INCLUSION: 1.2,
}
Line = tuple[DraftContract, int]
Quarters = dict[Line, tuple[int, int]]  # (insertion, training) quarter hours of a line


def _learning(contract: DraftContract) -> bool:
    return contract.is_alternance or contract.modality is Modality.TRAINING


def mark_training_months(rng: random.Random, year: int, contracts: list[DraftContract]) -> None:
    """Some apprentices and trainees have a month of training only (never their first)."""
    for contract in contracts:
        months = contract.months[year]
        if _learning(contract) and len(months) >= 3 and rng.random() < 0.5:
            contract.training_only.add((year, rng.choice(months[1:])))


def _training(rng: random.Random, lines: list[Line], only: list[bool], total: int) -> list[int]:
    if total == 0:
        return [0] * len(lines)
    eligible = [i for i, (c, _) in enumerate(lines) if only[i] or _learning(c)]
    others = [i for i in range(len(lines)) if i not in set(eligible)]
    rng.shuffle(others)
    capacity = sum(TRAINING_ONLY_CAP if only[i] else TRAINING_CAP for i in eligible)
    while others and capacity < 2 * total:  # a little training for other contracts too
        eligible.append(others.pop())
        capacity += TRAINING_CAP
    weights, floors, caps = [0.0] * len(lines), [0] * len(lines), [0] * len(lines)
    for i in eligible:
        weights[i] = rng.uniform(0.5, 1.5) * (3.0 if only[i] else 1.0)
        floors[i] = QUARTERS if only[i] else 0
        caps[i] = TRAINING_ONLY_CAP if only[i] else TRAINING_CAP
    return apportion(total, weights, floors=floors, caps=caps)


def _group_lines(
    rng: random.Random, year: int, lines: list[Line], insertion: int, training: int
) -> Quarters:
    only = [(year, m) in c.training_only for c, m in lines]
    if sum(only) * QUARTERS > training:  # too little training to go round: no such month
        for contract, month in lines:
            contract.training_only.discard((year, month))
        only = [False] * len(lines)
    train = _training(rng, lines, only, training)
    person = {id(c): rng.uniform(0.5, 1.5) for c, _ in lines}
    weights = [
        0.0 if only[i] else TYPE_WEIGHT[c.contract_type] * person[id(c)] * rng.uniform(0.7, 1.3)
        for i, (c, _) in enumerate(lines)
    ]
    floors = [0 if flag else QUARTERS for flag in only]
    caps = [0 if only[i] else LINE_CAP - train[i] for i in range(len(lines))]
    work = apportion(insertion, weights, floors=floors, caps=caps)
    return {line: (work[i], train[i]) for i, line in enumerate(lines)}


def share_hours(rng: random.Random, t: YearTargets, contracts: list[DraftContract]) -> Quarters:
    """Quarter hours of every line of the year, each group's totals exact."""
    quarters: Quarters = {}
    for group in Group:
        lines = [(c, m) for c in contracts if c.market.group is group for m in c.months[t.year]]
        insertion, training = t.insertion[group] * QUARTERS, t.training[group] * QUARTERS
        if not lines:
            raise GenerationError(f"{t.year}: no line in group {group}")
        quarters.update(_group_lines(rng, t.year, lines, insertion, training))
    return quarters
