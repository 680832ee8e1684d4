"""What each event does to the cells and counts (examples of the counting rules)."""

from decimal import Decimal

from harness.builders import a_contract, a_market, an_hours_report, pseudonym
from services.clauses.domain import Outcome, Projector, fold
from shared.aggregates import DistinctCount, HoursCell
from shared.events import Event

AS_OF = "2023-06"


def cells(events: list[Event]) -> list[HoursCell]:
    snapshot = fold(events, as_of=AS_OF).snapshot().values()
    return [a for a in snapshot if isinstance(a, HoursCell)]


def count(events: list[Event], counted: str, breakdown: str = "all", value: str = "all") -> int:
    for aggregate in fold(events, as_of=AS_OF).snapshot().values():
        if isinstance(aggregate, DistinctCount) and (
            aggregate.year,
            aggregate.counted,
            aggregate.breakdown,
            aggregate.value,
        ) == (2023, counted, breakdown, value):
            return aggregate.count
    return 0


def line(contract_id: str, person: str, insertion: str, training: str = "0") -> dict[str, object]:
    return {
        "beneficiary": pseudonym(person),
        "contract_id": contract_id,
        "insertion_hours": Decimal(insertion),
        "training_hours": Decimal(training),
    }


def test_reported_hours_land_in_the_cell_of_their_month_market_and_contract() -> None:
    events: list[Event] = [a_market(), a_contract(), an_hours_report()]

    (cell,) = cells(events)

    assert (cell.period, cell.market_id, cell.category, cell.reserved_market) == (
        "2023-06",
        "2023-0042",
        "works",
        False,
    )
    assert (cell.gender, cell.contract_type, cell.employer_siret) == (
        "female",
        "cddi",
        "35600000000048",
    )
    assert (cell.insertion_hours, cell.training_hours) == (Decimal("151.67"), Decimal("7.00"))


def test_a_resubmitted_month_replaces_the_previous_one_and_never_adds_to_it() -> None:
    first = an_hours_report(lines=[line("C-0001", "beneficiary-1", "100")])
    corrected = an_hours_report(version=2, lines=[line("C-0001", "beneficiary-1", "80")])

    (cell,) = cells([a_market(), a_contract(), first, corrected])

    assert cell.insertion_hours == Decimal(80)


def test_the_same_version_again_is_a_duplicate_and_an_older_one_is_stale() -> None:
    projector = Projector()
    projector.apply(an_hours_report(version=2))

    outcomes = [projector.apply(an_hours_report(version=2)), projector.apply(an_hours_report())]

    assert outcomes == [Outcome.DUPLICATE, Outcome.STALE]


def test_hours_reported_before_their_contract_and_market_count_once_they_arrive() -> None:
    projector = Projector()
    projector.apply(an_hours_report())
    projector.drain(AS_OF)
    projector.apply(a_contract())
    before_market = projector.drain(AS_OF)

    projector.apply(a_market())
    after_market = projector.drain(AS_OF)

    assert before_market == []
    assert any(isinstance(c.aggregate, HoursCell) and c.present for c in after_market)


def test_a_person_with_two_contracts_counts_once_as_beneficiary_and_twice_as_contracts() -> None:
    second = a_contract(contract_id="C-0002", contract_type="apprenticeship")
    report = an_hours_report(
        lines=[line("C-0001", "beneficiary-1", "35"), line("C-0002", "beneficiary-1", "12")]
    )
    events: list[Event] = [a_market(), a_contract(), second, report]

    assert count(events, "beneficiaries") == 1
    assert count(events, "contracts") == 2
    assert count(events, "contracts", "contract_type", "alternance") == 1


def test_a_contract_with_hours_in_several_months_of_a_year_counts_once() -> None:
    months = [an_hours_report(period=f"2023-{m:02d}") for m in (1, 2, 3)]

    assert count([a_market(), a_contract(), *months], "contracts") == 1


def test_a_line_without_any_hour_makes_nothing_count() -> None:
    report = an_hours_report(lines=[line("C-0001", "beneficiary-1", "0", "0")])

    assert count([a_market(), a_contract(), report], "contracts") == 0
    assert count([a_market(), a_contract(), report], "markets_with_hours") == 0


def test_training_hours_alone_make_the_contract_count() -> None:
    report = an_hours_report(lines=[line("C-0001", "beneficiary-1", "0", "14")])

    assert count([a_market(), a_contract(), report], "contracts") == 1


def test_an_employer_is_an_sme_when_a_market_it_works_on_flags_it_as_such() -> None:
    sme_market = a_market()  # the builder's holder is flagged is_sme
    other = a_market(market_id="2023-0043", holders=[{"siret": "11111111111111"}])
    reports = [
        an_hours_report(),
        an_hours_report(market_id="2023-0043", employer_siret="11111111111111"),
    ]
    events: list[Event] = [sme_market, other, a_contract(), *reports]

    assert count(events, "employers") == 2
    assert count(events, "employers", "is_sme", "true") == 1
    assert count(events, "employers", "is_sme", "false") == 1


def test_a_correction_that_empties_a_cell_publishes_it_with_zeros() -> None:
    projector = fold([a_market(), a_contract(), an_hours_report()], as_of=AS_OF)

    projector.apply(an_hours_report(version=2, lines=[]))
    changes = [
        (c.present, c.aggregate.insertion_hours)
        for c in projector.drain(AS_OF)
        if isinstance(c.aggregate, HoursCell)
    ]

    assert changes == [(False, Decimal(0))]


def test_a_corrected_contract_moves_its_hours_to_the_cells_of_its_new_values() -> None:
    events: list[Event] = [a_market(), a_contract(), an_hours_report()]

    (cell,) = cells([*events, a_contract(version=2, gender="male")])

    assert cell.gender == "male"
    assert (
        count([*events, a_contract(version=2, gender="male")], "beneficiaries", "gender", "female")
        == 0
    )
