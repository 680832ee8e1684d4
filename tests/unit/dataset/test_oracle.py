"""The oracle on a tiny hand-made region: every figure computed by hand, edge cases included.

- person P1 signs two contracts (one person, two contracts);
- a line with no hours at all counts nothing (contract C7, its employer);
- a market with training hours only is not a market "with hours" (M-STUDY);
- a company is an SME employer only as an SME holder of a market it has hours on;
- 40 000.00 is not above 40 000 and 15 000.00 not above 15 000;
- a report with no line is a report (the clause of M-DSP is behind, not without report).
"""

from datetime import date
from decimal import Decimal

from reference_dataset.oracle import clause_statuses, year_figures
from reference_dataset.records import (
    Dataset,
    HoursLine,
    Invoice,
    Market,
    MonthlyHours,
    WorkContract,
)
from shared.codes import (
    ContractType,
    EligiblePublic,
    EnvironmentalConsideration,
    Gender,
    MarketCategory,
    Modality,
    SocialConsideration,
)
from shared.events import Holder, InsertionCommitment

SME_HOLDER, BIG_HOLDER, ESAT = "11111111111111", "22222222222222", "33333333333333"
ETTI, IDLE_ETTI, SME_ELSEWHERE = "44444444444444", "66666666666666", "55555555555555"
D = Decimal


def market(
    market_id: str, category: MarketCategory, notified: date, amount: str, **kw: object
) -> Market:
    fields: dict[str, object] = {
        "duration_months": 24,
        "holders": (
            Holder(siret=SME_HOLDER, name="Bâtiment Loire SAS", is_sme=True, in_territory=True),
        ),
        "social_considerations": (),
        "environmental_considerations": (),
        "insertion_commitment": None,
        **kw,
    }
    return Market(
        market_id, "23440003400026", "Région", "Titre", category, "45214220", D(amount), notified,
        **fields,  # type: ignore[arg-type]
    )  # fmt: skip


CONTRACTS = (  # id, person, gender, type, employer, market, start
    ("C1", "P1", "male", "cdi", SME_HOLDER, "M-WORKS", date(2023, 4, 3)),
    ("C2", "P1", "male", "cdd", SME_HOLDER, "M-WORKS", date(2023, 9, 1)),
    ("C3", "P2", "female", "apprenticeship", ETTI, "M-DSP", date(2022, 9, 1)),
    ("C4", "P3", "male", "cddi", ESAT, "M-RESERVED", date(2023, 6, 1)),
    ("C5", "P4", "female", "cdi", BIG_HOLDER, "M-DSP", date(2022, 1, 10)),
    ("C6", "P5", "female", "professionalisation", BIG_HOLDER, "M-STUDY", date(2023, 2, 1)),
    ("C7", "P6", "male", "interim", IDLE_ETTI, "M-WORKS", date(2023, 11, 1)),
    ("C8", "P7", "male", "other", SME_ELSEWHERE, "M-WORKS", date(2023, 10, 2)),
)


def contract(
    cid: str, person: str, gender: str, kind: str, employer: str, market_id: str, start: date
) -> WorkContract:
    return WorkContract(
        cid, person, Gender(gender), ContractType(kind), EligiblePublic.RSA,
        Modality.DIRECT_HIRE, employer, market_id, start, None,
    )  # fmt: skip


def report(
    market_id: str, employer: str, period: str, *lines: tuple[str, str, str, str]
) -> MonthlyHours:
    return MonthlyHours(
        market_id, employer, period, tuple(HoursLine(p, c, D(i), D(t)) for p, c, i, t in lines)
    )


