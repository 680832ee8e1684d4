"""Sessions and scopes (issue 14, case 9), on the real broker and PostgreSQL.

Two ingest instances share one database and one tokens file: a web session signed out on
one is over on both, whoever kept a copy of its cookie; a submission belongs to the token
that sent it (its principal id), not to whichever token carries the same name later; and a
tokens file with two tokens of one name does not start.
"""

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.builders import HOLDER_SIRET, TEST_PSEUDONYMISATION_KEY, a_market_submission
from harness.processes import REPO
from services.ingest.bootstrap import build_service, create_app
from services.ingest.domain.access import hash_token
from services.ingest.entrypoints.web.session import Signer
from services.ingest.settings import IngestSettings
from tests.component.ingest.conftest import form_csrf
from tests.integration.hostile.checks import tried
from tests.integration.ingest.conftest import unique_market

SESSION_KEY = "k" * 40


def entries(namesake_token: str) -> list[dict[str, Any]]:
    """The facilitator, and the contractor "acme" whose token is `namesake_token`."""
    return [
        {"name": "facilitator", "role": "facilitator", "sha256": hash_token("facilitator")},
        {
            "name": "acme",
            "role": "contractor",
            "siret": HOLDER_SIRET,
            "sha256": hash_token(namesake_token),
        },
    ]


def write_tokens(path: Path, namesake_token: str) -> None:
    path.write_text(json.dumps({"tokens": entries(namesake_token)}), encoding="utf-8")


@dataclass
class Pair:
    """Two ingest instances on one database and one tokens file: `first` runs the broker,
    `second` serves the same database (web pages, submission status) without one."""

    first: httpx.AsyncClient
    second: httpx.AsyncClient
    tokens: Path


@pytest.fixture(scope="module")
async def pair(
    kafka_bootstrap: str, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Pair]:
    tokens = tmp_path_factory.mktemp("tokens") / "tokens.json"
    write_tokens(tokens, "acme-first-token")
    suffix = uuid.uuid4().hex[:10]
    settings = IngestSettings.model_validate(
        {
            "pseudonymisation_key": TEST_PSEUDONYMISATION_KEY,
            "kafka_bootstrap_servers": kafka_bootstrap,
            "database_url": postgres_url,
            "tokens_file": str(tokens),
            "web_session_key": SESSION_KEY,
            "raw_topic": f"insertion.raw-submissions.v1.sessions-{suffix}",
            "dead_letter_topic": f"insertion.dead-letter.v1.sessions-{suffix}",
            "raw_group_id": f"ingest-raw-sessions-{suffix}",
        }
    )
    first_service, second_service = build_service(settings), build_service(settings)
    first_app = create_app(first_service)
    second_app = create_app(second_service, manage_runtime=False)
    # HTTPS base URLs: the session cookie is Secure
    async with (
        first_app.router.lifespan_context(first_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=first_app), base_url="https://one", timeout=60
        ) as first,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=second_app), base_url="https://two", timeout=60
        ) as second,
    ):
        yield Pair(first, second, tokens)
    second_service.engine.dispose()


async def signed_in(client: httpx.AsyncClient, token: str) -> str:
    """Sign in on this instance; the session cookie's value."""
    page = await client.get("/ui/connexion")
    answer = await client.post("/ui/connexion", data={"jeton": token, "csrf": form_csrf(page.text)})
    assert answer.status_code == 303, answer.text[:300]
    cookie = answer.cookies.get("ih_session")
    assert cookie
    return cookie


async def with_cookie(client: httpx.AsyncClient, path: str, cookie: str) -> httpx.Response:
    """A request carrying a kept copy of a session cookie (and nothing from the jar)."""
    client.cookies.clear()
    return await client.get(path, headers={"Cookie": f"ih_session={cookie}"})


async def test_a_signed_out_session_cookie_opens_nothing_on_any_instance(pair: Pair) -> None:
    cookie = await signed_in(pair.first, "facilitator")
    before = [
        (await with_cookie(c, "/ui/depot", cookie)).status_code for c in (pair.first, pair.second)
    ]
    page = await pair.first.get("/ui/depot", headers={"Cookie": f"ih_session={cookie}"})
    tried("sessions and scopes", 2)

    out = await pair.first.post(
        "/ui/deconnexion",
        data={"csrf": form_csrf(page.text)},
        headers={"Cookie": f"ih_session={cookie}"},
    )
    after = [await with_cookie(c, "/ui/depot", cookie) for c in (pair.first, pair.second)]

    assert before == [200, 200]
    assert out.status_code == 303
    assert [r.status_code for r in after] == [303, 303]
    assert all(r.headers["location"].startswith("/ui/connexion") for r in after)


