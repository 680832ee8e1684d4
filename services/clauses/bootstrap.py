"""The composition root: the only place that reads settings and wires Kafka, database, HTTP."""

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine

from services.clauses.adapters.kafka import direct_publisher, outbox_batches, publisher_of
from services.clauses.adapters.metrics import Metrics
from services.clauses.adapters.migrations import migrate
from services.clauses.adapters.queries import MarketQueries, SqlReader
from services.clauses.adapters.storage import SqlStore
from services.clauses.application.apply_batches import Pipeline
from services.clauses.application.market_overview import MarketOverviews
from services.clauses.entrypoints.http_api import api_router, overview_router
from services.clauses.entrypoints.kafka_handlers import build_router
from services.clauses.settings import ClausesSettings
from shared.db import make_engine
from shared.http_errors import install_french_validation_errors
from shared.http_security import secure_and_document
from shared.kafka import ensure_topics, make_broker
from shared.topics import CLAUSE_AGGREGATES, INVOICES, MARKETS, MONTHLY_HOURS, WORK_CONTRACTS, Topic

INPUT_TOPICS = (MARKETS, INVOICES, WORK_CONTRACTS, MONTHLY_HOURS)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclasses.dataclass(frozen=True, slots=True)
class Clauses:
    """The wired service: serve `http_app(...)`, or drive the broker and pipeline directly."""

    settings: ClausesSettings
    engine: Engine
    store: SqlStore
    broker: KafkaBroker
    pipeline: Pipeline
    registry: CollectorRegistry
    topics: tuple[Topic, ...]


def build(settings: ClausesSettings, *, clock: Callable[[], datetime] = _now) -> Clauses:
    """Wire the service; nothing connects until the broker or the lifespan starts."""
    topics = tuple(
        dataclasses.replace(topic, name=settings.topic_prefix + topic.name)
        for topic in (*INPUT_TOPICS, CLAUSE_AGGREGATES)
    )
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    engine = make_engine(settings.database_url)
    store = SqlStore(engine)
    broker = make_broker(
        settings.kafka_bootstrap_servers,
        client_id="clauses",
        middlewares=[KafkaPrometheusMiddleware(registry=registry)],
    )
    pipeline = Pipeline(
        store=store,
        publish=publisher_of(broker, topics[-1].name),
        clock=clock,
        metrics=metrics,
        exactly_once=settings.exactly_once,
    )
    router = build_router(
        pipeline,
        topics=[topic.name for topic in topics[:-1]],
        group_id=settings.group_id,
        max_records=settings.max_batch,
        metrics=metrics,
    )
    broker.include_router(router)
    return Clauses(settings, engine, store, broker, pipeline, registry, topics)


def http_app(clauses: Clauses) -> FastAPI:
    """The HTTP read API; its lifespan runs the consumer beside it."""
    http = FastAPI(
        title="Clauses: insertion hours ledger",
        lifespan=lambda _: run(clauses),
        docs_url=None,
        redoc_url=None,
    )
    secure_and_document(http)
    reader = SqlReader(clauses.engine)
    http.include_router(api_router(reader, clauses.registry))
    threshold = clauses.settings.suppression_threshold
    markets = MarketQueries(clauses.engine)
    http.include_router(overview_router(MarketOverviews(reader, markets, threshold=threshold)))
    install_french_validation_errors(http)
    return http


async def prepare(clauses: Clauses) -> None:
    """Migrate the tables (to the latest revision) and rebuild the state from them (connected,
    before consuming)."""
    await asyncio.to_thread(migrate, clauses.engine)
    await clauses.pipeline.recover()


@contextlib.asynccontextmanager
async def run(clauses: Clauses) -> AsyncIterator[None]:
    """Topics, producers, tables and state (the outbox is published), then the consumer.

    The aggregate changes go out through a producer of their own (`adapters.kafka`);
    the broker's publisher, wired by `build`, serves where there is no real broker.
    """
    bootstrap = clauses.settings.kafka_bootstrap_servers
    await ensure_topics(bootstrap, clauses.topics)
    batches = outbox_batches(bootstrap)
    await batches.start()
    try:
        clauses.pipeline.outbox.publish = direct_publisher(batches, clauses.topics[-1].name)
        await clauses.broker.connect()
        await prepare(clauses)
        await clauses.broker.start()
        ticker = asyncio.create_task(_tick(clauses))
        try:
            yield
        finally:
            ticker.cancel()
            await clauses.broker.stop()
    finally:
        await batches.stop()


async def _tick(clauses: Clauses) -> None:
    while True:
        await asyncio.sleep(clauses.settings.tick_seconds)
        await clauses.pipeline.tick()
