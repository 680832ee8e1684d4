"""Aggregate changes and markets move the HTTP values and the gauges, in memory."""

from decimal import Decimal
from pathlib import Path

import pytest

from harness.builders import a_market, an_aggregate_change, an_hours_cell, beneficiary_counts
from services.indicators.bootstrap import build_service
from services.indicators.domain.assessment.render import CSS
from services.indicators.domain.targets import TargetsError
from services.indicators.settings import IndicatorsSettings
from shared.http_security import source_hash
from tests.component.indicators.conftest import Running, find


async def test_an_aggregate_change_moves_the_share_of_women_on_http_and_in_the_gauge(
    running: Running,
) -> None:
    await running.change(*beneficiary_counts(female=44, male=234))

    women = find(await running.indicators(2023), "social.women_share")
    metrics = await running.metrics()

    assert women["numerator"] == 44
    assert women["denominator"] == 278
    assert women["label"] == "Part des femmes parmi les bénéficiaires"
    assert women["unit"] == "ratio"
    assert women["status"] == "on_track" or women["target"] is not None
    assert (
        f'insertion_indicator_women_share_ratio{{axis="social",year="2023"}} {44 / 278}' in metrics
    )


async def test_a_corrected_count_replaces_the_previous_value(running: Running) -> None:
    await running.change(*beneficiary_counts(female=10, male=90))

    await running.change(*beneficiary_counts(female=20, male=80))

    women = find(await running.indicators(2023), "social.women_share")
    assert (women["numerator"], women["denominator"]) == (20, 100)


async def test_a_cell_of_3_women_is_hidden_on_http_and_absent_from_the_metrics(
    running: Running,
) -> None:
    await running.change(*beneficiary_counts(female=3, male=40))

    values = await running.indicators(2023)
    metrics = await running.metrics()

    women = find(values, "social.beneficiaries_by_gender", gender="female")
    assert women["suppressed"] is True
    assert women["value"] is None
    assert find(values, "social.women_share")["value"] is None
    assert find(values, "social.beneficiaries")["value"] == 43
    assert 'gender="female"' not in metrics
    assert "insertion_indicator_women_share_ratio{" not in metrics


async def test_hours_cells_add_up_by_category_and_a_correction_replaces_a_cell(
    running: Running,
) -> None:
    works = an_hours_cell(insertion_hours=Decimal("100.00"))
    transport = an_hours_cell(
        market_id="DSP-1", category="public_service_delegation", insertion_hours=Decimal("300.00")
    )
    await running.change(an_aggregate_change(works), an_aggregate_change(transport))

    await running.change(an_aggregate_change(an_hours_cell(insertion_hours=Decimal("50.00"))))

    values = await running.indicators(2023)
    share = find(values, "social.hours_category_share", category="works")
    assert find(values, "social.insertion_hours")["value"] == 350
    assert (share["numerator"], share["denominator"]) == (50, 350)


async def test_a_lower_market_version_arriving_late_changes_nothing(running: Running) -> None:
    social = a_market(version=2, amount_ht=Decimal("90000.00"))
    without = a_market(version=1, amount_ht=Decimal("90000.00"), social_considerations=[])

    await running.market(social, without)

    share = find(await running.indicators(2023), "social.social_consideration_share")
    assert (share["numerator"], share["denominator"]) == (1, 1)


async def test_an_invalid_record_is_rejected_alone_and_counted(running: Running) -> None:
    topic = running.service.settings.aggregates_topic

    await running.service.broker.publish(b'{"key": "nonsense"}', topic, key=b"nonsense")
    await running.change(*beneficiary_counts(female=6, male=6))

    health = (await running.client.get("/health")).json()
    assert "not an AggregateChanged" in health["latest_rejected"][-1]
    assert find(await running.indicators(2023), "social.beneficiaries")["value"] == 12
    assert f'insertion_indicators_rejected_records_total{{topic="{topic}"}} 1.0' in (
        await running.metrics()
    )


async def test_a_year_without_data_is_a_404_naming_the_years_with_data(running: Running) -> None:
    await running.change(*beneficiary_counts(female=6, male=6, year=2022))

    missing = await running.client.get("/v1/indicators", params={"year": 2019})
    latest = await running.client.get("/v1/indicators")

    assert missing.status_code == 404
    assert "2022" in missing.json()["detail"]
    assert latest.json()["year"] == 2022


async def test_the_assessment_of_a_year_is_served_as_html_and_as_markdown(
    running: Running,
) -> None:
    await running.change(*beneficiary_counts(female=44, male=234))

    page = await running.client.get("/v1/assessment/2023")
    text = await running.client.get("/v1/assessment/2023", params={"format": "markdown"})
    missing = await running.client.get("/v1/assessment/2019")

    assert page.headers["content-type"].startswith("text/html")
    assert "<svg" in page.text
    assert text.headers["content-type"].startswith("text/markdown")
    assert "15,8\u00a0% de femmes (44 sur 278 bénéficiaires)" in text.text
    assert missing.status_code == 404


async def test_the_assessment_page_allows_its_own_stylesheet_only_and_cannot_be_framed(
    running: Running,
) -> None:
    await running.change(*beneficiary_counts(female=44, male=234))

    page = await running.client.get("/v1/assessment/2023")

    policy = page.headers["content-security-policy"]
    assert f"<style>{CSS}</style>" in page.text
    assert f"style-src {source_hash(CSS)};" in policy
    assert policy.startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in policy
    assert "script-src" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"


def test_a_targets_file_naming_an_unknown_indicator_stops_the_start(tmp_path: Path) -> None:
    targets = tmp_path / "targets.toml"
    targets.write_text(
        'version = 2\n[[targets]]\nindicator = "social.woman_share"\nvalue = 0.2\n'
        'deadline_year = 2028\nlabel = "20 %"\n'
    )
    settings = IndicatorsSettings(kafka_bootstrap_servers="localhost:9092", targets_file=targets)

    with pytest.raises(TargetsError, match=r"targets\[0\]\.indicator: unknown indicator"):
        build_service(settings)
