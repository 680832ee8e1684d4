"""The raw topic, as a contractor's producer uses it, and the dead letters ingest answers on.

A raw submission is the HTTP body with its `type` and `schema_version`, keyed by market,
with the `authorization: Bearer <token>` header ingest reads. Ingest commits its group's
offsets once every record of a batch is published or dead-lettered, so a raw submission
has been handled when the group's committed offset has passed it; a refused one has left a
dead letter carrying its source partition and offset.
"""

import asyncio
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from reference_dataset.loader.answers import Outcome, refused
from reference_dataset.records import Submission
from shared.topics import DEAD_LETTER, RAW_SUBMISSIONS


@dataclass(frozen=True, slots=True)
class RawTopic:
    """Where the raw submissions go, who reads them, where the refusals land."""

    bootstrap: str
    topic: str = RAW_SUBMISSIONS.name
    dead_letter_topic: str = DEAD_LETTER.name
    group_id: str = "ingest-raw"


def raw_message(submission: Submission) -> bytes:
    """The raw topic's value of a submission."""
    body = {"type": submission.kind.value, "schema_version": 1, **submission.payload}
    return json.dumps(body, ensure_ascii=False).encode()


@dataclass
class RawSender:
    """Sends raw submissions; knows which are not handled yet and where each one landed."""

    where: RawTopic
    token: str
    producer: AIOKafkaProducer | None = None
    admin: AIOKafkaAdminClient | None = None
    sent: dict[tuple[int, int], Submission] = field(default_factory=dict)
    pending: dict[int, int] = field(default_factory=dict)  # partition -> next offset to handle

    async def start(self) -> None:
        """Connect the producer and the admin client."""
        self.producer = AIOKafkaProducer(
            bootstrap_servers=self.where.bootstrap, acks="all", enable_idempotence=True
        )
        await self.producer.start()
        self.admin = AIOKafkaAdminClient(bootstrap_servers=self.where.bootstrap)
        await self.admin.start()

    async def stop(self) -> None:
        """Disconnect."""
        if self.producer is not None:
            await self.producer.stop()
        if self.admin is not None:
            await self.admin.close()

    async def send(self, submissions: list[Submission]) -> None:
        """Produce every submission, then wait for all the acknowledgements."""
        assert self.producer is not None
        headers = [
            ("authorization", f"Bearer {self.token}".encode()),
            ("content-type", b"application/json"),
        ]
        futures = [
            await self.producer.send(
                self.where.topic,
                raw_message(s),
                key=str(s.payload["market_id"]).encode(),
                headers=headers,
            )
            for s in submissions
        ]
        for submission, metadata in zip(submissions, await asyncio.gather(*futures), strict=True):
            self.sent[(metadata.partition, metadata.offset)] = submission
            self.pending[metadata.partition] = max(
                self.pending.get(metadata.partition, 0), metadata.offset + 1
            )

    async def handled(self, within: float = 180) -> None:
        """Wait until ingest has committed past every raw submission sent so far."""
        assert self.admin is not None
        deadline = time.monotonic() + within
        while self.pending:
            committed = await self.admin.list_consumer_group_offsets(self.where.group_id)
            for tp, offset in committed.items():
                wanted = self.pending.get(tp.partition) if tp.topic == self.where.topic else None
                if wanted is not None and offset.offset >= wanted:
                    del self.pending[tp.partition]
            if not self.pending:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"ingest has not read the raw topic {self.where.topic} within {within} s "
                    f"(group {self.where.group_id}, waiting for {self.pending})"
                )
            await asyncio.sleep(0.05)

    async def outcomes(self) -> dict[int, Outcome]:
        """The outcome of every raw submission sent (by seq): a dead letter, or accepted."""
        await self.handled()
        assert self.admin is not None
        described = await self.admin.describe_topics([self.where.dead_letter_topic])
        partitions = [p["partition"] for item in described for p in item["partitions"]]
        letters = await dead_letters(self.where, partitions)
        found: dict[int, Outcome] = {}
        for place, submission in self.sent.items():
            letter = letters.get(place)
            found[submission.seq] = Outcome(accepted=True) if letter is None else letter
        return found


def _header(headers: Any, name: str) -> str:
    for key, value in headers or ():
        if key == name:
            return bytes(value or b"").decode()
    return ""


def letter_outcome(headers: Any) -> Outcome:
    """The refusal a dead letter's headers describe."""
    reason = _header(headers, "dead-letter-reason")
    detail = json.loads(_header(headers, "dead-letter-detail") or "[]")
    said = f"dead letter {reason}: " + "; ".join(str(item.get("message")) for item in detail)
    return refused(said, detail)


async def dead_letters(where: RawTopic, partitions: list[int]) -> Mapping[tuple[int, int], Outcome]:
    """Every dead letter of the raw topic, by the raw partition and offset it refuses."""
    if not partitions:
        return {}
    consumer = AIOKafkaConsumer(bootstrap_servers=where.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(where.dead_letter_topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        found: dict[tuple[int, int], Outcome] = {}
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            batches = await consumer.getmany(timeout_ms=500)
            for record in (r for records in batches.values() for r in records):
                if _header(record.headers, "source-topic") != where.topic:
                    continue
                place = (
                    int(_header(record.headers, "source-partition")),
                    int(_header(record.headers, "source-offset")),
                )
                found[place] = letter_outcome(record.headers)
        return found
    finally:
        await consumer.stop()