async def test_signing_out_on_one_instance_ends_the_session_on_the_other(pair: Pair) -> None:
    cookie = await signed_in(pair.first, "facilitator")
    page = await with_cookie(pair.second, "/ui/historique", cookie)
    tried("sessions and scopes")

    await pair.second.post(
        "/ui/deconnexion",
        data={"csrf": form_csrf(page.text)},
        headers={"Cookie": f"ih_session={cookie}"},
    )
    after = await with_cookie(pair.first, "/ui/historique", cookie)

    assert page.status_code == 200
    assert after.status_code == 303


async def test_a_session_forged_with_another_sessions_token_hash_opens_nothing(
    pair: Pair,
) -> None:
    """Sessions the server never opened are refused even when genuinely signed (a cookie
    key leaked with a configuration backup is not enough to mint sessions)."""
    signer = Signer(SESSION_KEY.encode(), lifetime_s=3600, clock=lambda: 2_000_000_000.0)
    _, forged = signer.new_session(hash_token("facilitator"))
    tried("sessions and scopes")

    answer = await with_cookie(pair.first, "/ui/depot", forged)

    assert answer.status_code == 303


async def test_a_later_token_of_the_same_name_reads_none_of_the_earlier_ones_submissions(
    pair: Pair,
) -> None:
    market_id = unique_market()
    market = a_market_submission(market_id=market_id, holders=[{"siret": HOLDER_SIRET}])
    notified = await pair.first.post(
        "/v1/markets",
        json=market.model_dump(mode="json"),
        headers={"Authorization": "Bearer facilitator"},
    )
    assert notified.status_code == 202
    invoice = {
        "market_id": market_id,
        "holder_siret": HOLDER_SIRET,
        "period": "2023-02",
        "amount_ht": "1000.00",
    }
    sent = await pair.first.post(
        "/v1/invoices", json=invoice, headers={"Authorization": "Bearer acme-first-token"}
    )
    assert sent.status_code == 202, sent.text
    location = sent.headers["location"]
    own = await pair.first.get(location, headers={"Authorization": "Bearer acme-first-token"})
    tried("sessions and scopes", 3)

    # the first token is withdrawn; a new one is given the same name (names stay unique)
    write_tokens(pair.tokens, "acme-second-token")
    newcomer = {"Authorization": "Bearer acme-second-token"}
    for _ in range(40):
        if (await pair.first.get(location, headers=newcomer)).status_code != 401:
            break
        await asyncio.sleep(0.25)
    statuses = [
        (await c.get(location, headers=newcomer)).status_code for c in (pair.first, pair.second)
    ]
    cookie = await signed_in(pair.second, "acme-second-token")
    history = await with_cookie(pair.second, "/ui/historique", cookie)
    facilitator_cookie = await signed_in(pair.second, "facilitator")
    everyone = await with_cookie(pair.second, "/ui/historique", facilitator_cookie)

    assert own.status_code == 200
    assert statuses == [404, 404]
    assert history.status_code == 200
    assert market_id not in history.text
    assert market_id in everyone.text  # the facilitator still sees it


def test_a_tokens_file_with_two_tokens_of_one_name_does_not_start_and_says_which(
    tmp_path: Path,
) -> None:
    duplicated = [
        {"name": "acme", "role": "facilitator", "sha256": hash_token("one")},
        {"name": "acme", "role": "facilitator", "sha256": hash_token("two")},
    ]
    env = {
        **os.environ,
        "INGEST_PSEUDONYMISATION_KEY": TEST_PSEUDONYMISATION_KEY,
        "INGEST_TOKENS": json.dumps(duplicated),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ingest.db'}",
        "INGEST_PORT": "0",
    }
    tried("sessions and scopes")

    try:
        started = subprocess.run(
            [sys.executable, "-m", "services.ingest"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("ingest started (and served) with two tokens named « acme »")

    assert started.returncode != 0
    assert "Deux jetons portent le même nom « acme »" in started.stderr
    assert "Two tokens share the name 'acme'" in started.stderr
    assert "Traceback" not in started.stderr
