"""Who employs on which market in a year, and which contracts they sign.

The counts come out exact by construction: every market with hours gets an employer, SME
holders are engaged until the year's SME count is reached, then other employers until the
year's employer count is. A holder only ever employs on markets it holds and the other
employers (subcontractors, ETTI, GEIQ, AI, EI) hold no market with hours, so an employer is
an SME exactly when it is a holder flagged `is_sme` (the counting rule).
"""

import random

from reference_dataset.generator.companies import Company, CompanyKind, Registry
from reference_dataset.generator.drafts import DraftContract, DraftMarket
from reference_dataset.targets import Group, YearTargets

Engagement = tuple[Company, DraftMarket]
INTERMEDIATED = 0.55  # share of markets whose first employer is not a holder
INTERMEDIARIES: dict[Group, tuple[CompanyKind, ...]] = {
    Group.WORKS: (CompanyKind.ETTI, CompanyKind.GEIQ, CompanyKind.SUBCONTRACTOR, CompanyKind.EI),
    Group.DSP: (CompanyKind.ETTI, CompanyKind.GEIQ, CompanyKind.SUBCONTRACTOR),
    Group.SERVICES_SUPPLIES: (
        CompanyKind.ETTI,
        CompanyKind.AI,
        CompanyKind.EI,
        CompanyKind.SUBCONTRACTOR,
    ),
    Group.INTELLECTUAL: (CompanyKind.SUBCONTRACTOR, CompanyKind.ETTI),
    Group.RESERVED: (),
}


class GenerationError(RuntimeError):
    """The generator could not meet a target (a bug or an impossible target)."""


def is_counted_sme(company: Company) -> bool:
    """Whether the company counts as an SME employer (a holder flagged is_sme)."""
    return company.kind in (CompanyKind.HOLDER, CompanyKind.SIAE_HOLDER) and company.is_sme


class Engagements:
    """Chooses each year's employers and the contract families they sign."""

    def __init__(self, rng: random.Random, registry: Registry) -> None:
        self._rng = rng
        self._registry = registry
        self._pool: dict[tuple[CompanyKind, str], list[Company]] = {}

    def _intermediary(
        self, market: DraftMarket, busy: dict[str, Company], *, geiq: bool
    ) -> Company:
        rng = self._rng
        assert market.group is not None
        kinds = [k for k in INTERMEDIARIES[market.group] if geiq or k is not CompanyKind.GEIQ]
        kind = rng.choice(kinds)
        sector = market.category.value if kind is CompanyKind.SUBCONTRACTOR else "insertion"
        pool = self._pool.setdefault((kind, sector), [])
        free = [c for c in pool if c.siret not in busy]
        if free and rng.random() < 0.6:
            return rng.choice(free)
        company = self._registry.new(
            kind, sector, is_sme=rng.random() < 0.5, in_territory=rng.random() < 0.8
        )
        pool.append(company)
        return company

    def for_year(
        self, t: YearTargets, markets: list[DraftMarket], carried: list[DraftContract]
    ) -> list[Engagement]:
        """Pairs (employer, market) covering every market, with exactly the year's employers."""
        rng = self._rng
        engaged: list[Engagement] = []
        pairs: set[tuple[str, int]] = set()
        employers: dict[str, Company] = {}

        def add(company: Company, market: DraftMarket) -> None:
            if (company.siret, id(market)) not in pairs:
                pairs.add((company.siret, id(market)))
                engaged.append((company, market))
                employers[company.siret] = company

        def smes() -> int:
            return sum(is_counted_sme(c) for c in employers.values())

        def geiq() -> bool:  # GEIQ sign alternance contracts only: keep some for the others
            engaged_geiq = sum(c.kind is CompanyKind.GEIQ for c, _ in engaged)
            return engaged_geiq < t.alternance // 3

        for contract in carried:
            add(contract.employer, contract.market)
        covered = {id(market) for _, market in engaged}
        for market in rng.sample(markets, len(markets)):
            if id(market) in covered:
                continue
            already = [h for h in market.holders if h.siret in employers]
            plain = [h for h in market.holders if not h.is_sme]
            sme = [h for h in market.holders if h.is_sme]
            if market.group is not Group.RESERVED and rng.random() < INTERMEDIATED:
                add(self._intermediary(market, employers, geiq=geiq()), market)
            elif already:
                add(rng.choice(already), market)
            elif plain and (not sme or rng.random() < 0.6):
                add(rng.choice(plain), market)
            elif sme and smes() < t.smes:
                add(rng.choice(sme), market)
            elif plain:
                add(rng.choice(plain), market)
            else:
                add(self._intermediary(market, employers, geiq=geiq()), market)
        while smes() < t.smes:
            options = [
                (h, m) for m in markets for h in m.holders if h.is_sme and h.siret not in employers
            ]
            if not options:
                raise GenerationError(f"{t.year}: not enough SME holders for {t.smes} SMEs")
            add(*rng.choice(options))
        open_markets = [m for m in markets if m.group is not Group.RESERVED]
        weights = [market_weight(t, m) ** 0.8 for m in open_markets]
        while len(employers) < t.employers:
            market = rng.choices(open_markets, weights)[0]
            others = [h for h in market.holders if not h.is_sme and h.siret not in employers]
            if others and rng.random() < 0.2:
                add(rng.choice(others), market)
            else:
                add(self._intermediary(market, employers, geiq=geiq()), market)
        if len(employers) != t.employers or smes() != t.smes:
            raise GenerationError(f"{t.year}: {len(employers)} employers, {smes()} SMEs")
        return engaged


def market_weight(t: YearTargets, market: DraftMarket) -> float:
    """The insertion hours a market of this group gets on average in the year."""
    assert market.group is not None
    return t.insertion[market.group] / t.markets[market.group]
