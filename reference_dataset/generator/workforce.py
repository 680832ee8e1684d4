"""One year of the workforce: contracts carried over, employers, new contracts, people, hours."""

import random

from reference_dataset.generator.companies import Registry
from reference_dataset.generator.drafts import DraftContract, DraftMarket
from reference_dataset.generator.engage import Engagement, Engagements, is_counted_sme
from reference_dataset.generator.families import bucket_of, concrete_type, contract_families
from reference_dataset.generator.families import modality_of as modality_for
from reference_dataset.generator.hours import Quarters, mark_training_months, share_hours
from reference_dataset.generator.people import People, widen
from reference_dataset.targets import Group, YearTargets
from shared.codes import ContractType, EligiblePublic

CARRY = 0.7  # chance that a contract running in December still has hours in January
PLANNED_MONTHS = {
    ContractType.CDI: (6, 24),
    ContractType.CDD: (1, 8),
    ContractType.APPRENTICESHIP: (6, 24),
    ContractType.PROFESSIONALISATION: (6, 18),
    ContractType.CDDI: (4, 24),
    ContractType.CTTI: (1, 8),
    ContractType.INTERIM: (1, 4),
    ContractType.OTHER: (1, 6),
}


class Workforce:
    """Builds the contracts and hours of each year in turn."""

    def __init__(self, rng: random.Random, registry: Registry) -> None:
        self._rng = rng
        self._engagements = Engagements(rng, registry)
        self.people = People(rng)

    def _carry(
        self, t: YearTargets, markets: list[DraftMarket], previous: list[DraftContract]
    ) -> list[DraftContract]:
        rng = self._rng
        running = {id(m) for m in markets}
        room = {"cdi": t.cdi // 2, "cdd": t.cdd // 2, "alternance": t.alternance // 2}
        room["rest"] = (t.contracts - t.cdi - t.cdd - t.alternance) // 3
        smes: set[str] = set()
        carried: list[DraftContract] = []
        for contract in rng.sample(previous, len(previous)):
            in_december = 12 in contract.months.get(t.year - 1, [])
            goes_on = contract.planned_months > contract.months_so_far()
            bucket = bucket_of(contract.contract_type)
            sme = is_counted_sme(contract.employer) and contract.employer.siret not in smes
            if not (in_december and goes_on and id(contract.market) in running):
                continue
            if room[bucket] == 0 or len(carried) >= t.contracts // 5 or rng.random() > CARRY:
                continue
            if sme and len(smes) >= t.smes // 2:
                continue
            if sme:
                smes.add(contract.employer.siret)
            room[bucket] -= 1
            carried.append(contract)
        return carried

    def _contract(
        self, year: int, number: int, engagement: Engagement, bucket: str
    ) -> DraftContract:
        rng = self._rng
        employer, market = engagement
        contract_type = concrete_type(rng, bucket, employer.kind)
        low, high = PLANNED_MONTHS[contract_type]
        return DraftContract(
            contract_id=f"CT-{year}-{number:04d}",
            employer=employer,
            market=market,
            contract_type=contract_type,
            modality=modality_for(rng, employer.kind, contract_type),
            planned_months=rng.randint(low, high),
        )

    def _public(self, contract: DraftContract) -> EligiblePublic:
        assert contract.person is not None
        draw = self._rng.random()
        if contract.is_alternance and draw < 0.7:
            return EligiblePublic.YOUTH_UNDER_26
        if contract.contract_type is ContractType.CDDI and draw < 0.3:
            return EligiblePublic.SIAE_EMPLOYEE
        if contract.market.group is Group.RESERVED and draw < 0.6:
            return EligiblePublic.RQTH
        return contract.person.public

    def year(
        self, t: YearTargets, markets: list[DraftMarket], previous: list[DraftContract]
    ) -> tuple[list[DraftContract], Quarters]:
        """The contracts with hours in the year and the quarter hours of each of their lines."""
        carried = self._carry(t, markets, previous)
        engaged = self._engagements.for_year(t, markets, carried)
        families = contract_families(self._rng, t, engaged, carried)
        fresh = [
            self._contract(t.year, number, engagement, bucket)
            for number, (engagement, bucket) in enumerate(families, start=1)
        ]
        self.people.staff(t, carried, fresh)
        for contract in fresh:
            contract.public = self._public(contract)
        contracts = carried + fresh
        widen(self._rng, t, contracts)
        mark_training_months(self._rng, t.year, contracts)
        return contracts, share_hours(self._rng, t, contracts)
