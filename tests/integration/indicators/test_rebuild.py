"""Rebuild equals live: the indicators recomputed from the log from scratch are the live ones."""

import asyncio
import json
import os
import sys
from pathlib import Path

from harness.builders import a_distinct_count, a_market, an_aggregate_change, an_hours_cell
from services.indicators.adapters.kafka import end_offsets
from services.indicators.bootstrap import build_service, rebuild_all
from shared.aggregates import aggregate_key
from tests import bilan_2023
from tests.integration.indicators.conftest import Producer, Started, eventually

REPO = Path(__file__).resolve().parents[3]


async def publish_history(started: Started, producer: Producer) -> None:
    """The 2023 assessment, then corrections, duplicates, deletions and a bad record."""
    aggregates, markets = started.settings.aggregates_topic, started.settings.markets_topic
    changes = bilan_2023.aggregate_changes()
    await producer.send(aggregates, *changes)
    await producer.send(markets, *bilan_2023.markets_2023())
    corrected = an_hours_cell(market_id="M2023-000", period="2023-01", gender="male")
    await producer.send(aggregates, an_aggregate_change(corrected), *changes[:20])
    await producer.tombstone(aggregates, aggregate_key(a_distinct_count(year=2020, count=1)))
    await producer.send(
        markets, a_market(market_id="B23-0000", version=2, social_considerations=[])
    )
    await producer.send(markets, a_market(market_id="B23-0000", version=1))
    await producer.broker.publish(b"not json", aggregates, key=b"bad")


async def run_command(started: Started, *arguments: str) -> str:
    """Run `python -m services.indicators ...` on the test's topics; its standard output."""
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": started.settings.kafka_bootstrap_servers,
        "INDICATORS_AGGREGATES_TOPIC": started.settings.aggregates_topic,
        "INDICATORS_MARKETS_TOPIC": started.settings.markets_topic,
    }
    command = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "services.indicators", *arguments),
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(command.communicate(), 120)
    assert command.returncode == 0, stderr.decode()
    return stdout.decode()


async def applied_everything(started: Started) -> None:
    """Wait until the live service has applied every record now in both topics."""
    topics = [started.settings.aggregates_topic, started.settings.markets_topic]
    ends = await end_offsets(started.settings.kafka_bootstrap_servers, topics)
    positions = started.service.live.positions

    async def done() -> bool:
        return all(positions.get(tp, 0) >= end for tp, end in ends.items())

    await eventually(done, what="the live service to apply every record")


async def test_rebuilding_from_the_log_gives_exactly_the_live_indicators(
    started: Started, producer: Producer
) -> None:
    await publish_history(started, producer)
    await applied_everything(started)

    rebuilt, stats = await rebuild_all(started.settings)

    live = started.service.live.by_year()
    assert rebuilt.by_year() == live
    assert stats.records == sum(started.service.live.positions.values())
    assert sorted(live) == [2020, 2021, 2022, 2023]
    hours = next(v for v in live[2023] if v.id == "social.insertion_hours")
    assert hours.value == 67_520.17  # 68 978 - 1 609.50 + 151.67: a January cell was corrected


async def test_the_rebuild_command_writes_what_the_http_api_serves(
    started: Started, producer: Producer, tmp_path: Path
) -> None:
    await publish_history(started, producer)
    await applied_everything(started)
    out = tmp_path / "rebuilt.json"

    stdout = await run_command(started, "rebuild", "--out", str(out))

    assert "1 rejected record(s)" in stdout
    written = json.loads(out.read_text(encoding="utf-8"))
    for year in (2020, 2021, 2022, 2023):
        served = await started.values(year)
        assert written[str(year)] == [v for v in served if v["id"] != "governance.data_age_seconds"]


async def test_a_restarted_service_rebuilds_its_state_from_the_log_and_says_when_caught_up(
    started: Started, producer: Producer
) -> None:
    await publish_history(started, producer)
    await applied_everything(started)
    restarted = build_service(started.settings)

    await restarted.start()
    try:

        async def caught_up() -> bool:
            return restarted.live.caught_up

        await eventually(caught_up, what="the restarted service to catch up")
        assert restarted.live.ends  # it knew where the log ended when it started
        assert restarted.live.by_year() == started.service.live.by_year()
    finally:
        await restarted.stop()


async def test_the_report_command_writes_the_assessment_the_live_service_would_write(
    started: Started, producer: Producer, tmp_path: Path
) -> None:
    await publish_history(started, producer)
    await applied_everything(started)

    stdout = await run_command(started, "report", "--year", "2023", "--out", str(tmp_path))

    written = (tmp_path / "bilan-2023-axe-social.md").read_text(encoding="utf-8")
    page = (tmp_path / "bilan-2023-axe-social.html").read_text(encoding="utf-8")
    served, _ = started.service.live.assessment(2023)
    assert "bilan-2023-axe-social.html" in stdout
    assert without_generation_time(written) == without_generation_time(served)
    assert page.startswith("<!DOCTYPE html>")
    assert "heures d'insertion ont été réalisées contre" in written


def without_generation_time(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "section générée le" not in line)
