"""A client that behaves as a real one: the same submission again until it is accepted.

HTTP: a connection error, a timeout or a 5xx is retried with the same body (ingest's event
ids are deterministic and an identical submission is a replay); so is a 422 saying the
market is unknown while ingest's markets read model is behind (`markets_lag` > 0, e.g.
just after a restart). Anything else is a defect of the stream or of ingest: it fails.
Raw topic: a failed produce is produced again (a duplicate is a replay for ingest).
"""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from shared.topics import RAW_SUBMISSIONS
from tests.chaos.stream import Sent

PATIENCE = 180.0  # seconds a submission may take through every fault


@dataclass
class Feeder:
    """Sends the stream to ingest; records retries and the event ids it was answered."""

    ingest: str
    kafka: str
    token: str
    retries: Counter[str] = field(default_factory=Counter)
    answered: set[str] = field(default_factory=set)  # event ids of the 202 answers
    sent: Counter[str] = field(default_factory=Counter)
    producer: AIOKafkaProducer | None = None

    async def feed(self, stream: list[Sent], seconds: float) -> None:
        """Send every submission in order, spread over about `seconds`."""
        pause = seconds / len(stream)
        headers = {"authorization": f"Bearer {self.token}"}
        async with httpx.AsyncClient(base_url=self.ingest, headers=headers, timeout=20) as client:
            try:
                for item in stream:
                    started = time.monotonic()
                    await (self.produce(item) if item.channel == "raw" else self.post(client, item))
                    self.sent[item.channel] += 1
                    await asyncio.sleep(max(0.0, pause - (time.monotonic() - started)))
            finally:
                if self.producer is not None:
                    await self.producer.stop()

    async def post(self, client: httpx.AsyncClient, item: Sent) -> None:
        """POST until a 202."""
        deadline = time.monotonic() + PATIENCE
        while True:
            reason = await self._attempt(client, item)
            if reason is None:
                return
            self.retries[reason] += 1
            assert time.monotonic() < deadline, f"{item.route} never accepted: {reason}"
            await asyncio.sleep(0.3)

    async def _attempt(self, client: httpx.AsyncClient, item: Sent) -> str | None:
        """None when accepted, else why to retry (an unexpected refusal fails)."""
        try:
            if item.channel == "csv":
                files = {"file": ("heures.csv", item.body, "text/csv")}
                response = await client.post(item.route, files=files)
            else:
                response = await client.post(item.route, json=item.body)
        except httpx.TransportError as error:
            return f"http {type(error).__name__}"
        if response.status_code == 202:
            self.answered.update(event["event_id"] for event in response.json()["events"])
            return None
        if response.status_code >= 500:
            return f"http {response.status_code}"
        body: Any = response.json()
        if response.status_code == 422 and (body.get("markets_lag") or 0) > 0:
            return "http 422 markets read model behind"
        raise AssertionError(f"{item.route} refused {response.status_code}: {response.text[:800]}")

    async def produce(self, item: Sent) -> None:
        """Produce on the raw topic until the broker acknowledges it."""
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                if self.producer is None:
                    self.producer = AIOKafkaProducer(
                        bootstrap_servers=self.kafka, acks="all", request_timeout_ms=10_000
                    )
                    await self.producer.start()
                await self.producer.send_and_wait(
                    RAW_SUBMISSIONS.name,
                    item.raw_value(),
                    key=str(item.body["market_id"]).encode(),
                    headers=[("authorization", f"Bearer {self.token}".encode())],
                )
                return
            except Exception as error:  # any failure: a new producer, the same message
                self.retries[f"raw {type(error).__name__}"] += 1
                if time.monotonic() > deadline:
                    raise TimeoutError(f"raw submission never produced: {error}") from error
                producer, self.producer = self.producer, None
                if producer is not None:
                    await producer.stop()
                await asyncio.sleep(0.5)
