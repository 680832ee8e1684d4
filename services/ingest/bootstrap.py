"""The composition root: the only place that reads settings and wires Kafka, SQL and HTTP."""

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine

from services.ingest.adapters.clauses_client import ClausesClient
from services.ingest.adapters.clock import utc_now
from services.ingest.adapters.kafka import (
    BatchDeadLetters,
    BatchPublisher,
    BrokerDeadLetters,
    BrokerPublisher,
    end_offsets_of,
    partitions_of,
    prepare_topics,
)
from services.ingest.adapters.metrics import IngestMetrics
from services.ingest.adapters.migrations import migrate
from services.ingest.adapters.storage import (
    POSTGRESQL_SETTINGS,
    SqlIdempotencyKeys,
    SqlSessions,
    SqlStore,
)
from services.ingest.adapters.tokens import TokenRegistry, load_tokens
from services.ingest.application.ingestor import Ingestor
from services.ingest.application.markets_view import MarketsView
from services.ingest.application.ports import DeadLetterSink, EventPublisher, MarketSource
from services.ingest.application.raw_intake import RawIntake
from services.ingest.domain.pseudonym import Pseudonymiser
from services.ingest.domain.rules import Limits
from services.ingest.entrypoints.http_api import (
    ApiDeps,
    api_router,
    authenticator,
    register_body_schemas,
)
from services.ingest.entrypoints.http_files import files_router
from services.ingest.entrypoints.http_refusals import install_error_handlers
from services.ingest.entrypoints.kafka_handlers import markets_router, raw_router
from services.ingest.entrypoints.web.deps import WebDeps
from services.ingest.entrypoints.web.render import Renderer, make_templates
from services.ingest.entrypoints.web.router import web_router
from services.ingest.entrypoints.web.session import Signer, derived_key
from services.ingest.settings import IngestSettings
from shared.db import make_engine
from shared.http_security import secure_and_document
from shared.kafka import make_broker
from shared.record_batches import RecordBatches

# a record batch must stay under the topics' max.message.bytes (1 MiB for the event topics)
RECORD_BATCH_BYTES = 512 * 1024


@dataclass
class IngestService:
    """Everything wired, nothing connected yet."""

    settings: IngestSettings
    broker: KafkaBroker
    engine: Engine
    store: SqlStore
    markets: MarketsView
    ingestor: Ingestor
    metrics: IngestMetrics
    tokens: TokenRegistry
    pseudonymise: Pseudonymiser
    record_batches: RecordBatches | None = None
    clauses: MarketSource | None = None
    clock: Callable[[], datetime] = utc_now
    keys: SqlIdempotencyKeys | None = None


def limits_of(settings: IngestSettings) -> Limits:
    """The rules' limits as the settings give them (ceiling, lines, plausibility window)."""
    return Limits(
        settings.monthly_hours_ceiling,
        settings.max_lines_per_report,
        earliest_year=settings.earliest_year,
        latest_years_ahead=settings.latest_years_ahead,
        contract_end_years_ahead=settings.contract_end_years_ahead,
        max_amount_ht=settings.max_amount_ht,
    )


