"""Looking for raw beneficiary identifiers in every topic of a broker, every table of a
database and every log file of a folder."""

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import create_engine, text

Hits = dict[str, set[str]]


def _found(blob: bytes, needles: Iterable[str]) -> set[str]:
    return {needle for needle in needles if needle.encode() in blob}


async def topic_hits(bootstrap: str, needles: Iterable[str]) -> tuple[Hits, int]:
    """Per topic (internal ones included), the identifiers found in a key, value or header;
    and how many records were read."""
    needles = list(needles)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(await admin.list_topics())
    finally:
        await admin.close()
    partitions = [
        TopicPartition(item["topic"], p["partition"])
        for item in described
        for p in item["partitions"]
    ]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    await consumer.start()
    hits: Hits = defaultdict(set)
    read = 0
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        remaining = {tp: end for tp, end in ends.items() if end > await consumer.position(tp)}
        while remaining:
            batches = await consumer.getmany(timeout_ms=2000)
            if not batches:
                break  # compacted or transactional markers: nothing more to read
            for tp, records in batches.items():
                for record in records:
                    read += 1
                    parts = [record.key or b"", record.value or b""]
                    parts += [name.encode() + (value or b"") for name, value in record.headers]
                    hits[tp.topic] |= _found(b"\n".join(parts), needles)
                if await consumer.position(tp) >= ends[tp]:
                    remaining.pop(tp, None)
    finally:
        await consumer.stop()
    return {topic: found for topic, found in hits.items() if found}, read


def table_hits(database_url: str, needles: Iterable[str]) -> tuple[Hits, int]:
    """Per table of the database's public schema, the identifiers found in any column; and
    how many rows were read."""
    needles = list(needles)
    engine = create_engine(database_url)
    hits: Hits = {}
    read = 0
    try:
        with engine.connect() as connection:
            tables = connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            for table in list(tables):
                query = text(f'SELECT t::text FROM "{table}" t')  # noqa: S608 (names from pg_tables)
                rows = connection.execute(query).scalars()
                blob = "\n".join(rows)
                read += blob.count("\n") + 1 if blob else 0
                if found := _found(blob.encode(), needles):
                    hits[table] = found
    finally:
        engine.dispose()
    return hits, read


def log_hits(folder: Path, needles: Iterable[str]) -> tuple[Hits, int]:
    """Per log file of the folder, the identifiers found; and how many lines were read."""
    hits: Hits = {}
    lines = 0
    for log in sorted(folder.glob("*.log")):
        blob = log.read_bytes()
        lines += blob.count(b"\n")
        if found := _found(blob, needles):
            hits[log.name] = found
    return hits, lines
