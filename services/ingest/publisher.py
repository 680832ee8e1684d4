"""Events go to their topic, keyed by market; the caller waits for every acknowledgement."""

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from faststream.kafka import KafkaBroker

from services.ingest.versions import Encoded
from shared.record_batches import JSON_HEADERS, Outgoing, RecordBatches
from shared.topics import topic_for

if TYPE_CHECKING:
    from services.ingest.dead_letters import DeadLetter


class EventPublisher(Protocol):
    """Publishes events and returns once the broker acknowledged all of them."""

    async def publish(self, events: Sequence[Encoded]) -> None: ...


class BrokerPublisher:
    """Sends every event without waiting, then waits for all the acknowledgements at once."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def publish(self, events: Sequence[Encoded]) -> None:
        """Raises when any event was not acknowledged (acks=all, idempotent producer)."""
        pending: list[asyncio.Future[object]] = []
        for encoded in events:
            event = encoded.event
            sent = await self._broker.publish(
                encoded.value,
                topic=topic_for(event).name,
                key=event.key.encode(),
                headers={"content-type": "application/json"},
                no_confirm=True,
            )
            if isinstance(sent, asyncio.Future):
                pending.append(sent)
        if pending:
            await asyncio.gather(*pending)


class DeadLetterSink(Protocol):
    """Sends dead letters and returns once the broker acknowledged all of them."""

    async def send(self, letters: Sequence["DeadLetter"]) -> None: ...


class BrokerDeadLetters:
    """Dead letters on their topic, acknowledged before the raw offsets are committed."""

    def __init__(self, broker: KafkaBroker, topic: str) -> None:
        self._broker = broker
        self._topic = topic

    async def send(self, letters: Sequence["DeadLetter"]) -> None:
        """Raises when any dead letter was not acknowledged."""
        pending: list[asyncio.Future[object]] = []
        for letter in letters:
            sent = await self._broker.publish(
                letter.value,
                topic=self._topic,
                key=letter.key,
                headers=letter.headers,
                no_confirm=True,
            )
            if isinstance(sent, asyncio.Future):
                pending.append(sent)
        if pending:
            await asyncio.gather(*pending)


class BatchPublisher:
    """Events appended into record batches (one per partition), all acknowledged on return."""

    def __init__(self, batches: RecordBatches) -> None:
        self._batches = batches

    async def publish(self, events: Sequence[Encoded]) -> None:
        """Raises when any event was not acknowledged (acks=all, idempotent producer)."""
        await self._batches.send(
            [
                Outgoing(
                    topic_for(encoded.event).name,
                    encoded.event.key.encode(),
                    encoded.value,
                    JSON_HEADERS,
                )
                for encoded in events
            ]
        )


class BatchDeadLetters:
    """Dead letters appended into record batches, acknowledged before the raw offsets move."""

    def __init__(self, batches: RecordBatches, topic: str) -> None:
        self._batches = batches
        self._topic = topic

    async def send(self, letters: Sequence["DeadLetter"]) -> None:
        """Raises when any dead letter was not acknowledged."""
        await self._batches.send(
            [
                Outgoing(
                    self._topic,
                    letter.key,
                    letter.value,
                    [(name, value.encode()) for name, value in letter.headers.items()],
                )
                for letter in letters
            ]
        )
