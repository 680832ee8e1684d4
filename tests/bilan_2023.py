"""The 2023 assessment (the seed) as the messages the indicators service reads.

The 2023 counts are those the seed prints; hours are spread over months and cells so that
they add up to its totals. 2020-2022 hold the earlier-year figures the seed quotes (women
11 % in 2020 and 8 % in 2021; 36 722 hours, 2 157 training hours and the contract shares
in 2022); what the seed does not say about those years is synthetic.
"""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from harness.builders import (
    a_clause_status,
    a_distinct_count,
    a_market,
    an_aggregate_change,
    an_hours_cell,
)
from shared.aggregates import AggregateChanged
from shared.events import MarketNotified

# category, reserved, insertion hours, training hours of the year
HOURS: dict[int, tuple[tuple[str, bool, str, str], ...]] = {
    2023: (
        ("works", False, "19314", "1200"),
        ("public_service_delegation", False, "29660", "1000"),
        ("services", False, "8560", "600"),
        ("services", True, "440", "0"),
        ("supplies", False, "6865", "143"),
        ("intellectual_services", False, "4139", "100"),
    ),
    2022: (
        ("works", False, "15000", "1000"),
        ("public_service_delegation", False, "15000", "900"),
        ("services", False, "6722", "257"),
    ),
    2021: (("works", False, "21000", "800"),),
    2020: (("works", False, "17500", "600"),),
}
COUNTS: dict[int, dict[tuple[str, str, str], int]] = {
    2023: {
        ("beneficiaries", "all", "all"): 278,
        ("beneficiaries", "gender", "female"): 44,
        ("beneficiaries", "gender", "male"): 234,
        ("contracts", "all", "all"): 300,
        ("contracts", "contract_type", "cdi"): 66,
        ("contracts", "contract_type", "cdd"): 29,
        ("contracts", "contract_type", "cddi"): 90,
        ("contracts", "contract_type", "interim"): 51,
        ("contracts", "contract_type", "ctti"): 10,
        ("contracts", "contract_type", "apprenticeship"): 40,
        ("contracts", "contract_type", "professionalisation"): 14,
        ("contracts", "contract_type", "alternance"): 54,
        ("markets_with_hours", "all", "all"): 136,
        ("employers", "all", "all"): 225,
        ("employers", "is_sme", "true"): 20,
        ("employers", "is_sme", "false"): 205,
    },
    2022: {
        ("beneficiaries", "all", "all"): 190,
        ("beneficiaries", "gender", "female"): 23,
        ("beneficiaries", "gender", "male"): 167,
        ("contracts", "all", "all"): 200,
        ("contracts", "contract_type", "cdi"): 22,
        ("contracts", "contract_type", "cdd"): 8,
        ("contracts", "contract_type", "cddi"): 100,
        ("contracts", "contract_type", "interim"): 50,
        ("contracts", "contract_type", "apprenticeship"): 15,
        ("contracts", "contract_type", "professionalisation"): 5,
        ("contracts", "contract_type", "alternance"): 20,
        ("markets_with_hours", "all", "all"): 98,
        ("employers", "all", "all"): 160,
        ("employers", "is_sme", "true"): 15,
    },
    2021: {
        ("beneficiaries", "all", "all"): 150,
        ("beneficiaries", "gender", "female"): 12,
        ("beneficiaries", "gender", "male"): 138,
    },
    2020: {
        ("beneficiaries", "all", "all"): 100,
        ("beneficiaries", "gender", "female"): 11,
        ("beneficiaries", "gender", "male"): 89,
    },
}
# category: markets of 20 000 EUR HT, markets of 40 000 EUR HT and more, total value
MARKETS_2023: dict[str, tuple[int, int, Decimal]] = {
    "works": (50, 250, Decimal("107800000")),
    "services": (80, 420, Decimal("267950000")),
    "supplies": (27, 87, Decimal("39600000")),
    "intellectual_services": (10, 90, Decimal("84650000")),
}
SMALL_MARKET = Decimal("20000.00")
SOCIAL_KINDS = (("social_clause", 120), ("social_criterion", 20), ("reserved_market", 9))
ENVIRONMENTAL = range(100, 354)  # 254 of the 847 markets of 40 000 EUR HT and more
IN_TERRITORY = 740  # of the 1 014 markets of 15 000 EUR HT and more
CLAUSES_2023 = (("on_track", 120), ("behind", 12), ("no_report", 8))


