"""Running sums and distinct counts, kept exact by adding and removing resolved lines.

A resolved line (its contract and its market are known) adds its hours to one cell and,
when it has hours, makes its contract, beneficiary, market and employer *members* of the
year's counts. A distinct count is the number of entities with at least one membership,
so a person with two contracts, or a contract with twelve months, counts once.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from services.clauses.domain.facts import ContractFacts, Line, MarketFacts, ReportKey
from shared.codes import ALTERNANCE

# period, market, category, reserved, gender, contract type, eligible public, modality, employer
CellKey = tuple[str, str, str, bool, str, str, str, str, str]
CountKey = tuple[int, str, str, str]  # year, counted thing, breakdown, value
Membership = tuple[int, str, str, str, str]  # a count key and the entity counted

EMPLOYERS_ALL = ("employers", "all", "all")
EMPLOYERS_SME = ("employers", "is_sme", "true")
EMPLOYERS_NOT_SME = ("employers", "is_sme", "false")  # derived: all minus SMEs
_ALTERNANCE = frozenset(str(code) for code in ALTERNANCE)


def _person_breakdowns(contract: ContractFacts) -> list[tuple[str, str]]:
    pairs = [
        ("all", "all"),
        ("gender", contract.gender),
        ("contract_type", contract.contract_type),
        ("eligible_public", contract.eligible_public),
        ("modality", contract.modality),
    ]
    if contract.contract_type in _ALTERNANCE:
        pairs.append(("contract_type", "alternance"))
    return pairs


def memberships(
    key: ReportKey, contract_id: str, market: MarketFacts, contract: ContractFacts
) -> list[Membership]:
    """What one line with hours makes count in its year."""
    market_id, employer, period = key
    year = int(period[:4])
    found: list[Membership] = []
    for breakdown, value in _person_breakdowns(contract):
        found.append((year, "contracts", breakdown, value, contract_id))
        found.append((year, "beneficiaries", breakdown, value, contract.beneficiary))
    reserved = "true" if market.reserved else "false"
    found.append((year, "markets_with_hours", "all", "all", market_id))
    found.append((year, "markets_with_hours", "category", market.category, market_id))
    found.append((year, "markets_with_hours", "reserved_market", reserved, market_id))
    found.append((year, *EMPLOYERS_ALL, employer))
    if employer in market.sme_holders:
        found.append((year, *EMPLOYERS_SME, employer))
    return found


@dataclass(slots=True)
class Tally:
    """Cells, memberships and counts, with the values each changed key had before."""

    cells: dict[CellKey, tuple[int, int]] = field(default_factory=dict)
    refs: dict[Membership, int] = field(default_factory=dict)
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
        if insertion or training:
            for membership in memberships(key, contract_id, market, contract):
                self._change_membership(membership, sign)

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

    def _change_membership(self, membership: Membership, sign: int) -> None:
        before = self.refs.get(membership, 0)
        after = before + sign
        if after:
            self.refs[membership] = after
        else:
            del self.refs[membership]
        if (before == 0) == (after == 0):
            return
        key = membership[:4]
        self._remember_count(key)
        value = self.counts.get(key, 0) + (1 if after else -1)
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
