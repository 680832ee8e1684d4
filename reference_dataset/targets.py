"""What each year must add up to: the assessment's figures (2022, 2023) and plausible others.

Insertion and training hours are split by hours group. A group is a market category as the
assessment reports it, with reserved markets apart so that their hours come out exact:
`reserved` markets are `services` markets whose social considerations include
`reserved_market`. In 2023 the split is 28/43/23/6 % on insertion hours AND on insertion plus
training hours (training has no hours on reserved markets):

    works 19 313 + 852, DSP 29 661 + 1 308, services and supplies 15 425 + 440 (reserved)
    + 700, intellectual services 4 139 + 183: 68 978 insertion and 3 043 training hours.
"""

from dataclasses import dataclass
from enum import StrEnum

from shared.codes import MarketCategory

YEARS = (2020, 2021, 2022, 2023)


class Group(StrEnum):
    """Where a market's hours are reported."""

    WORKS = "works"
    DSP = "public_service_delegation"
    SERVICES_SUPPLIES = "services_and_supplies"
    RESERVED = "reserved"
    INTELLECTUAL = "intellectual_services"


@dataclass(frozen=True, slots=True)
class YearTargets:
    """The social axis of one year (counts are of things with hours in that year)."""

    year: int
    insertion: dict[Group, int]
    training: dict[Group, int]
    markets: dict[Group, int]
    contracts: int
    cdi: int
    cdd: int
    alternance: int
    persons: int
    women: int
    employers: int
    smes: int


@dataclass(frozen=True, slots=True)
class NoticeTargets:
    """The markets notified in one year (without concessions, which are notified apart).

    `shares` are of the value of the markets above 15 000 EUR HT, in hundredths of a percent;
    the markets of at most 15 000 EUR HT share `small_value_cents` in the same proportions,
    so that the split is the same whether they are counted or not.
    """

    above_40k: dict[MarketCategory, int]
    from_15k_to_40k: dict[MarketCategory, int]
    small: dict[MarketCategory, int]
    social_above_40k: int
    in_territory_above_15k: int
    value_above_15k_cents: int
    shares: dict[MarketCategory, int]
    small_value_cents: int
    environmental_rate: float


def _groups(works: int, dsp: int, services: int, reserved: int, studies: int) -> dict[Group, int]:
    return {
        Group.WORKS: works,
        Group.DSP: dsp,
        Group.SERVICES_SUPPLIES: services,
        Group.RESERVED: reserved,
        Group.INTELLECTUAL: studies,
    }


def _categories(
    supplies: int, services: int, works: int, studies: int
) -> dict[MarketCategory, int]:
    return {
        MarketCategory.SUPPLIES: supplies,
        MarketCategory.SERVICES: services,
        MarketCategory.WORKS: works,
        MarketCategory.INTELLECTUAL_SERVICES: studies,
    }


SOCIAL: dict[int, YearTargets] = {
    2020: YearTargets(
        2020, _groups(7539, 6547, 4413, 150, 1191), _groups(344, 299, 208, 0, 54),
        _groups(26, 3, 21, 1, 7), contracts=112, cdi=10, cdd=8, alternance=9,
        persons=104, women=11, employers=84, smes=8,
    ),
    2021: YearTargets(
        2021, _groups(9869, 9595, 6096, 210, 1645), _groups(533, 518, 340, 0, 89),
        _groups(35, 5, 28, 2, 10), contracts=150, cdi=14, cdd=9, alternance=12,
        persons=140, women=11, employers=112, smes=11,
    ),
    2022: YearTargets(
        2022, _groups(12485, 13587, 8136, 310, 2204), _groups(733, 798, 496, 0, 130),
        _groups(46, 5, 37, 2, 14), contracts=200, cdi=22, cdd=8, alternance=20,
        persons=186, women=22, employers=150, smes=14,
    ),
    2023: YearTargets(
        2023, _groups(19313, 29661, 15425, 440, 4139), _groups(852, 1308, 700, 0, 183),
        _groups(60, 5, 49, 2, 20), contracts=300, cdi=66, cdd=29, alternance=54,
        persons=278, women=44, employers=225, smes=20,
    ),
}  # fmt: skip

NOTICES: dict[int, NoticeTargets] = {
    2020: NoticeTargets(
        _categories(160, 310, 150, 90), _categories(50, 55, 25, 15), _categories(1, 4, 2, 1),
        social_above_40k=95, in_territory_above_15k=590, value_above_15k_cents=410_000_000_00,
        shares=_categories(950, 4980, 2480, 1590), small_value_cents=80_000_00,
        environmental_rate=0.15,
    ),
    2021: NoticeTargets(
        _categories(170, 330, 160, 95), _categories(50, 60, 25, 15), _categories(1, 4, 2, 1),
        social_above_40k=110, in_territory_above_15k=634, value_above_15k_cents=430_000_000_00,
        shares=_categories(910, 5050, 2420, 1620), small_value_cents=80_000_00,
        environmental_rate=0.19,
    ),
    2022: NoticeTargets(
        _categories(180, 350, 170, 100), _categories(55, 60, 25, 16), _categories(1, 4, 2, 1),
        social_above_40k=131, in_territory_above_15k=684, value_above_15k_cents=455_000_000_00,
        shares=_categories(840, 5210, 2330, 1620), small_value_cents=90_000_00,
        environmental_rate=0.23,
    ),
    2023: NoticeTargets(
        _categories(190, 365, 185, 107), _categories(60, 65, 25, 17), _categories(1, 5, 2, 2),
        social_above_40k=149, in_territory_above_15k=740, value_above_15k_cents=480_000_000_00,
        shares=_categories(792, 5359, 2156, 1693), small_value_cents=120_000_00,
        environmental_rate=0.27,
    ),
}  # fmt: skip
