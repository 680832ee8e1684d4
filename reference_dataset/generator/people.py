"""Who signs the year's contracts, and in which months each contract has hours.

A person's contracts of one year have hours in distinct, consecutive months (a contract
carried over from the previous year first), so nobody works two contracts in one month.
"""

import random
import string

from reference_dataset.generator.drafts import DraftContract, Person
from reference_dataset.generator.engage import GenerationError
from reference_dataset.targets import YearTargets
from shared.codes import EligiblePublic, Gender

RETURNING = 0.06  # share of a year's newcomers who had a contract in an earlier year
_PUBLICS = (
    (EligiblePublic.RSA, 20),
    (EligiblePublic.DELD, 20),
    (EligiblePublic.DETLD, 14),
    (EligiblePublic.YOUTH_UNDER_26, 16),
    (EligiblePublic.RQTH, 7),
    (EligiblePublic.QPV, 10),
    (EligiblePublic.ASS, 4),
    (EligiblePublic.SENIOR_OVER_50, 6),
    (EligiblePublic.AAH, 2),
    (EligiblePublic.OTHER_VALIDATED, 1),
)


def _ordered(year: int, contracts: list[DraftContract]) -> list[DraftContract]:
    return sorted(
        contracts, key=lambda c: (year - 1 not in c.months, c.market.earliest_month(year))
    )


def _fits_from(cursor: int, year: int, contracts: list[DraftContract]) -> bool:
    for contract in contracts:
        cursor = max(cursor, contract.market.earliest_month(year)) + 1
    return cursor <= 13


def fits(year: int, contracts: list[DraftContract]) -> bool:
    """Whether the contracts can each have at least one month of their own in the year."""
    return _fits_from(1, year, _ordered(year, contracts))


class People:
    """The beneficiaries, with raw identifiers like a facilitator's (7 digits and a letter)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._ids: set[str] = set()
        self.persons: list[Person] = []

    def _new(self, gender: Gender) -> Person:
        rng = self._rng
        while True:
            raw_id = f"{rng.randint(1_000_000, 9_999_999)}{rng.choice(string.ascii_uppercase)}"
            if raw_id not in self._ids:
                break
        self._ids.add(raw_id)
        public = rng.choices([p for p, _ in _PUBLICS], [w for _, w in _PUBLICS])[0]
        person = Person(raw_id=raw_id, gender=gender, public=public)
        self.persons.append(person)
        return person

    def _newcomers(self, t: YearTargets, present: list[Person], count: int) -> list[Person]:
        rng = self._rng
        seen = set(map(id, present))
        absent = [p for p in self.persons if id(p) not in seen]
        returning = rng.sample(absent, min(len(absent), round(RETURNING * count)))
        fresh = count - len(returning)
        women = t.women - sum(p.gender is Gender.FEMALE for p in present + returning)
        if not 0 <= women <= fresh:
            raise GenerationError(f"{t.year}: cannot reach {t.women} women")
        genders = [Gender.FEMALE] * women + [Gender.MALE] * (fresh - women)
        rng.shuffle(genders)
        return returning + [self._new(gender) for gender in genders]

    def staff(
        self, t: YearTargets, carried: list[DraftContract], fresh: list[DraftContract]
    ) -> None:
        """Give every new contract a person (exactly the year's count) and months of hours."""
        rng = self._rng
        year = t.year
        present = [c.person for c in carried if c.person is not None]
        need = t.persons - len(present)
        if need < 0 or len(fresh) < need:
            raise GenerationError(f"{year}: {len(fresh)} new contracts for {need} new persons")
        order = rng.sample(fresh, len(fresh))
        plan: dict[int, tuple[Person, list[DraftContract]]] = {
            id(c.person): (c.person, [c]) for c in carried if c.person is not None
        }
        for person, contract in zip(self._newcomers(t, present, need), order[:need], strict=True):
            plan[id(person)] = (person, [contract])
        for contract in order[need:]:
            persons = list(plan)
            for key in rng.sample(persons, min(len(persons), 80)):
                if fits(year, [*plan[key][1], contract]):
                    plan[key][1].append(contract)
                    break
            else:
                raise GenerationError(f"{year}: no person can take contract {contract.contract_id}")
        for person, contracts in plan.values():
            for contract in contracts:
                contract.person = person
            self._schedule(year, contracts)

    def _schedule(self, year: int, contracts: list[DraftContract]) -> None:
        ordered = _ordered(year, contracts)
        cursor = 1
        for index, contract in enumerate(ordered):
            start = max(cursor, contract.market.earliest_month(year))
            rest = ordered[index + 1 :]
            latest = max(e for e in range(start, 13) if _fits_from(e + 1, year, rest))
            length = max(1, contract.planned_months - contract.months_so_far())
            end = min(start + length - 1, latest)
            if not contract.months:
                contract.start_day = self._rng.randint(1, 20)
            contract.months[year] = list(range(start, end + 1))
            cursor = end + 1


def widen(rng: random.Random, t: YearTargets, contracts: list[DraftContract]) -> None:
    """Lengthen contracts of a group with few lines for its hours (the counts do not change).

    A group gets about one line per 120 insertion hours when its contracts can take it: a
    contract takes the month after its last (or before its first) when its person has no
    other contract then. It must reach one line per 170 hours (a line holds 180 at most).
    """
    year = t.year
    busy: dict[int, set[int]] = {}
    for contract in contracts:
        busy.setdefault(id(contract.person), set()).update(contract.months[year])
    for group, hours in t.insertion.items():
        mine = [c for c in contracts if c.market.group is group]
        lines = sum(len(c.months[year]) for c in mine)
        grown = True
        while lines * 120 < hours and grown:
            grown = False
            for contract in rng.sample(mine, len(mine)):
                if _grow(year, contract, busy[id(contract.person)]):
                    lines, grown = lines + 1, True
                    if lines * 120 >= hours:
                        break
        if lines * 170 < hours:
            raise GenerationError(f"{year}: the {group} contracts cannot hold {hours} hours")


def _grow(year: int, contract: DraftContract, taken: set[int]) -> bool:
    months = contract.months[year]
    if months[-1] < 12 and months[-1] + 1 not in taken:
        months.append(months[-1] + 1)
    elif months[0] > contract.market.earliest_month(year) and months[0] - 1 not in taken:
        months.insert(0, months[0] - 1)
    else:
        return False
    taken.update(months)
    return True