def _monthly(total: Decimal) -> list[Decimal]:
    """Twelve monthly amounts, to the cent, that add up to the total."""
    month = (total / 12).quantize(Decimal("0.01"))
    return [month] * 11 + [total - 11 * month]


def hours_changes(year: int) -> Iterator[AggregateChanged]:
    """The year's hours cells, month by month."""
    for index, (category, reserved, hours, training) in enumerate(HOURS.get(year, ())):
        pairs = zip(_monthly(Decimal(hours)), _monthly(Decimal(training)), strict=True)
        for month, (insertion, train) in enumerate(pairs, start=1):
            cell = an_hours_cell(
                period=f"{year}-{month:02d}",
                market_id=f"M{year}-{index:03d}",
                category=category,
                reserved_market=reserved,
                gender="female" if month % 3 == 0 else "male",
                insertion_hours=insertion,
                training_hours=train,
            )
            yield an_aggregate_change(cell)


def count_changes(year: int) -> Iterator[AggregateChanged]:
    """The year's distinct counts."""
    for (counted, breakdown, value), count in COUNTS.get(year, {}).items():
        aggregate = a_distinct_count(
            year=year, counted=counted, breakdown=breakdown, value=value, count=count
        )
        yield an_aggregate_change(aggregate)


def clause_changes() -> Iterator[AggregateChanged]:
    """Where the 2023 clauses stand as of December."""
    index = 0
    for status, how_many in CLAUSES_2023:
        for _ in range(how_many):
            clause = a_clause_status(
                market_id=f"CL-{index:04d}", as_of_period="2023-12", status=status
            )
            yield an_aggregate_change(clause)
            index += 1


def aggregate_changes() -> list[AggregateChanged]:
    """Every aggregate change of 2020-2023."""
    changes: list[AggregateChanged] = []
    for year in sorted(HOURS):
        changes.extend(hours_changes(year))
        changes.extend(count_changes(year))
    changes.extend(clause_changes())
    return changes


def _amounts(small: int, large: int, total: Decimal) -> list[Decimal]:
    rest = total - small * SMALL_MARKET
    each = (rest / large).quantize(Decimal("0.01"))
    return [SMALL_MARKET] * small + [each] * (large - 1) + [rest - (large - 1) * each]


def markets_2023(prefix: str = "B23") -> list[MarketNotified]:
    """The 1 014 markets of 15 000 EUR HT and more notified in 2023."""
    kinds = [kind for kind, how_many in SOCIAL_KINDS for _ in range(how_many)]
    markets: list[MarketNotified] = []
    large = 0
    for category, (small, big, total) in MARKETS_2023.items():
        for amount in _amounts(small, big, total):
            fields: dict[str, Any] = {"social_considerations": []}
            if amount >= 40_000:
                if large < len(kinds):
                    fields["social_considerations"] = [kinds[large]]
                if large in ENVIRONMENTAL:
                    fields["environmental_considerations"] = ["environmental_clause"]
                large += 1
            index = len(markets)
            markets.append(
                a_market(
                    market_id=f"{prefix}-{index:04d}",
                    category=category,
                    amount_ht=amount,
                    notification_date=date(2023, 1 + index % 12, 15),
                    holders=[
                        {
                            "siret": f"{35600000000000 + index:014d}",
                            "is_sme": index % 2 == 0,
                            "in_territory": index < IN_TERRITORY,
                        }
                    ],
                    insertion_commitment=None,
                    **fields,
                )
            )
    return markets
