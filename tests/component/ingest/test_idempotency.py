"""Case 8 of issue 14: a late retry never reverts a correction (Idempotency-Key, If-Match)."""

import asyncio
import json
import re
from collections.abc import Sequence
from typing import Any

from harness.builders import (
    HOLDER_SIRET,
    a_contract_submission,
    a_market_submission,
    an_hours_csv,
    an_hours_submission,
)
from services.ingest.domain.versions import Encoded
from shared.events import decode_event
from shared.topics import MARKETS, MONTHLY_HOURS
from tests.component.ingest.conftest import CONTRACTOR, FACILITATOR, OTHER_CONTRACTOR, Harness, Web

KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"
OTHER_KEY = "0b7e1c2a-5d55-4e8f-9a7e-3f0c4d1b2a99"


def keyed(key: str, headers: dict[str, str] = FACILITATOR) -> dict[str, str]:
    return {**headers, "Idempotency-Key": f'"{key}"'}


def first_month() -> Any:
    return an_hours_submission().model_dump(mode="json")


def corrected_month() -> Any:
    month = first_month()
    month["lines"][0]["insertion_hours"] = "120.00"
    return month


async def with_market_and_contract(ingest: Harness) -> None:
    for path, item in (
        ("/v1/markets", a_market_submission()),
        ("/v1/work-contracts", a_contract_submission()),
    ):
        answer = await ingest.client.post(
            path, json=item.model_dump(mode="json"), headers=FACILITATOR
        )
        assert answer.status_code == 202


async def post_hours(ingest: Harness, payload: Any, headers: dict[str, str]) -> Any:
    return await ingest.client.post("/v1/monthly-hours", json=payload, headers=headers)


def versions(ingest: Harness) -> list[int]:
    return [event.version for event in ingest.events(MONTHLY_HOURS.name)]


