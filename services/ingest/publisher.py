"""Events go to their topic, keyed by market; the caller waits for every acknowledgement."""

import asyncio
from collections.abc import Sequence
from typing import Protocol

from faststream.kafka import KafkaBroker

from shared.events import Event
from shared.topics import topic_for


class EventPublisher(Protocol):
    """Publishes events and returns once the broker acknowledged all of them."""

    async def publish(self, events: Sequence[Event]) -> None: ...


class BrokerPublisher:
    """Sends every event without waiting, then waits for all the acknowledgements at once."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def publish(self, events: Sequence[Event]) -> None:
        """Raises when any event was not acknowledged (acks=all, idempotent producer)."""
        pending: list[asyncio.Future[object]] = []
        for event in events:
            sent = await self._broker.publish(
                event.model_dump_json().encode(),
                topic=topic_for(event).name,
                key=event.key.encode(),
                headers={"content-type": "application/json"},
                no_confirm=True,
            )
            if isinstance(sent, asyncio.Future):
                pending.append(sent)
        if pending:
            await asyncio.gather(*pending)
