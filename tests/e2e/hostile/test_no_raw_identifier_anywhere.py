"""Security sweep: the raw beneficiary identifiers sent to the stack appear on no topic
(but the raw one, where contractors write them), in no table and in no log line.

The three services run as processes, with their logs in files, on a broker and databases
of this module only (so every topic and every table can be read whole). Identifiers go in
through every entry point, accepted and refused (422, dead letters). Then every topic,
table and log file is scanned; a planted identifier shows the scan finds what is there.
"""

import asyncio
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import create_engine, text

from deploy.stack.settle import Pipeline, end_offsets, settle
from harness.builders import a_contract_submission, a_market_submission, an_hours_csv
from shared.topics import DEAD_LETTER, RAW_SUBMISSIONS, WORK_CONTRACTS
from tests.e2e.hostile.scan import log_hits, table_hits, topic_hits
from tests.e2e.stack.conftest import Stack, running_stack
from tests.servers import dedicated_kafka
from tests.stack_env import databases


def raw_identifier(kind: str) -> str:
    """An identifier as a facilitator would keep it, unique to this run."""
    if kind == "nir":
        return "2" + "".join(secrets.choice("0123456789") for _ in range(12))
    return f"BEN-{secrets.token_hex(6).upper()}"


NAMES = [
    "http_contract",
    "http_hours_mismatch",
    "http_refused",
    "http_too_long",
    "csv_0",
    "csv_1",
    "csv_2",
    "csv_refused",
    "raw_contract",
    "raw_refused",
    "raw_truncated",
    # refused raw messages holding the identifier elsewhere than a beneficiary_id string
    "raw_number",
    "raw_list",
    "raw_note",
    "raw_as_key",
    "raw_not_json",
    "raw_message_key",
]
IDS = {name: raw_identifier("nir" if i % 2 else "ben") for i, name in enumerate(NAMES)}
IDS["raw_number"] = raw_identifier("nir")  # sent as a JSON number
RAW_REFUSED = 8  # raw messages dead-lettered


@dataclass(frozen=True)
class Running:
    """The stack, its databases and its logs folder."""

    stack: Stack
    databases: list[str]
    logs: Path


@pytest.fixture(scope="module")
def running(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    logs = tmp_path_factory.mktemp("sweep-logs")
    with (
        dedicated_kafka() as kafka,
        databases(postgres_url, "ingest", "clauses") as (ingest_db, clauses_db),
        running_stack(kafka, ingest_db, clauses_db, logs) as stack,
    ):
        yield Running(stack, [ingest_db, clauses_db], logs)


def psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


async def feed(stack: Stack) -> list[httpx.Response]:
    """Every entry point, accepted and refused; the HTTP answers."""
    headers = {"Authorization": f"Bearer {stack.token}"}
    market_id = f"SWEEP-{secrets.token_hex(4)}"
    market = a_market_submission(market_id=market_id).model_dump(mode="json")

    def contract(name: str, **changes: str) -> dict[str, str]:
        body = a_contract_submission(
            market_id=market_id, contract_id=f"C-{name}", beneficiary_id=IDS[name]
        ).model_dump(mode="json")
        return {**body, **changes}

    hours = {
        "market_id": market_id,
        "employer_siret": market["holders"][0]["siret"],
        "period": "2023-06",
        "lines": [
            {
                "beneficiary_id": IDS["http_contract"],
                "contract_id": "C-http_contract",
                "insertion_hours": "35",
            }
        ],
    }
    mismatch = {
        **hours,
        "lines": [{**hours["lines"][0], "beneficiary_id": IDS["http_hours_mismatch"]}],
    }
    csv = an_hours_csv(market_id, 3)
    for n in range(3):
        csv = csv.replace(f"BEN-{market_id}-{n:05d}".encode(), IDS[f"csv_{n}"].encode())
    bad_csv = an_hours_csv(market_id, 1, insertion="beaucoup").replace(
        f"BEN-{market_id}-00000".encode(), IDS["csv_refused"].encode()
    )
    answers = []
    async with httpx.AsyncClient(base_url=stack.ingest, timeout=60, headers=headers) as client:
        for path, body in (
            ("/v1/markets", market),
            ("/v1/work-contracts", contract("http_contract")),
            ("/v1/monthly-hours", hours),
            ("/v1/monthly-hours", mismatch),
            ("/v1/work-contracts", contract("http_refused", gender="?")),
            (
                "/v1/work-contracts",
                {**contract("http_contract"), "beneficiary_id": IDS["http_too_long"] + "x" * 64},
            ),
        ):
            answers.append(await client.post(path, json=body))
        for document in (csv, bad_csv):
            answers.append(
                await client.post(
                    "/v1/monthly-hours/csv", content=document, headers={"Content-Type": "text/csv"}
                )
            )
    raw_ok = {"type": "work_contract", **contract("raw_contract")}
    raw_bad = {"type": "work_contract", **contract("raw_refused", contract_type="cdi_forever")}
    truncated = json.dumps({"type": "work_contract", **contract("raw_truncated")}).encode()
    raw = {"type": "work_contract", **contract("raw_contract")}
    shapes: list[tuple[bytes, str]] = [
        (json.dumps({**raw, "beneficiary_id": int(IDS["raw_number"])}).encode(), market_id),
        (json.dumps({**raw, "beneficiary_id": [IDS["raw_list"]]}).encode(), market_id),
        (json.dumps({**raw, "notes": f"voir {IDS['raw_note']}"}).encode(), market_id),
        (json.dumps({**raw, IDS["raw_as_key"]: True}).encode(), market_id),
        (f"beneficiary_id={IDS['raw_not_json']}".encode(), market_id),
        (b"not json", IDS["raw_message_key"]),  # a producer keying by person
    ]
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, acks="all")
    await producer.start()
    try:
        for value, key in [
            (json.dumps(raw_ok).encode(), market_id),
            (json.dumps(raw_bad).encode(), market_id),
            (truncated[: truncated.index(b"beneficiary_id") + 40], market_id),
            *shapes,
        ]:
            await producer.send_and_wait(
                RAW_SUBMISSIONS.name,
                value,
                key=key.encode(),
                headers=[("authorization", f"Bearer {stack.token}".encode())],
            )
    finally:
        await producer.stop()
    return answers


