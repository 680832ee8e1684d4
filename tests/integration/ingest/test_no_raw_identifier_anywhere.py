"""No raw beneficiary identifier on any topic, in the database or in a log line."""

import json
import logging
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import create_engine, text

from harness.builders import a_contract_submission, a_market_submission, an_hours_csv
from services.ingest.domain.raw_messages import keyed_digest
from shared.topics import ALL_TOPICS, RAW_SUBMISSIONS
from tests.component.ingest.conftest import FACILITATOR
from tests.integration.ingest.conftest import Live, TopicReader, unique_market

TOKEN = [("authorization", b"Bearer contractor-token")]


async def test_raw_identifiers_reach_no_topic_no_table_and_no_log(
    live: Live, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # the service's level (aiokafka's DEBUG dumps wire bytes)
    market_id = unique_market()
    raw_ids = [f"RAW-{uuid.uuid4().hex}" for _ in range(4)]
    topics = [t.name for t in ALL_TOPICS if t is not RAW_SUBMISSIONS]
    topics += [live.settings.dead_letter_topic, live.settings.raw_topic]
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    http_contract = a_contract_submission(
        market_id=market_id, contract_id=f"C-{market_id}-http", beneficiary_id=raw_ids[0]
    ).model_dump(mode="json")
    raw_contract = {
        "type": "work_contract",
        **a_contract_submission(
            market_id=market_id, contract_id=f"C-{market_id}-raw", beneficiary_id=raw_ids[1]
        ).model_dump(mode="json"),
    }
    refused = {
        **raw_contract,
        "contract_id": f"C-{market_id}-bad",
        "beneficiary_id": raw_ids[2],
        "gender": "?",
    }
    producer = AIOKafkaProducer(bootstrap_servers=live.bootstrap, acks="all")
    await producer.start()
    try:
        async with TopicReader(live.bootstrap, topics) as reader:
            await live.client.post("/v1/markets", json=market, headers=FACILITATOR)
            await live.client.post("/v1/work-contracts", json=http_contract, headers=FACILITATOR)
            csv = an_hours_csv(market_id, 3).replace(
                f"BEN-{market_id}-00001".encode(), raw_ids[3].encode()
            )
            await live.client.post(
                "/v1/monthly-hours/csv",
                content=csv,
                headers={**FACILITATOR, "Content-Type": "text/csv"},
            )
            too_long = await live.client.post(
                "/v1/work-contracts",
                json={**http_contract, "beneficiary_id": raw_ids[0] + "x" * 64},
                headers=FACILITATOR,
            )
            for body in (raw_contract, refused):
                await producer.send_and_wait(
                    live.settings.raw_topic,
                    json.dumps(body).encode(),
                    key=market_id.encode(),
                    headers=TOKEN,
                )
            letter_key = keyed_digest(market_id.encode(), live.service.pseudonymise).encode()
            await reader.collect(
                lambda r: r.topic == live.settings.dead_letter_topic and r.key == letter_key,
                count=1,
            )
            await reader.drain()
            records = reader.seen
    finally:
        await producer.stop()

    def carries(record: object, raw_id: str) -> bool:
        needle = raw_id.encode()
        parts = [record.key or b"", record.value or b"", *(v or b"" for _, v in record.headers)]  # type: ignore[attr-defined]
        return any(needle in part for part in parts)

    assert too_long.status_code == 422
    assert raw_ids[0] not in too_long.text
    on_raw_topic = [r for r in records if r.topic == live.settings.raw_topic]
    elsewhere = [r for r in records if r.topic != live.settings.raw_topic]
    assert any(carries(r, raw_ids[1]) for r in on_raw_topic), "the scan would see a raw identifier"
    assert {r.topic for r in elsewhere} >= {
        "insertion.work-contracts.v1",
        "insertion.monthly-hours.v1",
    }
    leaks = [(r.topic, raw_id) for r in elsewhere for raw_id in raw_ids if carries(r, raw_id)]
    assert leaks == []
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        tables = ("ingest_submissions", "ingest_event_versions", "ingest_contracts")
        dumped = " ".join(
            str(row)
            for table in tables
            for row in connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
        )
    engine.dispose()
    assert [raw_id for raw_id in raw_ids if raw_id in dumped] == []
    assert [raw_id for raw_id in raw_ids if raw_id in caplog.text] == []