def build_service(
    settings: IngestSettings,
    *,
    clock: Callable[[], datetime] = utc_now,
    broker: KafkaBroker | None = None,
    publisher: EventPublisher | None = None,
    dead_letters: DeadLetterSink | None = None,
    registry: CollectorRegistry | None = None,
    clauses: MarketSource | None = None,
) -> IngestService:
    """Wire the service from its settings; tests may pass their own broker, publisher, clock."""
    registry = registry or CollectorRegistry()
    metrics = IngestMetrics(registry)
    max_request_size = settings.raw_topic_max_message_bytes + 64 * 1024
    record_batches = None
    if broker is None:
        broker = make_broker(
            settings.kafka_bootstrap_servers,
            client_id="ingest",
            middlewares=[KafkaPrometheusMiddleware(registry=registry)],
            max_request_size=max_request_size,
        )
        # events and dead letters go in whole record batches (the broker's own producer
        # serves the pipeline's other needs)
        record_batches = RecordBatches(
            lambda: AIOKafkaProducer(
                bootstrap_servers=settings.kafka_bootstrap_servers,
                client_id="ingest-events",
                acks="all",
                enable_idempotence=True,
                max_request_size=max_request_size,
                max_batch_size=RECORD_BATCH_BYTES,
            )
        )
        publisher = publisher or BatchPublisher(record_batches)
        dead_letters = dead_letters or BatchDeadLetters(record_batches, settings.dead_letter_topic)
    if not settings.access_log:  # one INFO line per Kafka message costs more than the message
        broker.config.logger.params_storage.set_level(logging.WARNING)
    engine = make_engine(settings.database_url, POSTGRESQL_SETTINGS)
    store = SqlStore(engine)
    keys = SqlIdempotencyKeys(engine)
    markets = MarketsView()
    broker.include_router(markets_router(markets, settings.markets_topic))
    ingestor = Ingestor(
        store=store,
        publisher=publisher or BrokerPublisher(broker),
        markets=markets,
        clock=clock,
        limits=limits_of(settings),
        metrics=metrics,
    )
    tokens = load_tokens(settings.tokens_file, settings.tokens, clock=clock)
    pseudonymise = Pseudonymiser(settings.pseudonymisation_key.get_secret_value())
    intake = RawIntake(
        ingestor=ingestor,
        tokens=tokens,
        pseudonymise=pseudonymise,
        sink=dead_letters or BrokerDeadLetters(broker, settings.dead_letter_topic),
        metrics=metrics,
        max_message_bytes=settings.raw_max_message_bytes,
        markets=markets,
        keys=keys,
        clock=utc_now,
    )
    broker.include_router(
        raw_router(
            intake,
            topic=settings.raw_topic,
            group_id=settings.raw_group_id,
            batch_size=settings.raw_batch_size,
            max_message_bytes=settings.raw_topic_max_message_bytes,
        )
    )
    return IngestService(
        settings,
        broker,
        engine,
        store,
        markets,
        ingestor,
        metrics,
        tokens,
        pseudonymise,
        record_batches,
        clauses or ClausesClient(settings.clauses_url),
        clock,
        keys,
    )


@contextlib.asynccontextmanager
async def running(service: IngestService) -> AsyncIterator[None]:
    """Topics, tables, the broker and the offsets reader, for as long as the app runs."""
    settings = service.settings
    await prepare_topics(
        settings.kafka_bootstrap_servers,
        raw_topic=settings.raw_topic,
        dead_letter_topic=settings.dead_letter_topic,
        max_message_bytes=settings.raw_topic_max_message_bytes,
        raw_retention_ms=settings.raw_retention_ms,
        dead_letter_retention_ms=settings.dead_letter_retention_ms,
    )
    migrate(service.engine, service.tokens.ids_by_name())
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await consumer.start()
    partitions = await partitions_of(settings.kafka_bootstrap_servers, [settings.markets_topic])
    service.markets.end_offsets = end_offsets_of(
        consumer, settings.markets_topic, partitions.get(settings.markets_topic, [])
    )
    try:
        if service.record_batches is not None:
            await service.record_batches.start()
        await service.broker.start()
        yield
    finally:
        await service.broker.stop()
        if service.record_batches is not None:
            await service.record_batches.stop()
        await consumer.stop()
        service.engine.dispose()


def web_deps(service: IngestService, api: ApiDeps) -> WebDeps:
    """The web pages: the API's own dependencies, signed cookies, the clauses client."""
    settings = service.settings
    key = settings.web_session_key
    signer = Signer(
        key.get_secret_value().encode()
        if key is not None
        else derived_key(settings.pseudonymisation_key.get_secret_value()),
        lifetime_s=settings.web_session_minutes * 60,
        clock=lambda: service.clock().timestamp(),
    )
    clauses = service.clauses or ClausesClient(settings.clauses_url)
    return WebDeps(
        api, signer, clauses, service.store, Renderer(make_templates()), SqlSessions(service.engine)
    )


def create_app(service: IngestService, *, manage_runtime: bool = True) -> FastAPI:
    """The HTTP app; with manage_runtime it starts Kafka and the tables in its lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if not manage_runtime:
            yield
            return
        async with running(service):
            yield

    app = FastAPI(
        title="Ingest: insertion hours",
        version="1",
        description=(
            "Markets, invoices, work contracts and monthly hours come in validated, "
            "authenticated and pseudonymised; answered 202 once the broker acknowledged."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    secure_and_document(app)
    deps = ApiDeps(
        ingestor=service.ingestor,
        tokens=service.tokens,
        store=service.store,
        pseudonymise=service.pseudonymise,
        markets=service.markets,
        metrics=service.metrics,
        registry=service.metrics.registry,
        max_body_bytes=service.settings.max_body_bytes,
        clock=utc_now,
        keys=service.keys,
    )
    principal_of = authenticator(service.tokens)
    app.include_router(api_router(deps, principal_of))
    app.include_router(files_router(deps, principal_of))
    app.include_router(web_router(web_deps(service, deps)))
    install_error_handlers(app)
    register_body_schemas(app)
    return app
