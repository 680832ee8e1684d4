"""The authorisation matrix over every route of the three services.

The routes come from each app's OpenAPI document (plus its docs pages), so a new route
without an entry in POLICY fails `test_every_route_of_every_service_has_a_policy`.
Ingest's tokens come from a tokens file, with an expired and a revoked token, and a
revocation written to the file takes effect without a restart.
"""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from starlette.routing import Mount, Route

from services.clauses.app import build as build_clauses
from services.clauses.app import http_app
from services.clauses.settings import ClausesSettings
from services.indicators.app import build_service as build_indicators
from services.indicators.settings import IndicatorsSettings
from services.ingest.app import build_service, create_app
from services.ingest.auth import hash_token
from services.ingest.settings import IngestSettings
from shared.topics import WORK_CONTRACTS
from tests.builders import (
    HOLDER_SIRET,
    TEST_PSEUDONYMISATION_KEY,
    a_contract_submission,
    a_market_submission,
)
from tests.component.ingest.conftest import OTHER_SIRET
from tests.integration.hostile.checks import stored_submissions, tried
from tests.integration.ingest.conftest import Live, TopicReader, unique_market
from tests.integration.ingest.test_auth_matrix import routes


@dataclass(frozen=True)
class Scoped:
    """A route that needs a token: the status of the facilitator, of contractor A on its own
    market (or submission), and of contractor A on B's."""

    facilitator: int
    own: int
    others: int


PUBLIC = "public"
Policy = Scoped | str
SUBMISSIONS = ("GET", "/v1/submissions/{submission_id}")
# Swagger UI from the service's own files (shared/http_security.py); no ReDoc (it needs a CDN)
DOCS = {
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/docs/static/{name}"): PUBLIC,
}
# web pages: without a session cookie (signed, holding the token's hash), back to sign-in
SESSION = "session"
POLICY: dict[str, dict[tuple[str, str], Policy]] = {
    "ingest": {
        ("POST", "/v1/markets"): Scoped(202, 403, 403),
        ("POST", "/v1/decp"): Scoped(202, 403, 403),
        ("POST", "/v1/invoices"): Scoped(202, 202, 403),
        ("POST", "/v1/work-contracts"): Scoped(202, 202, 403),
        ("POST", "/v1/monthly-hours"): Scoped(202, 202, 403),
        ("POST", "/v1/monthly-hours/csv"): Scoped(202, 202, 403),
        # another's submission is "unknown" (404): its existence is not revealed
        SUBMISSIONS: Scoped(200, 200, 404),
        ("GET", "/health"): PUBLIC,
        ("GET", "/metrics"): PUBLIC,
        ("GET", "/ui"): SESSION,
        ("GET", "/ui/"): SESSION,
        ("GET", "/ui/connexion"): PUBLIC,
        ("POST", "/ui/connexion"): PUBLIC,
        ("POST", "/ui/deconnexion"): SESSION,
        ("GET", "/ui/depot"): SESSION,
        ("POST", "/ui/depot"): SESSION,
        ("GET", "/ui/historique"): SESSION,
        ("GET", "/ui/modele.csv"): PUBLIC,  # the empty template, no data
        ("GET", "/ui/marches"): SESSION,
        ("GET", "/ui/marches/{market_id}"): SESSION,
        ("GET", "/ui/static/{name}"): PUBLIC,
        **DOCS,
    },
    # aggregates only, no identifier of a person (see services/ingest/README.md, Tokens)
    "clauses": {
        ("GET", "/v1/aggregates/hours"): PUBLIC,
        ("GET", "/v1/aggregates/counts"): PUBLIC,
        ("GET", "/v1/markets/{market_id}/clause"): PUBLIC,
        # people by gender and contract type through small-cell suppression
        ("GET", "/v1/markets/{market_id}/overview"): PUBLIC,
        ("GET", "/health"): PUBLIC,
        ("GET", "/metrics"): PUBLIC,
        **DOCS,
    },
    "indicators": {
        ("GET", "/v1/indicators"): PUBLIC,
        ("GET", "/v1/indicators/years"): PUBLIC,
        ("GET", "/v1/assessment/{year}"): PUBLIC,
        ("GET", "/health"): PUBLIC,
        ("GET", "/metrics"): PUBLIC,
        **DOCS,
    },
}
EXPIRED = datetime(2020, 1, 1, tzinfo=UTC).isoformat()
TOKENS: dict[str, dict[str, Any]] = {
    "facilitator": {"role": "facilitator"},
    "contractor-a": {"role": "contractor", "siret": HOLDER_SIRET},
    "contractor-b": {"role": "contractor", "siret": OTHER_SIRET},
    "expired": {"role": "facilitator", "expires_at": EXPIRED},
    "revoked": {"role": "facilitator", "revoked": True},
}
BAD_CREDENTIALS: dict[str, dict[str, str]] = {
    "no token": {},
    "empty bearer": {"Authorization": "Bearer"},
    "blank bearer": {"Authorization": "Bearer    "},
    "basic": {"Authorization": "Basic ZmFjaWxpdGF0b3I6eA=="},
    "token without scheme": {"Authorization": "facilitator"},
    "malformed": {"Authorization": "Bearer a b c"},
    "unknown": {"Authorization": "Bearer guessed-token"},
    "facilitator's hash as token": {"Authorization": f"Bearer {hash_token('facilitator')}"},
    "expired": {"Authorization": "Bearer expired"},
    "revoked": {"Authorization": "Bearer revoked"},
}


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {name}"}