async def test_a_late_retry_of_the_first_month_with_its_key_replays_its_answer_and_keeps_the_correction(  # noqa: E501
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    first = await post_hours(ingest, first_month(), keyed(KEY))
    corrected = await post_hours(ingest, corrected_month(), keyed(OTHER_KEY))

    retried = await post_hours(ingest, first_month(), keyed(KEY))

    assert (first.status_code, corrected.status_code) == (202, 202)
    assert retried.status_code == 202
    assert retried.json() == first.json()
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.headers["location"] == first.headers["location"]
    assert "idempotent-replayed" not in first.headers
    assert versions(ingest) == [1, 2]


async def test_without_a_key_a_late_retry_of_the_first_month_is_published_again_as_version_3(
    ingest: Harness,
) -> None:
    """The earlier behaviour, kept for clients that send neither a key nor a version."""
    await with_market_and_contract(ingest)
    await post_hours(ingest, first_month(), FACILITATOR)
    await post_hours(ingest, corrected_month(), FACILITATOR)

    retried = await post_hours(ingest, first_month(), FACILITATOR)

    assert retried.status_code == 202
    assert retried.json()["events"][0]["version"] == 3
    assert versions(ingest) == [1, 2, 3]


async def test_a_key_reused_with_another_body_is_refused_with_422_and_nothing_is_published(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    await post_hours(ingest, first_month(), keyed(KEY))

    reused = await post_hours(ingest, corrected_month(), keyed(KEY))

    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert "autre requête" in reused.json()["message"]
    assert versions(ingest) == [1]


async def test_a_key_reused_on_another_route_is_refused_with_422(ingest: Harness) -> None:
    await with_market_and_contract(ingest)
    await post_hours(ingest, first_month(), keyed(KEY))

    market = a_market_submission(market_id="2023-0099").model_dump(mode="json")
    reused = await ingest.client.post("/v1/markets", json=market, headers=keyed(KEY))

    assert reused.status_code == 422
    assert [m.market_id for m in ingest.events(MARKETS.name)] == ["2023-0042"]


async def test_keys_are_scoped_to_their_sender(ingest: Harness) -> None:
    await with_market_and_contract(ingest)
    await post_hours(ingest, first_month(), keyed(KEY))

    other = await post_hours(ingest, corrected_month(), keyed(KEY, CONTRACTOR))

    assert other.status_code == 202
    assert "idempotent-replayed" not in other.headers
    assert versions(ingest) == [1, 2]


async def test_two_simultaneous_requests_with_one_key_publish_once_and_the_other_gets_409(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    inner = ingest.publisher.inner
    publish = inner.publish
    started = asyncio.Event()

    async def slow(events: Sequence[Encoded]) -> None:
        started.set()
        await asyncio.sleep(0.5)
        await publish(events)

    inner.publish = slow  # type: ignore[method-assign]

    async def second() -> Any:
        await started.wait()
        return await post_hours(ingest, first_month(), keyed(KEY))

    one, two = await asyncio.gather(post_hours(ingest, first_month(), keyed(KEY)), second())

    assert (one.status_code, two.status_code) == (202, 409)
    assert two.json()["code"] == "idempotency_key_in_progress"
    assert versions(ingest) == [1]
    inner.publish = publish  # type: ignore[method-assign]
    after = await post_hours(ingest, first_month(), keyed(KEY))
    assert after.status_code == 202
    assert after.headers["idempotent-replayed"] == "true"


async def test_a_refused_request_does_not_hold_its_key(ingest: Harness) -> None:
    await with_market_and_contract(ingest)
    broken = first_month()
    broken["lines"][0]["insertion_hours"] = "-1"
    refused = await post_hours(ingest, broken, keyed(KEY))

    fixed = await post_hours(ingest, first_month(), keyed(KEY))

    assert refused.status_code == 422
    assert fixed.status_code == 202
    assert versions(ingest) == [1]


async def test_a_request_the_broker_did_not_acknowledge_may_be_retried_with_its_key(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    ingest.publisher.failing = True
    failed = await post_hours(ingest, first_month(), keyed(KEY))
    ingest.publisher.failing = False

    retried = await post_hours(ingest, first_month(), keyed(KEY))

    assert failed.status_code == 503
    assert retried.status_code == 202
    assert "idempotent-replayed" not in retried.headers
    assert versions(ingest) == [1]


async def test_a_malformed_key_is_refused_with_400_in_french(ingest: Harness) -> None:
    for bad in ('"short"', '"with space inside"', "key;with;semicolons", '"unterminated'):
        answer = await post_hours(ingest, first_month(), {**FACILITATOR, "Idempotency-Key": bad})

        assert answer.status_code == 400
        assert answer.json()["code"] == "invalid_idempotency_key"
        assert "caractères" in answer.json()["message"]
    assert versions(ingest) == []


async def test_a_correction_stating_a_version_no_longer_current_gets_409_with_the_current_one(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    first = await post_hours(ingest, first_month(), FACILITATOR)
    await post_hours(ingest, corrected_month(), {**FACILITATOR, "If-Match": first.headers["etag"]})
    late = first_month()
    late["lines"][0]["insertion_hours"] = "60.00"

    stale = await post_hours(ingest, late, {**FACILITATOR, "If-Match": first.headers["etag"]})

    assert first.headers["etag"] == '"1"'
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    [item] = stale.json()["errors"]
    assert (item["code"], item["current_version"]) == ("stale_version", 2)
    assert "version actuelle est la 2" in item["message"]
    assert versions(ingest) == [1, 2]


async def test_a_first_version_stated_as_replacing_nothing_cannot_come_back_after_a_correction(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    first = {**first_month(), "replaces_version": 0}
    await post_hours(ingest, first, FACILITATOR)
    await post_hours(ingest, {**corrected_month(), "replaces_version": 1}, FACILITATOR)

    retried = await post_hours(ingest, first, FACILITATOR)
    retried_correction = await post_hours(
        ingest, {**corrected_month(), "replaces_version": 1}, FACILITATOR
    )

    assert retried.status_code == 409
    assert retried.json()["errors"][0]["current_version"] == 2
    assert retried_correction.status_code == 202
    assert retried_correction.json()["replayed"] is True
    assert versions(ingest) == [1, 2]


async def test_each_item_of_a_list_states_its_own_version_and_one_stale_refuses_the_list(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    await post_hours(ingest, first_month(), FACILITATOR)
    june = {**first_month(), "period": "2023-06", "replaces_version": 0}
    stale_may = {**corrected_month(), "replaces_version": 0}

    answer = await post_hours(ingest, [june, stale_may], FACILITATOR)

    assert answer.status_code == 409
    [item] = answer.json()["errors"]
    assert item["location"] == "[1].replaces_version"
    assert versions(ingest) == [1]


async def test_if_match_on_a_list_or_a_file_is_refused_with_400(ingest: Harness) -> None:
    headers = {**FACILITATOR, "If-Match": '"1"'}

    on_list = await post_hours(ingest, [first_month(), first_month()], headers)
    on_file = await ingest.client.post(
        "/v1/monthly-hours/csv", content=b"x", headers={**headers, "Content-Type": "text/csv"}
    )
    malformed = await post_hours(ingest, first_month(), {**FACILITATOR, "If-Match": "v1"})

    assert [a.status_code for a in (on_list, on_file, malformed)] == [400, 400, 400]
    assert {a.json()["code"] for a in (on_list, on_file, malformed)} == {"invalid_precondition"}


async def test_a_raw_message_with_a_key_already_published_is_skipped_and_another_body_dead_lettered(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    topic = ingest.service.settings.raw_topic
    auth = {"authorization": CONTRACTOR["Authorization"], "idempotency-key": KEY}
    raw_first = json.dumps({"type": "monthly_hours", **first_month()}).encode()
    raw_corrected = json.dumps({"type": "monthly_hours", **corrected_month()}).encode()
    await ingest.service.broker.publish(raw_first, topic=topic, key=b"k", headers=auth)
    await post_hours(ingest, corrected_month(), CONTRACTOR)

    await ingest.service.broker.publish(raw_first, topic=topic, key=b"k", headers=auth)
    await ingest.service.broker.publish(raw_corrected, topic=topic, key=b"k", headers=auth)
    other = {**auth, "authorization": OTHER_CONTRACTOR["Authorization"]}
    await ingest.service.broker.publish(raw_first, topic=topic, key=b"k", headers=other)

    assert versions(ingest) == [1, 2]
    reasons = [headers["dead-letter-reason"] for _, headers in ingest.dead_letters]
    assert reasons == ["idempotency_key_reused", "forbidden"]


def form_values(html: str) -> dict[str, str]:
    found = dict(re.findall(r'name="(csrf|idempotency_key)" value="([^"]+)"', html))
    assert set(found) == {"csrf", "idempotency_key"}, "the upload form lacks its hidden fields"
    return found


async def upload(web: Web, document: bytes, form: dict[str, str]) -> Any:
    files = {"file": ("heures-mai.csv", document, "text/csv")}
    return await web.client.post("/ui/depot", data=form, files=files)


async def test_the_upload_form_sent_again_publishes_once_and_shows_its_first_result(
    web: Web,
) -> None:
    holders = [{"siret": HOLDER_SIRET, "is_sme": True, "in_territory": True}]
    market = a_market_submission(holders=holders).model_dump(mode="json")
    assert (await web.api.post("/v1/markets", json=market, headers=FACILITATOR)).is_success
    await web.sign_in("facilitator-token")
    first_form = form_values((await web.client.get("/ui/depot")).text)
    first_file = an_hours_csv("2023-0042", 2)
    first = await upload(web, first_file, first_form)
    second_form = form_values(first.text)
    corrected = await upload(web, an_hours_csv("2023-0042", 2, insertion="90"), second_form)

    again = await upload(web, first_file, first_form)
    reused = await upload(web, an_hours_csv("2023-0042", 3), first_form)

    assert second_form["idempotency_key"] != first_form["idempotency_key"]
    assert (first.status_code, corrected.status_code, again.status_code) == (200, 200, 200)
    assert "Fichier déjà reçu" in again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert reused.status_code == 422
    assert "autre requête" in reused.text
    reports = [decode_event(raw) for raw in web.topics[MONTHLY_HOURS.name]]
    assert [report.version for report in reports] == [1, 2]
