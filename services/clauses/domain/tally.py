"""Running sums and distinct counts, kept exact by adding and removing resolved lines.

A resolved line (its contract and its market are known) adds its hours to one cell. A
line with hours also adds one to the reference count of its contract, market and
employer in the year; when a reference count leaves zero the entity starts counting
(+1 for each breakdown value it has), when it comes back to zero it stops. A person is
counted in each value one of their counted contracts has: two contracts make one
beneficiary, and twelve months of a contract make one contract.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from services.clauses.domain.facts import Breakdowns, ContractFacts, Line, MarketFacts, ReportKey

# period, market, category, reserved, gender, contract type, eligible public, modality, employer
CellKey = tuple[str, str, str, bool, str, str, str, str, str]
CountKey = tuple[int, str, str, str]  # year, counted thing, breakdown, value
YearOf = tuple[int, str]  # a year and an entity (contract, market, employer, person)

EMPLOYERS_ALL = ("employers", "all", "all")
EMPLOYERS_SME = ("employers", "is_sme", "true")
EMPLOYERS_NOT_SME = ("employers", "is_sme", "false")  # derived: all minus SMEs


def _step(references: dict[YearOf, int], key: YearOf, sign: int) -> bool:
    """Move a reference count by one; True when it left or came back to zero."""
    before = references.get(key, 0)
    after = before + sign
    if after:
        references[key] = after
    else:
        del references[key]
    return before == 0 or after == 0


@dataclass(slots=True)
class Tally:
    """Cells, reference counts and distinct counts, with the values changed keys had before."""

    cells: dict[CellKey, tuple[int, int]] = field(default_factory=dict)
    contract_lines: dict[YearOf, int] = field(default_factory=dict)
    market_lines: dict[YearOf, int] = field(default_factory=dict)
    employer_lines: dict[YearOf, int] = field(default_factory=dict)
    sme_lines: dict[YearOf, int] = field(default_factory=dict)
    people: dict[YearOf, tuple[Breakdowns, ...]] = field(default_factory=dict)
    counts: dict[CountKey, int] = field(default_factory=dict)
    realised: defaultdict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    cells_before: dict[CellKey, tuple[int, int]] = field(default_factory=dict)
    counts_before: dict[CountKey, int] = field(default_factory=dict)
    realised_touched: set[str] = field(default_factory=set)

    def add(
        self, key: ReportKey, line: Line, market: MarketFacts, contract: ContractFacts, sign: int
    ) -> None:
        """Add (sign 1) or remove (sign -1) one resolved line."""
        market_id, employer, period = key
        contract_id, insertion, training = line
        cell = (
            period,
            market_id,
            market.category,
            market.reserved,
            contract.gender,
            contract.contract_type,
            contract.eligible_public,
            contract.modality,
            employer,
        )
        self._change_cell(cell, sign * insertion, sign * training)
        self._change_realised(market_id, period, sign * insertion)
        if not (insertion or training):
            return
        year = int(period[:4])
        if _step(self.contract_lines, (year, contract_id), sign):
            self._count_all(year, "contracts", contract.breakdowns, sign)
            self._change_person(year, contract, sign)
        if _step(self.market_lines, (year, market_id), sign):
            self._count_all(year, "markets_with_hours", market.breakdowns, sign)
        if _step(self.employer_lines, (year, employer), sign):
            self._count((year, *EMPLOYERS_ALL), sign)
        if employer in market.sme_holders and _step(self.sme_lines, (year, employer), sign):
            self._count((year, *EMPLOYERS_SME), sign)

    def count(self, key: CountKey) -> int:
        """The current value of a distinct count (zero when absent)."""
        if key[1:] == EMPLOYERS_NOT_SME:
            year = key[0]
            return self.counts.get((year, *EMPLOYERS_ALL), 0) - self.counts.get(
                (year, *EMPLOYERS_SME), 0
            )
        return self.counts.get(key, 0)

    def all_counts(self) -> Iterator[tuple[CountKey, int]]:
        """Every non-zero count, the derived ones included."""
        yield from self.counts.items()
        for year in {key[0] for key in self.counts if key[1:] == EMPLOYERS_ALL}:
            derived = (year, *EMPLOYERS_NOT_SME)
            if value := self.count(derived):
                yield derived, value

    def realised_cents(self, market_id: str, *, until: str) -> int:
        """Insertion hours (hundredths) on a market up to a month included."""
        by_period = self.realised.get(market_id, {})
        return sum(value for period, value in by_period.items() if period <= until)

    def drain(self) -> tuple[dict[CellKey, tuple[int, int]], dict[CountKey, int], set[str]]:
        """Cells and counts whose value changed since the last drain, and touched markets."""
        cells = {
            key: value
            for key, before in self.cells_before.items()
            if (value := self.cells.get(key, (0, 0))) != before
        }
        counts = {
            key: number
            for key, before in self.counts_before.items()
            if (number := self.count(key)) != before
        }
        markets = self.realised_touched
        self.cells_before, self.counts_before, self.realised_touched = {}, {}, set()
        return cells, counts, markets

    def _change_cell(self, cell: CellKey, insertion: int, training: int) -> None:
        current = self.cells.get(cell, (0, 0))
        self.cells_before.setdefault(cell, current)
        updated = (current[0] + insertion, current[1] + training)
        if updated == (0, 0):
            self.cells.pop(cell, None)
        else:
            self.cells[cell] = updated

    def _change_realised(self, market_id: str, period: str, insertion: int) -> None:
        by_period = self.realised[market_id]
        updated = by_period.get(period, 0) + insertion
        if updated:
            by_period[period] = updated
        else:
            by_period.pop(period, None)
        self.realised_touched.add(market_id)

    def _change_person(self, year: int, contract: ContractFacts, sign: int) -> None:
        """A contract of the person started or stopped counting: so may some of their values."""
        key = (year, contract.beneficiary)
        held = self.people.get(key, ())
        if sign > 0:
            updated = (*held, contract.breakdowns)
        else:
            position = held.index(contract.breakdowns)
            updated = held[:position] + held[position + 1 :]
        before: set[tuple[str, str]] = set().union(*held)
        after: set[tuple[str, str]] = set().union(*updated)
        for breakdown, value in after - before:
            self._count((year, "beneficiaries", breakdown, value), 1)
        for breakdown, value in before - after:
            self._count((year, "beneficiaries", breakdown, value), -1)
        if updated:
            self.people[key] = updated
        else:
            del self.people[key]

    def _count_all(self, year: int, counted: str, breakdowns: Breakdowns, sign: int) -> None:
        for breakdown, value in breakdowns:
            self._count((year, counted, breakdown, value), sign)

    def _count(self, key: CountKey, sign: int) -> None:
        self._remember_count(key)
        value = self.counts.get(key, 0) + sign
        if value:
            self.counts[key] = value
        else:
            del self.counts[key]

    def _remember_count(self, key: CountKey) -> None:
        if key not in self.counts_before:
            self.counts_before[key] = self.count(key)
        if key[1:] in (EMPLOYERS_ALL, EMPLOYERS_SME):
            derived = (key[0], *EMPLOYERS_NOT_SME)
            self.counts_before.setdefault(derived, self.count(derived))
