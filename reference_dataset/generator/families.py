"""The contract family of each new contract: CDI, CDD, alternance or the rest (exact counts).

Each employer kind signs some families only (a GEIQ alternance, an ETTI CTTI or interim,
an SIAE CDDI...). Every engagement first gets one contract of a family it signs, the most
constrained first; the rest go to the market furthest below its share of the year's hours.
"""

import random

from reference_dataset.generator.companies import CompanyKind
from reference_dataset.generator.drafts import DraftContract
from reference_dataset.generator.engage import Engagement, GenerationError, market_weight
from reference_dataset.targets import YearTargets
from shared.codes import ContractType, Modality

CONTRACT_TYPE_BUCKETS = ("cdi", "cdd", "alternance", "rest")
COMPATIBLE: dict[CompanyKind, tuple[str, ...]] = {
    CompanyKind.HOLDER: CONTRACT_TYPE_BUCKETS,
    CompanyKind.SUBCONTRACTOR: CONTRACT_TYPE_BUCKETS,
    CompanyKind.SIAE_HOLDER: ("cdi", "cdd", "rest"),
    CompanyKind.ETTI: ("rest",),
    CompanyKind.GEIQ: ("alternance",),
    CompanyKind.AI: ("rest",),
    CompanyKind.EI: ("rest",),
}


def bucket_of(contract_type: ContractType) -> str:
    """Which of the assessment's contract families a type belongs to."""
    return {
        ContractType.CDI: "cdi",
        ContractType.CDD: "cdd",
        ContractType.APPRENTICESHIP: "alternance",
        ContractType.PROFESSIONALISATION: "alternance",
    }.get(contract_type, "rest")


def concrete_type(rng: random.Random, bucket: str, kind: CompanyKind) -> ContractType:
    """A contract type of the family that this kind of employer signs."""
    if bucket in ("cdi", "cdd"):
        return ContractType(bucket)
    if bucket == "alternance":
        apprenticeship = rng.random() < (0.2 if kind is CompanyKind.GEIQ else 0.6)
        return ContractType.APPRENTICESHIP if apprenticeship else ContractType.PROFESSIONALISATION
    if kind is CompanyKind.ETTI:
        return ContractType.CTTI if rng.random() < 0.7 else ContractType.INTERIM
    if kind in (CompanyKind.AI, CompanyKind.EI, CompanyKind.SIAE_HOLDER):
        return ContractType.CDDI
    return ContractType.OTHER


def modality_of(rng: random.Random, kind: CompanyKind, contract_type: ContractType) -> Modality:
    """How the holder meets its clause through this employer."""
    match kind:
        case CompanyKind.ETTI:
            return Modality.TEMPORARY_INSERTION
        case CompanyKind.GEIQ | CompanyKind.AI:
            return Modality.STAFF_PROVISION
        case CompanyKind.EI:
            return Modality.SIAE_SUBCONTRACTING
        case CompanyKind.HOLDER | CompanyKind.SUBCONTRACTOR if (
            contract_type
            in (
                ContractType.APPRENTICESHIP,
                ContractType.PROFESSIONALISATION,
                ContractType.OTHER,
            )
            and rng.random() < 0.08
        ):
            return Modality.TRAINING
        case _:
            return Modality.DIRECT_HIRE


def contract_families(
    rng: random.Random, t: YearTargets, engaged: list[Engagement], carried: list[DraftContract]
) -> list[tuple[Engagement, str]]:
    """The family of each new contract: one per engagement first, the rest by weight."""
    quota = {"cdi": t.cdi, "cdd": t.cdd, "alternance": t.alternance}
    quota["rest"] = t.contracts - sum(quota.values())
    for contract in carried:
        quota[bucket_of(contract.contract_type)] -= 1
    covered = {(c.employer.siret, id(c.market)) for c in carried}
    todo = [e for e in engaged if (e[0].siret, id(e[1])) not in covered]
    todo.sort(key=lambda e: (len(COMPATIBLE[e[0].kind]), rng.random()))
    chosen: list[tuple[Engagement, str]] = []
    for engagement in todo:
        options = [b for b in COMPATIBLE[engagement[0].kind] if quota[b] > 0]
        if not options:
            raise GenerationError(f"{t.year}: no contract left for {engagement[0].kind}")
        bucket = rng.choices(options, [quota[b] for b in options])[0]
        quota[bucket] -= 1
        chosen.append((engagement, bucket))
    if any(left < 0 for left in quota.values()):
        raise GenerationError(f"{t.year}: contract families overdrawn {quota}")
    count: dict[int, int] = {id(m): 0 for _, m in engaged}
    for contract in carried:
        count[id(contract.market)] += 1
    for (_, market), _ in chosen:
        count[id(market)] += 1
    weight = {id(m): market_weight(t, m) for _, m in engaged}
    whole = sum(weight.values())
    units = [b for b in CONTRACT_TYPE_BUCKETS for _ in range(quota[b])]
    rng.shuffle(units)
    for done, bucket in enumerate(units, start=sum(count.values()) + 1):
        candidates = [e for e in engaged if bucket in COMPATIBLE[e[0].kind]]
        # the market furthest below its share of the contracts (its share of the hours)
        deficit = {
            id(m): weight[id(m)] / whole * done - count[id(m)] + rng.random() * 0.01
            for _, m in candidates
        }
        market_key = max(deficit, key=lambda key: deficit[key])
        pick = rng.choice([e for e in candidates if id(e[1]) == market_key])
        count[market_key] += 1
        chosen.append((pick, bucket))
    return chosen
