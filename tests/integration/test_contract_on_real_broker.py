"""The contract travels through the real broker: what is published is what is received."""

import asyncio
import uuid

from harness.builders import a_market
from shared.events import MarketNotified
from shared.kafka import ensure_topics, make_broker
from shared.topics import MARKETS


async def test_a_market_published_by_a_faststream_app_is_received_equal_and_validated(
    kafka_bootstrap: str,
) -> None:
    await ensure_topics(kafka_bootstrap)
    market = a_market(market_id=f"IT-{uuid.uuid4().hex[:12]}")
    received: asyncio.Future[MarketNotified] = asyncio.get_running_loop().create_future()
    broker = make_broker(kafka_bootstrap, client_id="contract-test")
    publisher = broker.publisher(MARKETS.name)

    @broker.subscriber(
        MARKETS.name, group_id=f"contract-test-{uuid.uuid4().hex}", auto_offset_reset="earliest"
    )
    async def on_market(event: MarketNotified) -> None:
        if event.event_id == market.event_id and not received.done():
            received.set_result(event)

    async with broker:
        await broker.start()
        await publisher.publish(market, key=market.key.encode())
        got = await asyncio.wait_for(received, timeout=60)

    assert type(got) is MarketNotified
    assert got == market
