"""The contract as a FastStream application, so AsyncAPI documents every topic and event."""

from faststream import FastStream
from faststream.specification import AsyncAPI

from shared.aggregates import AggregateChanged
from shared.events import EVENT_TYPES
from shared.indicators import IndicatorSnapshot
from shared.kafka import make_broker
from shared.topics import CLAUSE_AGGREGATES, INDICATOR_SNAPSHOTS, TOPIC_OF_EVENT

CONTRACT_VERSION = "1"


def contract_app() -> FastStream:
    """An app that declares one publisher per event topic (it is never run, only described)."""
    broker = make_broker("localhost:9092", client_id="contract")
    for event_type in EVENT_TYPES:
        topic = TOPIC_OF_EVENT[event_type]
        broker.publisher(
            topic.name,
            title=f"{topic.name}:{event_type.__name__}",
            description=topic.description,
            schema=event_type,
        )
    broker.publisher(
        CLAUSE_AGGREGATES.name,
        title=f"{CLAUSE_AGGREGATES.name}:AggregateChanged",
        description=CLAUSE_AGGREGATES.description,
        schema=AggregateChanged,
    )
    broker.publisher(
        INDICATOR_SNAPSHOTS.name,
        title=f"{INDICATOR_SNAPSHOTS.name}:IndicatorSnapshot",
        description=INDICATOR_SNAPSHOTS.description,
        schema=IndicatorSnapshot,
    )
    specification = AsyncAPI(
        broker,
        title="Insertion hours: event contract",
        version=CONTRACT_VERSION,
        description="Events published by ingest and consumed by clauses and indicators.",
    )
    return FastStream(broker, specification=specification)