def token_file(path: Path, **changes: dict[str, Any]) -> None:
    entries = [
        {"name": name, "sha256": hash_token(name), **fields, **changes.get(name, {})}
        for name, fields in {**TOKENS, "to-revoke": {"role": "facilitator"}}.items()
    ]
    path.write_text(json.dumps({"tokens": entries}), encoding="utf-8")


def operations(routes: Sequence[Any]) -> set[tuple[str, str]]:
    """Every (method, path) an app serves, from its route table, included routers and pages
    left out of the OpenAPI document (`include_in_schema=False`) included."""
    found: set[tuple[str, str]] = set()
    for route in routes:
        if isinstance(route, Mount):
            found.add(("MOUNT", route.path))
        elif hasattr(route, "original_router"):  # FastAPI's included router
            assert route.include_context.prefix == "", "prefixed routers: add the prefix here"
            found |= operations(route.original_router.routes)
        elif isinstance(route, Route):
            found |= {(method, route.path) for method in route.methods or () if method != "HEAD"}
        else:
            raise AssertionError(f"a route of an unknown kind: {route!r}")
    return found


@dataclass
class Secured:
    """Ingest with a tokens file, and that file."""

    live: Live
    tokens: Path


@pytest.fixture(scope="module")
async def secured(
    kafka_bootstrap: str, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Secured]:
    tokens = tmp_path_factory.mktemp("tokens") / "tokens.json"
    token_file(tokens)
    suffix = uuid.uuid4().hex[:10]
    settings = IngestSettings.model_validate(
        {
            "pseudonymisation_key": TEST_PSEUDONYMISATION_KEY,
            "kafka_bootstrap_servers": kafka_bootstrap,
            "database_url": postgres_url,
            "tokens_file": str(tokens),
            "raw_topic": f"insertion.raw-submissions.v1.authz-{suffix}",
            "dead_letter_topic": f"insertion.dead-letter.v1.authz-{suffix}",
            "raw_group_id": f"ingest-raw-authz-{suffix}",
        }
    )
    service = build_service(settings)
    app = create_app(service)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://i", timeout=60) as c:
            yield Secured(Live(c, service, settings, kafka_bootstrap), tokens)


def apps() -> dict[str, FastAPI]:
    """The three apps, wired but not started (nothing connects)."""
    ingest = IngestSettings(pseudonymisation_key=TEST_PSEUDONYMISATION_KEY)
    return {
        "ingest": create_app(build_service(ingest)),
        "clauses": http_app(build_clauses(ClausesSettings(database_url="sqlite://"))),
        "indicators": build_indicators(IndicatorsSettings()).http,
    }


def test_every_route_of_every_service_has_a_policy() -> None:
    served = {name: operations(app.routes) for name, app in apps().items()}

    assert served == {name: set(policy) for name, policy in POLICY.items()}


async def submit(client: httpx.AsyncClient, path: str, market_id: str, who: str) -> int:
    kind, body = routes(market_id, f"C-{market_id}-{who}")[path]
    if kind == "json":
        response = await client.post(path, json=body, headers=bearer(who))
    else:
        response = await client.post(path, content=body["content"], headers=bearer(who))
    return response.status_code


