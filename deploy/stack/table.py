"""`python -m deploy.stack.table --indicators URL [--year 2023]`: the social indicators, short.

Reads `GET /v1/indicators?year=Y&axis=social` and prints the figures of the assessment's
social axis, each share with the counts it comes from.
"""

import argparse
import sys
from collections.abc import Mapping
from typing import Any

import httpx

Page = Mapping[str, Any]
Values = dict[tuple[str, tuple[tuple[str, str], ...]], Mapping[str, Any]]


def values_of(page: Page) -> Values:
    """The page's indicators by id and breakdown."""
    return {
        (item["id"], tuple(sorted((item.get("breakdown") or {}).items()))): item
        for item in page["indicators"]
    }


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    text = f"{value:,.2f}" if value != int(value) else f"{int(value):,}"
    return text.replace(",", " ")


def _share(item: Mapping[str, Any], places: int = 0) -> str:
    if item.get("value") is None:
        return "hidden: too few people" if item.get("suppressed") else "n/a"
    return f"{100 * item['value']:.{places}f} %"


def rows(values: Values) -> list[tuple[str, str]]:
    """Label and figure of each row."""

    def get(indicator: str, **breakdown: str) -> Mapping[str, Any]:
        return values.get((indicator, tuple(sorted(breakdown.items()))), {})

    def count(indicator: str, **breakdown: str) -> str:
        return _number(get(indicator, **breakdown).get("value"))

    def contracts(kind: str) -> str:
        share = get("social.contract_type_share", contract_type=kind)
        return f"{count('social.contracts_by_type', contract_type=kind)} ({_share(share)})"

    return [
        ("insertion hours", count("social.insertion_hours")),
        (
            "beneficiaries: women",
            f"{count('social.beneficiaries_by_gender', gender='female')} of "
            f"{count('social.beneficiaries')} ({_share(get('social.women_share'))})",
        ),
        (
            "work contracts: CDI / CDD / alternance",
            f"{contracts('cdi')} / {contracts('cdd')} / {contracts('alternance')} "
            f"of {count('social.contracts')}",
        ),
        (
            "training hours",
            f"{count('social.training_hours')} "
            f"({_share(get('social.training_hours_share'), 2)} of insertion hours)",
        ),
        ("markets with insertion hours", count("social.markets_with_hours")),
        (
            "markets > 40 000 EUR HT with a social consideration",
            f"{count('social.markets_with_social_consideration')} of "
            f"{count('social.markets_notified_over_40k')} "
            f"({_share(get('social.social_consideration_share'), 1)})",
        ),
        (
            "companies engaged / of which SMEs",
            f"{count('social.companies_engaged')} / {count('social.smes_engaged')}",
        ),
        ("hours in reserved markets", count("social.reserved_market_hours")),
    ]


def table(page: Page) -> str:
    """The rows as aligned plain text under a title."""
    found = rows(values_of(page))
    width = max(len(label) for label, _ in found)
    title = f"Social indicators {page['year']} (GET /v1/indicators?year={page['year']})"
    return "\n".join([title, *(f"  {label.ljust(width)}  {value}" for label, value in found)])


def main(argv: list[str] | None = None) -> int:
    """Fetch and print the table."""
    parser = argparse.ArgumentParser(prog="python -m deploy.stack.table", description=__doc__)
    parser.add_argument("--indicators", required=True, help="the indicators service's base URL")
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args(argv)
    response = httpx.get(
        f"{args.indicators}/v1/indicators", params={"year": args.year, "axis": "social"}, timeout=10
    )
    response.raise_for_status()
    print(table(response.json()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
