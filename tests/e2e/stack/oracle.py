"""The oracle's figures (figures.json) and the same figures read from the indicators."""

from decimal import Decimal
from typing import Any

from tests.e2e.stack.reading import Indicators


def from_oracle(f: dict[str, Any], hidden: set[str]) -> dict[str, object]:
    """The oracle's figures, named as below (contract types the indicators hide left out)."""
    types = {k: v for k, v in f["contracts_by_type"].items() if v and k not in hidden}
    return {
        "hours": [Decimal(f[k]) for k in ("insertion_hours", "training_hours")],
        "reserved": Decimal(f["reserved_market_hours"]),
        "by_category": {k: Decimal(v) for k, v in f["hours_by_category"].items() if Decimal(v)},
        "people": [f["beneficiaries"], dict(f["beneficiaries_by_gender"])],
        "contracts": [f["contracts"], types],
        "engaged": [f["markets_with_hours"], f["employers"], f["sme_employers"]],
        "over_40k": [f[f"notified_above_40k{s}"] for s in ("", "_social", "_environmental")],
        "over_15k": [f["notified_above_15k"], f["notified_above_15k_in_territory"]],
        "value": {k: Decimal(v) for k, v in f["value_above_15k"].items() if Decimal(v)},
    }


def from_indicators(y: Indicators, f: dict[str, Any], hidden: set[str]) -> dict[str, object]:
    """The same figures, read from the indicators (the oracle only names the keys)."""
    category = "social.hours_by_category"
    by_category = {
        k: y.amount(category, category=k)
        for k in ("works", "public_service_delegation", "intellectual_services")
    }
    by_category["services_and_supplies"] = y.amount(category, category="services") + y.amount(
        category, category="supplies"
    )
    values = {
        k: y.terms("economic.category_value_share", category=k)[0].quantize(Decimal("0.01"))
        for k in f["value_above_15k"]
    }
    return {
        "hours": [y.amount("social.insertion_hours"), y.amount("social.training_hours")],
        "reserved": y.amount("social.reserved_market_hours"),
        "by_category": {k: v for k, v in by_category.items() if v},
        "people": [
            y.count("social.beneficiaries"),
            {g: y.count("social.beneficiaries_by_gender", gender=g) for g in ("female", "male")},
        ],
        "contracts": [
            y.count("social.contracts"),
            {
                k: n
                for k in f["contracts_by_type"]
                if k not in hidden and (n := y.count("social.contracts_by_type", contract_type=k))
            },
        ],
        "engaged": [
            y.count("social.markets_with_hours"),
            y.count("social.companies_engaged"),
            y.count("social.smes_engaged"),
        ],
        "over_40k": [
            y.count("social.markets_notified_over_40k"),
            y.count("social.markets_with_social_consideration"),
            y.count("environmental.markets_with_environmental_consideration"),
        ],
        "over_15k": [
            y.count("economic.markets_notified_over_15k"),
            int(y.terms("economic.territory_share")[0]),
        ],
        "value": {k: v for k, v in values.items() if v},
    }