async def notify(client: httpx.AsyncClient, holder: str) -> str:
    market_id = unique_market()
    body = a_market_submission(market_id=market_id, holders=[{"siret": holder}])
    response = await client.post(
        "/v1/markets", json=body.model_dump(mode="json"), headers=bearer("facilitator")
    )
    assert response.status_code == 202
    for who in ("facilitator", "contractor-a"):  # the contracts the hours lines cite
        contract = a_contract_submission(
            market_id=market_id, contract_id=f"C-{market_id}-{who}", employer_siret=holder
        )
        answer = await client.post(
            "/v1/work-contracts",
            json=contract.model_dump(mode="json"),
            headers=bearer("facilitator"),
        )
        assert answer.status_code == 202
    return market_id


SCOPED_POSTS = [
    path
    for (method, path), policy in POLICY["ingest"].items()
    if method == "POST" and isinstance(policy, Scoped)
]


@pytest.mark.parametrize("path", SCOPED_POSTS)
async def test_who_may_submit_on_which_market(secured: Secured, path: str) -> None:
    client = secured.live.client
    own, others = await notify(client, HOLDER_SIRET), await notify(client, OTHER_SIRET)
    expected = POLICY["ingest"][("POST", path)]
    tried("authorisation matrix", 3)

    by_facilitator = await submit(client, path, own, "facilitator")
    on_own = await submit(client, path, own, "contractor-a")
    on_others = await submit(client, path, others, "contractor-a")

    assert (by_facilitator, on_own, on_others) == (
        expected.facilitator,  # type: ignore[union-attr]
        expected.own,  # type: ignore[union-attr]
        expected.others,  # type: ignore[union-attr]
    )


async def test_a_submission_is_read_by_its_sender_and_the_facilitator_only(
    secured: Secured,
) -> None:
    client = secured.live.client
    own = await notify(client, HOLDER_SIRET)
    invoice = {"market_id": own, "holder_siret": HOLDER_SIRET, "period": "2023-02"}
    invoice["amount_ht"] = "1000.00"
    sent = await client.post("/v1/invoices", json=invoice, headers=bearer("contractor-a"))
    location = sent.headers["location"]
    expected = POLICY["ingest"][SUBMISSIONS]
    tried("authorisation matrix", 3)

    statuses = [
        (await client.get(location, headers=bearer(who))).status_code
        for who in ("facilitator", "contractor-a", "contractor-b")
    ]

    assert tuple(statuses) == (expected.facilitator, expected.own, expected.others)  # type: ignore[union-attr]


PROTECTED = [
    (method, path)
    for (method, path), policy in POLICY["ingest"].items()
    if isinstance(policy, Scoped)
]


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS, ids=list(BAD_CREDENTIALS))
@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[p for _, p in PROTECTED])
async def test_a_route_that_needs_a_token_refuses_every_bad_one_and_stores_nothing(
    secured: Secured, method: str, path: str, credentials: str
) -> None:
    client = secured.live.client
    market_id = unique_market()
    url = path.replace("{submission_id}", str(uuid.uuid4()))
    body = routes(market_id, f"C-{market_id}")[path][1] if method == "POST" else None
    before = stored_submissions(secured.live)
    tried("authorisation matrix")

    if body is None:
        response = await client.get(url, headers=BAD_CREDENTIALS[credentials])
    else:
        content = body.get("content") if "content" in body else json.dumps(body).encode()
        response = await client.post(url, content=content, headers=BAD_CREDENTIALS[credentials])

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["message"].startswith("Jeton d'accès")
    assert stored_submissions(secured.live) == before


async def test_an_expired_or_revoked_token_is_told_why(secured: Secured) -> None:
    client = secured.live.client

    expired = await client.get("/v1/submissions/x", headers=bearer("expired"))
    revoked = await client.get("/v1/submissions/x", headers=bearer("revoked"))

    assert "expiré" in expired.json()["message"]
    assert "révoqué" in revoked.json()["message"]


async def test_revoking_a_token_in_the_file_takes_effect_without_a_restart(
    secured: Secured,
) -> None:
    client = secured.live.client
    probe = f"/v1/submissions/{uuid.uuid4()}"
    before = (await client.get(probe, headers=bearer("to-revoke"))).status_code
    soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()

    changes: dict[str, dict[str, Any]] = {
        "to-revoke": {"revoked": True},
        "contractor-b": {"expires_at": soon},
    }
    token_file(secured.tokens, **changes)
    statuses: list[int] = []
    for _ in range(40):
        await asyncio.sleep(0.25)
        statuses = [
            (await client.get(probe, headers=bearer(who))).status_code
            for who in ("to-revoke", "contractor-b", "facilitator")
        ]
        if statuses[:2] == [401, 401]:
            break

    assert before == 404  # authenticated: the submission is just unknown
    assert statuses == [401, 401, 404]
    await restore_tokens(secured, probe)


