"""The records look like what the entry points take: valid SIRETs, two decimal places."""

from decimal import Decimal

from reference_dataset.records import from_wire, kind_of, records, to_wire
from tests.unit.dataset import cached


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        doubled = int(char) * (2 if index % 2 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def test_every_siret_has_14_digits_and_passes_the_luhn_check() -> None:
    dataset = cached.dataset()

    sirets = {h.siret for m in dataset.markets for h in m.holders}
    sirets |= {m.buyer_siret for m in dataset.markets}
    sirets |= {c.employer_siret for c in dataset.contracts}

    assert all(len(s) == 14 and s.isdigit() and luhn(s) for s in sirets)


def test_amounts_and_hours_have_two_decimal_places() -> None:
    dataset = cached.dataset()

    amounts = [m.amount_ht for m in dataset.markets] + [i.amount_ht for i in dataset.invoices]
    hours = [
        h for r in dataset.hours for ln in r.lines for h in (ln.insertion_hours, ln.training_hours)
    ]

    assert all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in amounts + hours)
    assert all(v > 0 for v in amounts)
    assert max(hours) <= 208


def test_every_record_survives_its_wire_form() -> None:
    everything = records(cached.dataset())

    assert [from_wire(kind_of(r), to_wire(r)) for r in everything] == everything


def test_contracts_are_on_a_market_of_the_dataset_and_hours_on_their_contract() -> None:
    dataset = cached.dataset()
    markets = {m.market_id for m in dataset.markets}
    contracts = {c.contract_id: c for c in dataset.contracts}

    assert all(c.market_id in markets for c in dataset.contracts)
    assert all(
        (contracts[ln.contract_id].market_id, contracts[ln.contract_id].employer_siret)
        == (r.market_id, r.employer_siret)
        and r.period >= f"{contracts[ln.contract_id].start_date:%Y-%m}"
        for r in dataset.hours
        for ln in r.lines
    )


def test_no_line_is_empty_and_every_contract_has_insertion_hours_in_each_year_it_counts() -> None:
    dataset = cached.dataset()
    lines = [(r.period[:4], ln) for r in dataset.hours for ln in r.lines]

    with_any = {(year, ln.contract_id) for year, ln in lines}
    with_insertion = {(year, ln.contract_id) for year, ln in lines if ln.insertion_hours > 0}

    assert all(ln.insertion_hours + ln.training_hours > 0 for _, ln in lines)
    assert with_any == with_insertion
    assert any(ln.insertion_hours == 0 for _, ln in lines)  # some training-only months


def test_all_holders_of_a_market_share_their_territory_flag() -> None:
    dataset = cached.dataset()

    assert all(len({h.in_territory for h in m.holders}) == 1 for m in dataset.markets)