async def raw_topic_done(kafka: str) -> None:
    """The dead letters and the raw contract published (with the HTTP one: 2 contracts)."""
    for _ in range(240):
        ends = await end_offsets(kafka, [DEAD_LETTER.name, WORK_CONTRACTS.name])
        if ends[DEAD_LETTER.name] >= RAW_REFUSED and ends[WORK_CONTRACTS.name] >= 5:
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"the raw topic was not processed: {ends}")


@pytest.fixture(scope="module")
async def fed(running: Running) -> list[httpx.Response]:
    answers = await feed(running.stack)
    await raw_topic_done(running.stack.kafka)
    stack = running.stack
    await settle(Pipeline(stack.kafka, stack.clauses, stack.indicators), within=180)
    return answers


async def test_no_raw_identifier_on_any_topic_in_any_table_or_log_line(
    running: Running, fed: list[httpx.Response], capsys: pytest.CaptureFixture[str]
) -> None:
    needles = set(IDS.values())

    topics, records = await topic_hits(running.stack.kafka, needles)
    tables = [table_hits(psycopg(url), needles) for url in running.databases]
    logs, lines = log_hits(running.logs, needles)

    statuses = [answer.status_code for answer in fed]
    assert statuses == [202, 202, 202, 422, 422, 422, 202, 422]
    assert [name for name, raw in IDS.items() if any(raw in a.text for a in fed)] == []
    # the raw topic carries them by construction: the scan sees them there
    assert topics.pop(RAW_SUBMISSIONS.name) == {IDS[n] for n in NAMES if n.startswith("raw_")}
    assert topics == {}
    assert [hits for hits, _ in tables] == [{}, {}]
    assert logs == {}
    rows = sum(count for _, count in tables)
    assert records > 20
    assert rows > 10
    assert lines > 10
    with capsys.disabled():  # in CI's output: what the sweep looked at
        print(
            f"\nsecurity sweep: {records} records, {rows} rows, {lines} log lines scanned; "
            f"none carries any of the {len(needles)} raw identifiers"
        )


async def test_the_scan_finds_an_identifier_planted_in_a_topic_a_table_and_a_log(
    running: Running, fed: list[httpx.Response]
) -> None:
    planted = raw_identifier("nir")
    admin = AIOKafkaAdminClient(bootstrap_servers=running.stack.kafka)
    await admin.start()
    try:
        await admin.create_topics([NewTopic("sweep.scratch", 1, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=running.stack.kafka, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait("sweep.scratch", json.dumps({"note": planted}).encode())
    finally:
        await producer.stop()
    engine = create_engine(psycopg(running.databases[1]))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE sweep_scratch (note text)"))
        connection.execute(text("INSERT INTO sweep_scratch VALUES (:n)"), {"n": f"x{planted}y"})
    engine.dispose()
    (running.logs / "scratch.log").write_text(f"INFO something about {planted}\n")

    topics, _ = await topic_hits(running.stack.kafka, {planted})
    tables = [table_hits(psycopg(url), {planted})[0] for url in running.databases]
    logs, _ = log_hits(running.logs, {planted})

    assert topics == {"sweep.scratch": {planted}}
    assert tables == [{}, {"sweep_scratch": {planted}}]
    assert logs == {"scratch.log": {planted}}