async def restore_tokens(secured: Secured, probe: str) -> None:
    """Put the tokens file back and wait until the service has re-read it (it looks at the
    file once a second at most): the tests after this one use contractor-b."""
    token_file(secured.tokens)
    for _ in range(40):
        statuses = [
            (await secured.live.client.get(probe, headers=bearer(who))).status_code
            for who in ("to-revoke", "contractor-b")
        ]
        if statuses == [404, 404]:
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"the restored tokens file was not re-read: {statuses}")


PUBLIC_SAMPLES = {
    "/v1/markets/{market_id}/clause": "/v1/markets/M-1/clause",
    "/v1/assessment/{year}": "/v1/assessment/2023",
    "/v1/markets/{market_id}/overview": "/v1/markets/M-1/overview",
    "/ui/static/{name}": "/ui/static/style.css",
    "/docs/static/{name}": "/docs/static/swagger-ui.css",
}
PAGES = [key for key, policy in POLICY["ingest"].items() if policy == SESSION]


@pytest.mark.parametrize(("method", "path"), PAGES, ids=[f"{m} {p}" for m, p in PAGES])
async def test_a_web_page_without_a_session_sends_to_sign_in_and_does_nothing(
    secured: Secured, method: str, path: str
) -> None:
    client = secured.live.client
    before = stored_submissions(secured.live)
    url = path.replace("{market_id}", unique_market())
    tried("authorisation matrix")

    response = await client.request(
        method, url, headers=bearer("facilitator"), content=b"", follow_redirects=False
    )

    assert response.status_code == 303, response.text[:300]
    assert response.headers["location"].startswith("/ui/connexion")
    assert stored_submissions(secured.live) == before


@pytest.mark.parametrize("service", ["ingest", "clauses", "indicators"])
async def test_every_public_route_answers_without_a_token(
    service: str,
    secured: Secured,
    clauses: httpx.AsyncClient,
    indicators: httpx.AsyncClient,
) -> None:
    client = {"ingest": secured.live.client, "clauses": clauses, "indicators": indicators}[service]
    public = [
        path
        for (method, path), policy in POLICY[service].items()
        if policy == PUBLIC and method == "GET"
    ]
    tried("authorisation matrix", len(public))

    statuses = {
        path: (await client.get(PUBLIC_SAMPLES.get(path, path))).status_code for path in public
    }

    # 404: a sample market or year without data, answered all the same
    assert all(status in (200, 404) for status in statuses.values()), statuses


async def test_the_raw_topic_dead_letters_expired_revoked_and_out_of_scope_senders(
    secured: Secured,
) -> None:
    live = secured.live
    own, others = await notify(live.client, HOLDER_SIRET), await notify(live.client, OTHER_SIRET)
    senders = {
        "expired": (own, "unknown_token"),
        "revoked": (own, "unknown_token"),
        "contractor-a": (others, "forbidden"),
        "contractor-b": (others, None),  # its own market: published
    }
    producer = AIOKafkaProducer(bootstrap_servers=live.bootstrap, acks="all")
    await producer.start()
    topics = [live.settings.dead_letter_topic, WORK_CONTRACTS.name]
    try:
        async with TopicReader(live.bootstrap, topics) as reader:
            for who, (market_id, _) in senders.items():
                body = a_contract_submission(
                    market_id=market_id,
                    contract_id=f"C-raw-{who}-{market_id}",
                    employer_siret=OTHER_SIRET if market_id == others else HOLDER_SIRET,
                ).model_dump(mode="json")
                await producer.send_and_wait(
                    live.settings.raw_topic,
                    json.dumps({"type": "work_contract", **body}).encode(),
                    key=f"{market_id}:{who}".encode(),
                    headers=[("authorization", f"Bearer {who}".encode())],
                )
            tried("authorisation matrix", len(senders))
            found = await reader.collect(
                lambda r: r.key is not None and r.key.startswith((own.encode(), others.encode())),
                count=len(senders),
            )
    finally:
        await producer.stop()

    letters = {
        r.key.decode().split(":", 1)[1]: dict(r.headers)["dead-letter-reason"].decode()
        for r in found
        if r.topic == live.settings.dead_letter_topic
    }
    published = [r for r in found if r.topic == WORK_CONTRACTS.name and b"C-raw-" in r.value]
    assert letters == {who: reason for who, (_, reason) in senders.items() if reason}
    assert len(published) == 1
    assert b"C-raw-contractor-b-" in published[0].value
