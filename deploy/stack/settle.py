"""Waits until the pipeline has caught up with everything ingest published.

Read from the outside, like an operator would: the topics' end offsets from Kafka, and the
services' own counters from their /metrics. Clauses has caught up when it has counted (as
applied or ignored) as many events as the four event topics hold and sees no lag; the
indicators when they have applied as many records as the aggregates and markets topics
hold. Topics are fresh (nothing deleted), so counts and offsets compare.
"""

import argparse
import asyncio
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client.parser import text_string_to_metric_families

from shared.topics import CLAUSE_AGGREGATES, INVOICES, MARKETS, MONTHLY_HOURS, WORK_CONTRACTS

EVENT_TOPICS = (MARKETS.name, INVOICES.name, WORK_CONTRACTS.name, MONTHLY_HOURS.name)
POLL = 0.25


@dataclass(frozen=True, slots=True)
class Pipeline:
    """Where the broker and the two downstream services are."""

    kafka: str
    clauses: str
    indicators: str


async def end_offsets(bootstrap: str, topics: Iterable[str]) -> dict[str, int]:
    """How many records each topic holds (the sum of its partitions' end offsets)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    tps = [
        TopicPartition(item["topic"], p["partition"])
        for item in described
        for p in item["partitions"]
    ]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    totals = dict.fromkeys(topics, 0)
    for tp, end in ends.items():
        totals[tp.topic] += end
    return totals


async def samples(client: httpx.AsyncClient, url: str) -> list[tuple[str, dict[str, str], float]]:
    """Every sample a service's /metrics exposes: name, labels, value."""
    response = await client.get(f"{url}/metrics")
    response.raise_for_status()
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    ]


async def clauses_done(client: httpx.AsyncClient, url: str, events: int) -> bool:
    """Clauses counted every event once and sees no lag on any partition."""
    counted, lagging = 0.0, False
    for name, labels, value in await samples(client, url):
        ignored = name == "clauses_events_ignored_total"
        if name == "clauses_events_applied_total" or (
            ignored and labels["reason"] != "already_consumed"
        ):
            counted += value
        elif name == "clauses_consumer_lag_messages" and value > 0:
            lagging = True
    return counted >= events and not lagging


async def indicators_applied(client: httpx.AsyncClient, url: str) -> dict[str, float]:
    """Records the indicators applied or rejected, by topic."""
    read: dict[str, float] = {}
    for name, labels, value in await samples(client, url):
        if name in (
            "insertion_indicators_applied_records_total",
            "insertion_indicators_rejected_records_total",
        ):
            read[labels["topic"]] = read.get(labels["topic"], 0) + value
    return read


async def settle(where: Pipeline, *, within: float = 600, quiet: float = 30) -> float:
    """Wait until clauses and the indicators have applied everything; the seconds it took.

    Should a topic ever hold fewer records than its offsets say (compaction), the
    indicators count as caught up once their counters have not moved for `quiet` seconds.
    """
    started = time.monotonic()
    deadline = started + within
    async with httpx.AsyncClient(timeout=10) as client:
        events = sum((await end_offsets(where.kafka, EVENT_TOPICS)).values())
        while not await clauses_done(client, where.clauses, events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"clauses has not applied the {events} events in {within} s")
            await asyncio.sleep(POLL)
        topics = (CLAUSE_AGGREGATES.name, MARKETS.name)
        last: tuple[dict[str, float], float] = ({}, time.monotonic())
        while True:
            wanted = await end_offsets(where.kafka, topics)
            applied = await indicators_applied(client, where.indicators)
            if all(applied.get(topic, 0) >= count for topic, count in wanted.items()):
                return time.monotonic() - started
            if applied != last[0]:
                last = (applied, time.monotonic())
            elif time.monotonic() - last[1] > quiet:
                return time.monotonic() - started
            if time.monotonic() > deadline:
                raise TimeoutError(f"the indicators applied {applied} of {wanted} in {within} s")
            await asyncio.sleep(POLL)


def main(argv: list[str] | None = None) -> int:
    """Wait, then say how long it took."""
    parser = argparse.ArgumentParser(prog="python -m deploy.stack.settle", description=__doc__)
    parser.add_argument("--kafka", required=True, help="bootstrap servers")
    parser.add_argument("--clauses", required=True, help="the clauses service's base URL")
    parser.add_argument("--indicators", required=True, help="the indicators service's base URL")
    args = parser.parse_args(argv)
    seconds = asyncio.run(settle(Pipeline(args.kafka, args.clauses, args.indicators)))
    print(f"clauses and indicators caught up with ingest ({seconds:.1f} s after the load)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
