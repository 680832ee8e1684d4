"""The table `make up` prints, from a `/v1/indicators` page."""

from typing import Any

from deploy.stack.table import table


def an_item(indicator: str, value: float | None, **extra: Any) -> dict[str, Any]:
    return {"id": indicator, "value": value, "breakdown": {}, "suppressed": False, **extra}


def a_page(*items: dict[str, Any]) -> dict[str, Any]:
    return {"year": 2023, "indicators": list(items)}


def test_each_share_is_shown_with_the_counts_it_comes_from() -> None:
    page = a_page(
        an_item("social.insertion_hours", 68978.0),
        an_item("social.beneficiaries", 278.0),
        an_item("social.beneficiaries_by_gender", 44.0, breakdown={"gender": "female"}),
        an_item("social.women_share", 44 / 278),
        an_item("social.training_hours", 3043.0),
        an_item("social.training_hours_share", 3043 / 68978),
        an_item("social.markets_notified_over_40k", 847.0),
        an_item("social.markets_with_social_consideration", 149.0),
        an_item("social.social_consideration_share", 149 / 847),
    )

    printed = table(page)

    assert printed.splitlines()[0] == "Social indicators 2023 (GET /v1/indicators?year=2023)"
    assert "insertion hours" in printed
    assert "68 978" in printed
    assert "44 of 278 (16 %)" in printed
    assert "3 043 (4.41 % of insertion hours)" in printed
    assert "149 of 847 (17.6 %)" in printed


def test_a_hidden_cell_says_so_and_a_missing_one_is_not_invented() -> None:
    page = a_page(an_item("social.women_share", None, suppressed=True))

    printed = table(page)

    assert "n/a of n/a (hidden: too few people)" in printed
    assert "insertion hours" in printed
    assert "n/a" in printed.splitlines()[1]