def hand_made_region() -> Dataset:
    big = (Holder(siret=BIG_HOLDER, name="Transports Océan SA", is_sme=False, in_territory=False),)
    markets = (
        market(
            "M-WORKS", MarketCategory.WORKS, date(2023, 3, 1), "50000.00",
            social_considerations=(SocialConsideration.SOCIAL_CLAUSE,),
            insertion_commitment=InsertionCommitment(
                hours_per_10k_eur_ht=D(10), min_hours_per_year=D(150)
            ),
        ),
        market(
            "M-DSP", MarketCategory.PUBLIC_SERVICE_DELEGATION, date(2021, 1, 15), "1000000.00",
            duration_months=84, holders=big,
            social_considerations=(SocialConsideration.SOCIAL_CLAUSE,),
            insertion_commitment=InsertionCommitment(fixed_total_hours=D(1000)),
        ),
        market(
            "M-RESERVED", MarketCategory.SERVICES, date(2023, 5, 10), "40000.00",
            duration_months=12,
            holders=(Holder(siret=ESAT, name="ESAT Anjou", is_sme=True, in_territory=False),),
            social_considerations=(SocialConsideration.RESERVED_MARKET,),
            environmental_considerations=(EnvironmentalConsideration.ENVIRONMENTAL_CLAUSE,),
            insertion_commitment=InsertionCommitment(fixed_total_hours=D(100)),
        ),
        market(
            "M-SUPPLIES", MarketCategory.SUPPLIES, date(2023, 6, 1), "15000.00",
            holders=(
                Holder(
                    siret=SME_ELSEWHERE, name="Matériel Retz SARL", is_sme=True, in_territory=True
                ),
            ),
        ),
        market(
            "M-STUDY", MarketCategory.INTELLECTUAL_SERVICES, date(2022, 2, 1), "20000.00",
            holders=big, social_considerations=(SocialConsideration.SOCIAL_CRITERION,),
        ),
    )  # fmt: skip
    contracts = tuple(contract(*row) for row in CONTRACTS)
    hours = (
        report("M-DSP", BIG_HOLDER, "2022-03", ("P4", "C5", "151.67", "0")),
        report("M-DSP", ETTI, "2022-12", ("P2", "C3", "80", "5")),
        report("M-DSP", ETTI, "2023-01", ("P2", "C3", "120.25", "10")),
        report("M-STUDY", BIG_HOLDER, "2023-03", ("P5", "C6", "0", "14")),
        report("M-WORKS", SME_HOLDER, "2023-04", ("P1", "C1", "100", "0")),
        report("M-RESERVED", ESAT, "2023-06", ("P3", "C4", "60", "0")),
        report("M-WORKS", SME_HOLDER, "2023-09", ("P1", "C2", "50.50", "4.50")),
        report("M-WORKS", SME_ELSEWHERE, "2023-10", ("P7", "C8", "10", "0")),
        report("M-WORKS", IDLE_ETTI, "2023-11", ("P6", "C7", "0", "0")),
        report("M-WORKS", SME_HOLDER, "2023-12", ("P1", "C2", "20", "0")),
        report("M-DSP", BIG_HOLDER, "2023-12"),
    )
    invoices = (
        Invoice("M-WORKS", SME_HOLDER, "2023-04", D("80000.00")),
        Invoice("M-WORKS", SME_HOLDER, "2023-09", D("40000.00")),
    )
    return Dataset(seed=0, markets=markets, invoices=invoices, contracts=contracts, hours=hours)


def test_hours_are_summed_by_year_category_and_reserved_market() -> None:
    f = year_figures(hand_made_region(), 2023)

    assert (f.insertion_hours, f.training_hours, f.reserved_market_hours) == (
        D("360.75"),
        D("28.50"),
        D(60),
    )
    assert f.hours_by_category == {
        "intellectual_services": D(0),
        "public_service_delegation": D("120.25"),
        "services_and_supplies": D(60),
        "works": D("180.50"),
    }
    assert f.training_by_category["intellectual_services"] == D(14)


def test_contracts_and_people_count_once_when_they_have_hours_in_the_year() -> None:
    f = year_figures(hand_made_region(), 2023)

    assert f.contracts == 6
    assert f.contracts_by_type == {
        "apprenticeship": 1,
        "cdd": 1,
        "cddi": 1,
        "cdi": 1,
        "other": 1,
        "professionalisation": 1,
    }
    assert (f.cdi, f.cdd, f.alternance) == (1, 1, 2)
    assert (f.beneficiaries, f.beneficiaries_by_gender) == (5, {"female": 2, "male": 3})


def test_markets_need_insertion_hours_and_smes_must_hold_a_market_they_work_on() -> None:
    f = year_figures(hand_made_region(), 2023)

    assert f.markets_with_hours == 3
    assert (f.employers, f.sme_employers) == (5, 2)


def test_notices_count_strictly_above_the_thresholds() -> None:
    f = year_figures(hand_made_region(), 2023)

    assert (f.notified_above_40k, f.notified_above_40k_social) == (1, 1)
    assert f.notified_above_40k_environmental == 0
    assert (f.notified_above_15k, f.notified_above_15k_in_territory) == (2, 1)
    assert f.value_above_15k == {"services": D("40000.00"), "works": D("50000.00")}


def test_a_contract_spanning_two_years_counts_in_each() -> None:
    f = year_figures(hand_made_region(), 2022)

    assert (f.insertion_hours, f.training_hours) == (D("231.67"), D(5))
    assert (f.contracts, f.beneficiaries, f.beneficiaries_by_gender) == (2, 2, {"female": 2})
    assert (f.markets_with_hours, f.employers, f.sme_employers) == (1, 2, 0)
    assert (f.notified_above_40k, f.notified_above_15k, f.notified_above_15k_in_territory) == (
        0,
        1,
        0,
    )


def test_clause_status_follows_the_hours_owed_to_date() -> None:
    region = hand_made_region()

    in_2023 = clause_statuses(region, "2023-12")
    in_2022 = clause_statuses(region, "2022-12")

    assert in_2023 == {"on_track": 1, "behind": 1, "no_report": 1}
    assert in_2022 == {"on_track": 0, "behind": 1, "no_report": 0}
