"""The composition root: reads the settings, wires the broker, the live view, the snapshot
publisher, the metrics and HTTP, and the commands of the command line.

State lives in memory and is rebuilt at each start by reading both topics from their first
offset (the compacted aggregates topic holds the latest value of every key; the markets
topic is kept forever): no database to keep consistent with the log.
"""

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry

from services.indicators.adapters.kafka import end_offsets, rebuild, snapshot_sink
from services.indicators.adapters.metrics import RecordCounters, make_registry
from services.indicators.adapters.targets_file import load_targets
from services.indicators.application.live_indicators import LiveIndicators
from services.indicators.application.ports import ReplayStats
from services.indicators.application.snapshot_publisher import SnapshotPublisher
from services.indicators.entrypoints.cli import write_assessment, write_rebuild
from services.indicators.entrypoints.http_api import make_api
from services.indicators.entrypoints.kafka_handlers import make_router
from services.indicators.settings import IndicatorsSettings
from shared import http_server
from shared.http_errors import install_french_validation_errors
from shared.http_security import secure_and_document
from shared.kafka import ensure_topics, make_broker
from shared.topics import CLAUSE_AGGREGATES, INDICATOR_SNAPSHOTS, MARKETS, Topic


def new_live_view(settings: IndicatorsSettings) -> LiveIndicators:
    """An empty live view with the configured targets and suppression threshold."""
    return LiveIndicators(
        targets=load_targets(settings.targets_file), threshold=settings.suppression_threshold
    )


def topics_of(settings: IndicatorsSettings) -> list[Topic]:
    """The topics the service reads and writes, under the configured names."""
    return [
        dataclasses.replace(CLAUSE_AGGREGATES, name=settings.aggregates_topic),
        dataclasses.replace(MARKETS, name=settings.markets_topic),
        dataclasses.replace(INDICATOR_SNAPSHOTS, name=settings.snapshots_topic),
    ]


@dataclass
class IndicatorsService:
    """Everything the service is made of; `start` and `stop` run it on a real broker."""

    settings: IndicatorsSettings
    live: LiveIndicators
    registry: CollectorRegistry
    broker: KafkaBroker
    snapshots: SnapshotPublisher
    http: FastAPI = field(init=False)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        """Create missing topics, note where the log ends, consume, publish snapshots."""
        bootstrap = self.settings.kafka_bootstrap_servers
        await ensure_topics(bootstrap, topics_of(self.settings))
        topics = [self.settings.aggregates_topic, self.settings.markets_topic]
        self.live.ends = await end_offsets(bootstrap, topics)
        await self.broker.start()
        if self.settings.publish_snapshots:
            interval = self.settings.snapshot_interval_seconds
            self._tasks.append(asyncio.create_task(self.snapshots.run(interval)))

    async def stop(self) -> None:
        """Stop publishing and consuming."""
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.broker.stop()


def build_service(settings: IndicatorsSettings) -> IndicatorsService:
    """Wire the service; nothing connects until `start`."""
    live = new_live_view(settings)
    registry = make_registry(live)
    broker = make_broker(
        settings.kafka_bootstrap_servers,
        client_id=settings.client_id,
        middlewares=[KafkaPrometheusMiddleware(registry=registry, app_name="indicators")],
    )
    broker.include_router(
        make_router(
            live,
            aggregates_topic=settings.aggregates_topic,
            markets_topic=settings.markets_topic,
            counts=RecordCounters(registry),
        )
    )
    publish = snapshot_sink(broker, settings.snapshots_topic, title="indicator snapshots")
    service = IndicatorsService(settings, live, registry, broker, SnapshotPublisher(live, publish))

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    service.http = FastAPI(
        title="Indicateurs SPASER", version="1", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    secure_and_document(service.http)
    service.http.include_router(make_api(live, registry))
    install_french_validation_errors(service.http)
    return service


def read_settings() -> IndicatorsSettings:
    """The settings, from the environment (INDICATORS_*, KAFKA_BOOTSTRAP_SERVERS)."""
    return IndicatorsSettings()


def serve(settings: IndicatorsSettings) -> None:
    """Run the service: consumers, snapshot publisher and HTTP, until interrupted."""
    service = build_service(settings)
    if not settings.access_log:
        logging.getLogger("faststream.access").setLevel(logging.WARNING)
    http_server.serve(
        service.http,
        host=settings.host,
        port=settings.port,
        settings=settings,
        access_log=settings.access_log,
    )


async def rebuild_all(settings: IndicatorsSettings) -> tuple[LiveIndicators, ReplayStats]:
    """A fresh live view, rebuilt from the first offset of both topics."""
    live = new_live_view(settings)
    stats = await rebuild(
        live,
        settings.kafka_bootstrap_servers,
        aggregates_topic=settings.aggregates_topic,
        markets_topic=settings.markets_topic,
    )
    return live, stats


async def publish_all(settings: IndicatorsSettings, live: LiveIndicators) -> int:
    """Publish a snapshot of every indicator cell of a live view."""
    broker = make_broker(settings.kafka_bootstrap_servers, client_id=settings.client_id)
    publish = snapshot_sink(broker, settings.snapshots_topic)
    async with broker:
        await broker.start()
        return await SnapshotPublisher(live, publish).publish_changes()


def run_report(settings: IndicatorsSettings, *, year: int, out: Path) -> int:
    """The `report` command: rebuild from the log, then write the year's assessment section."""
    live, stats = asyncio.run(rebuild_all(settings))
    return write_assessment(live, stats, year=year, out=out)


def run_rebuild(settings: IndicatorsSettings, *, out: Path | None, publish: bool) -> int:
    """The `rebuild` command: rebuild from the log, write it as JSON, publish if asked."""
    live, stats = asyncio.run(rebuild_all(settings))

    def publish_every_cell() -> int:
        return asyncio.run(publish_all(settings, live))

    return write_rebuild(live, stats, out=out, publish=publish_every_cell if publish else None)
