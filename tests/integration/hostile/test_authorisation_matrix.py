"""The authorisation matrix over every route of the three services.

The routes come from each app's OpenAPI document (plus its docs pages), so a new route
without an entry in POLICY fails `test_every_route_of_every_service_has_a_policy`.
Ingest's tokens come from a tokens file, with an expired and a revoked token, and a
revocation written to the file takes effect without a restart.
"""

import asyncio
import html
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

from harness.builders import (
    BUYER_SIRET,
    DEPARTEMENT_SIRET,
    HOLDER_SIRET,
    OTHER_SIRET,
    RAW_BENEFICIARY,
    TEST_PSEUDONYMISATION_KEY,
    a_contract_submission,
    a_market_submission,
    an_hours_csv,
    an_hours_submission,
    an_invoice_submission,
)
from services.clauses.bootstrap import build as build_clauses
from services.clauses.bootstrap import http_app
from services.clauses.settings import ClausesSettings
from services.indicators.bootstrap import build_service as build_indicators
from services.indicators.settings import IndicatorsSettings
from services.ingest.bootstrap import build_service, create_app
from services.ingest.domain.access import hash_token
from services.ingest.domain.raw_messages import keyed_digest
from services.ingest.settings import IngestSettings
from shared.topics import WORK_CONTRACTS
from tests.component.ingest.conftest import form_csrf
from tests.integration.hostile.checks import stored_submissions, tried
from tests.integration.ingest.conftest import Live, TopicReader, unique_market
from tests.integration.ingest.test_auth_matrix import routes


@dataclass(frozen=True)
class Scoped:
    """A route that needs a token: the status of the facilitator serving every buyer, of
    contractor A on its own market (or submission), of contractor A on B's, and of the
    facilitators whose perimeter is the region (the market's buyer) and the département."""

    facilitator: int
    own: int
    others: int
    in_perimeter: int
    outside_perimeter: int


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
        ("POST", "/v1/markets"): Scoped(202, 403, 403, 202, 403),
        ("POST", "/v1/decp"): Scoped(202, 403, 403, 202, 403),
        ("POST", "/v1/invoices"): Scoped(202, 202, 403, 202, 403),
        ("POST", "/v1/work-contracts"): Scoped(202, 202, 403, 202, 403),
        ("POST", "/v1/monthly-hours"): Scoped(202, 202, 403, 202, 403),
        ("POST", "/v1/monthly-hours/csv"): Scoped(202, 202, 403, 202, 403),
        # another's submission is "unknown" (404): its existence is not revealed; only the
        # facilitator serving every buyer reads every one (submissions name no buyer)
        SUBMISSIONS: Scoped(200, 200, 404, 404, 404),
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
    "facilitator-region": {"role": "facilitator", "buyers": [BUYER_SIRET]},
    "facilitator-departement": {"role": "facilitator", "buyers": [DEPARTEMENT_SIRET]},
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
    app: FastAPI


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
            yield Secured(Live(c, service, settings, kafka_bootstrap), tokens, app)


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
    for who in ("facilitator", "contractor-a", "facilitator-region"):  # hours lines cite them
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
    tried("authorisation matrix", 5)

    by_facilitator = await submit(client, path, own, "facilitator")
    on_own = await submit(client, path, own, "contractor-a")
    on_others = await submit(client, path, others, "contractor-a")
    in_perimeter = await submit(client, path, own, "facilitator-region")
    outside = await submit(client, path, own, "facilitator-departement")

    assert isinstance(expected, Scoped)
    assert (by_facilitator, on_own, on_others, in_perimeter, outside) == (
        expected.facilitator,
        expected.own,
        expected.others,
        expected.in_perimeter,
        expected.outside_perimeter,
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
    tried("authorisation matrix", 5)

    statuses = [
        (await client.get(location, headers=bearer(who))).status_code
        for who in (
            "facilitator",
            "contractor-a",
            "contractor-b",
            "facilitator-region",
            "facilitator-departement",
        )
    ]

    assert isinstance(expected, Scoped)
    assert tuple(statuses) == (
        expected.facilitator,
        expected.own,
        expected.others,
        expected.in_perimeter,
        expected.outside_perimeter,
    )


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
    # dead letters are keyed by the keyed digest of the refused message's key
    whose = {
        keyed_digest(f"{market_id}:{who}".encode(), live.service.pseudonymise).encode(): who
        for who, (market_id, _) in senders.items()
    }
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
                lambda r: (
                    r.key in whose
                    or (r.key is not None and r.key.startswith((own.encode(), others.encode())))
                ),
                count=len(senders),
            )
    finally:
        await producer.stop()

    letters = {
        whose[r.key]: dict(r.headers)["dead-letter-reason"].decode()
        for r in found
        if r.topic == live.settings.dead_letter_topic and r.key in whose
    }
    published = [r for r in found if r.topic == WORK_CONTRACTS.name and b"C-raw-" in r.value]
    assert letters == {who: reason for who, (_, reason) in senders.items() if reason}
    assert len(published) == 1
    assert b"C-raw-contractor-b-" in published[0].value


# -- one contractor never reaches another's contracts or months (issue 14, cases 2 and 3) --

ELSEWHERE = "someone else"  # a wrong guess of B's beneficiary (RAW_BENEFICIARY is the right one)


async def a_market(client: httpx.AsyncClient, *holders: str) -> str:
    """A market notified by the facilitator, held by these SIRETs."""
    market_id = unique_market()
    body = a_market_submission(market_id=market_id, holders=[{"siret": s} for s in holders])
    response = await client.post(
        "/v1/markets", json=body.model_dump(mode="json"), headers=bearer("facilitator")
    )
    assert response.status_code == 202
    return market_id


def a_report(
    market_id: str, employer: str, contract_id: str, period: str = "2023-06", **line: Any
) -> dict[str, Any]:
    body = an_hours_submission(
        market_id=market_id, employer_siret=employer, period=period
    ).model_dump(mode="json")
    body["lines"][0].update(contract_id=contract_id, **line)
    return body


def a_contract(market_id: str, employer: str, contract_id: str, **fields: Any) -> dict[str, Any]:
    return a_contract_submission(
        market_id=market_id, employer_siret=employer, contract_id=contract_id, **fields
    ).model_dump(mode="json")


async def bs_contract(client: httpx.AsyncClient) -> tuple[str, str]:
    """B's market and a contract B declared on it, with a month of hours."""
    market_b = await a_market(client, OTHER_SIRET)
    contract_id = f"C-{uuid.uuid4().hex[:12]}"
    who = bearer("contractor-b")
    sent = await client.post(
        "/v1/work-contracts", json=a_contract(market_b, OTHER_SIRET, contract_id), headers=who
    )
    report = await client.post(
        "/v1/monthly-hours", json=a_report(market_b, OTHER_SIRET, contract_id), headers=who
    )
    assert (sent.status_code, report.status_code) == (202, 202), (sent.text, report.text)
    return market_b, contract_id


def csv_of(market_id: str, employer: str, contract_id: str) -> bytes:
    """A one-row CSV of contractor A's, naming this employer and contract reference."""
    return an_hours_csv(market_id, 1, siret=employer, contract=contract_id)


async def web_upload(secured: Secured, who: str, document: bytes) -> httpx.Response:
    """The CSV dropped on /ui/depot by a signed-in `who` (HTTPS: the cookie is Secure)."""
    transport = httpx.ASGITransport(app=secured.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://i", timeout=60) as web:
        page = await web.get("/ui/connexion")
        await web.post("/ui/connexion", data={"jeton": who, "csrf": form_csrf(page.text)})
        csrf = form_csrf((await web.get("/ui/depot")).text)
        files = {"file": ("heures.csv", document, "text/csv")}
        return await web.post("/ui/depot", data={"csrf": csrf}, files=files)


async def send_as(
    secured: Secured,
    via: str,
    who: str,
    *,
    contract: dict[str, Any] | None = None,
    report: dict[str, Any] | None = None,
    csv: bytes | None = None,
) -> httpx.Response:
    """One submission of `who` through an entry point (json, csv or the web upload)."""
    client = secured.live.client
    if via == "web":
        assert csv is not None
        return await web_upload(secured, who, csv)
    if via == "csv":
        return await client.post("/v1/monthly-hours/csv", content=csv, headers=bearer(who))
    path, body = ("/v1/work-contracts", contract) if contract else ("/v1/monthly-hours", report)
    return await client.post(path, json=body, headers=bearer(who))


def reveals(text: str, *secrets: str) -> list[str]:
    """Which of another party's values (market, SIRET) a text shows."""
    return [secret for secret in secrets if secret in text]


@pytest.mark.parametrize("via", ["json", "csv", "web"])
async def test_a_contract_id_another_contractor_used_is_refused_without_saying_whose(
    secured: Secured, via: str
) -> None:
    client = secured.live.client
    market_b, taken = await bs_contract(client)
    market_a = await a_market(client, HOLDER_SIRET)
    tried("authorisation matrix")

    response = await send_as(
        secured,
        via,
        "contractor-a",
        contract=a_contract(market_a, HOLDER_SIRET, taken, gender="male", contract_type="cdi"),
        csv=csv_of(market_a, HOLDER_SIRET, taken),
    )
    again = await client.post(
        "/v1/work-contracts",
        json=a_contract(market_b, OTHER_SIRET, taken),
        headers=bearer("contractor-b"),
    )
    next_month = await client.post(
        "/v1/monthly-hours",
        json=a_report(market_b, OTHER_SIRET, taken, insertion_hours="12.00"),
        headers=bearer("contractor-b"),
    )

    assert response.status_code == 422, response.text[:2000]
    said = html.unescape(response.text)  # the web page says it in French, the API by its code
    assert "contract_id_taken" in said or "« " + taken + " » est déjà utilisée" in said
    assert reveals(response.text, market_b, OTHER_SIRET) == []
    assert again.json()["replayed"] is True  # B's contract is still B's, at its version
    assert again.json()["events"][0]["version"] == 1
    assert next_month.status_code == 202, next_month.text


async def test_a_facilitator_corrects_a_contract_but_never_moves_it_to_another_owner(
    secured: Secured,
) -> None:
    client = secured.live.client
    market_b, contract_id = await bs_contract(client)
    market_a = await a_market(client, HOLDER_SIRET)
    who = bearer("facilitator")
    tried("authorisation matrix", 3)

    corrected = await client.post(
        "/v1/work-contracts",
        json=a_contract(market_b, OTHER_SIRET, contract_id, contract_type="cdi"),
        headers=who,
    )
    to_another_market = await client.post(
        "/v1/work-contracts", json=a_contract(market_a, OTHER_SIRET, contract_id), headers=who
    )
    to_another_employer = await client.post(
        "/v1/work-contracts", json=a_contract(market_b, HOLDER_SIRET, contract_id), headers=who
    )

    assert corrected.status_code == 202
    assert corrected.json()["events"][0]["version"] == 2
    for moved in (to_another_market, to_another_employer):
        assert moved.status_code == 422, moved.text
        assert [e["code"] for e in moved.json()["errors"]] == ["contract_id_taken"]


CO_HELD = {
    # what contractor A sends on a market A and B hold, naming B as employer or holder
    "json contract": ("json", "contract", "employer_siret"),
    "json report": ("json", "report", "employer_siret"),
    "csv": ("csv", "csv", "employer_siret"),
    "web upload": ("web", "csv", "employer_siret"),
    "invoice": ("json", "invoice", "holder_siret"),
}


@pytest.mark.parametrize("case", CO_HELD, ids=list(CO_HELD))
async def test_on_a_market_both_hold_a_contractor_declares_only_for_itself(
    secured: Secured, case: str
) -> None:
    client = secured.live.client
    via, what, field = CO_HELD[case]
    shared = await a_market(client, HOLDER_SIRET, OTHER_SIRET)
    bs, fresh = f"C-{uuid.uuid4().hex[:12]}", f"C-{uuid.uuid4().hex[:12]}"
    b = bearer("contractor-b")
    await client.post("/v1/work-contracts", json=a_contract(shared, OTHER_SIRET, bs), headers=b)
    bs_month = await client.post(
        "/v1/monthly-hours", json=a_report(shared, OTHER_SIRET, bs), headers=b
    )
    before = stored_submissions(secured.live)
    tried("authorisation matrix")

    if what == "invoice":
        invoice = an_invoice_submission(market_id=shared, holder_siret=OTHER_SIRET)
        response = await client.post(
            "/v1/invoices", json=invoice.model_dump(mode="json"), headers=bearer("contractor-a")
        )
    else:
        response = await send_as(
            secured,
            via,
            "contractor-a",
            contract=a_contract(shared, OTHER_SIRET, fresh) if what == "contract" else None,
            report=a_report(shared, OTHER_SIRET, bs, insertion_hours="1.00"),
            csv=csv_of(shared, OTHER_SIRET, fresh),
        )

    assert bs_month.status_code == 202
    assert response.status_code == 403, response.text[:2000]
    if via == "web":  # the page names the column as the file spells it, and says why
        assert "siret_employeur" in response.text
        assert "l'employeur doit être son SIRET" in html.unescape(response.text)
    else:
        assert field in {item["field"] for item in response.json()["errors"]}
    assert stored_submissions(secured.live) == before


@pytest.mark.parametrize("guess", [RAW_BENEFICIARY, ELSEWHERE], ids=["right person", "wrong"])
async def test_citing_another_contractors_contract_is_answered_as_an_unknown_contract(
    secured: Secured, guess: str
) -> None:
    client = secured.live.client
    market_b, theirs = await bs_contract(client)
    market_a = await a_market(client, HOLDER_SIRET)
    never = f"C-{uuid.uuid4().hex[:12]}"
    a = bearer("contractor-a")
    tried("authorisation matrix", 2)

    cited = await client.post(
        "/v1/monthly-hours",
        json=a_report(market_a, HOLDER_SIRET, theirs, beneficiary_id=guess, period="2023-01"),
        headers=a,
    )
    unknown = await client.post(
        "/v1/monthly-hours",
        json=a_report(market_a, HOLDER_SIRET, never, beneficiary_id=guess, period="2023-01"),
        headers=a,
    )

    assert cited.status_code == unknown.status_code == 422
    assert cited.text.replace(theirs, never) == unknown.text
    assert [e["code"] for e in cited.json()["errors"]] == ["unknown_contract"]
    assert reveals(cited.text, market_b, OTHER_SIRET) == []


async def test_the_raw_topic_keeps_contracts_and_months_to_their_owner(
    secured: Secured,
) -> None:
    live = secured.live
    market_b, theirs = await bs_contract(live.client)
    market_a = await a_market(live.client, HOLDER_SIRET)
    shared = await a_market(live.client, HOLDER_SIRET, OTHER_SIRET)
    never = f"C-{uuid.uuid4().hex[:12]}"
    sent: dict[str, dict[str, Any]] = {
        "taken": {"type": "work_contract", **a_contract(market_a, HOLDER_SIRET, theirs)},
        "for-b": {"type": "monthly_hours", **a_report(shared, OTHER_SIRET, never)},
        "cited-right": {
            "type": "monthly_hours",
            **a_report(market_a, HOLDER_SIRET, theirs, period="2023-02"),
        },
        "cited-wrong": {
            "type": "monthly_hours",
            **a_report(market_a, HOLDER_SIRET, theirs, period="2023-03", beneficiary_id=ELSEWHERE),
        },
        "unknown": {"type": "monthly_hours", **a_report(market_a, HOLDER_SIRET, never)},
    }
    prefix = f"{uuid.uuid4().hex[:8]}:"
    producer = AIOKafkaProducer(bootstrap_servers=live.bootstrap, acks="all")
    await producer.start()
    # dead letters are keyed by the keyed digest of the refused message's key
    names = {
        keyed_digest(f"{prefix}{name}".encode(), live.service.pseudonymise).encode(): name
        for name in sent
    }
    try:
        async with TopicReader(live.bootstrap, [live.settings.dead_letter_topic]) as reader:
            for name, body in sent.items():
                await producer.send_and_wait(
                    live.settings.raw_topic,
                    json.dumps(body).encode(),
                    key=f"{prefix}{name}".encode(),
                    headers=[("authorization", b"Bearer contractor-a")],
                )
            tried("authorisation matrix", len(sent))
            found = await reader.collect(lambda r: r.key in names, count=len(sent))
    finally:
        await producer.stop()

    letters = {names[r.key]: {k: v.decode() for k, v in r.headers} for r in found if r.key}
    reasons = {name: letter["dead-letter-reason"] for name, letter in letters.items()}
    details = {name: json.loads(letter["dead-letter-detail"]) for name, letter in letters.items()}
    assert reasons == {
        "taken": "rules_broken",
        "for-b": "forbidden",
        "cited-right": "rules_broken",
        "cited-wrong": "rules_broken",
        "unknown": "rules_broken",
    }
    assert [item["code"] for item in details["taken"]] == ["contract_id_taken"]
    assert [item["field"] for item in details["for-b"]] == ["employer_siret"]
    unknown = json.dumps(details["unknown"])
    for name in ("cited-right", "cited-wrong"):
        assert json.dumps(details[name]).replace(theirs, never) == unknown
    for letter in letters.values():
        assert reveals(json.dumps(letter), market_b, OTHER_SIRET) == []


async def test_two_contractors_sending_the_same_new_contract_id_at_once_do_not_share_it(
    secured: Secured,
) -> None:
    client = secured.live.client
    market_a, market_b = await a_market(client, HOLDER_SIRET), await a_market(client, OTHER_SIRET)
    contract_id = f"C-{uuid.uuid4().hex[:12]}"
    tried("authorisation matrix", 2)

    by_a, by_b = await asyncio.gather(
        client.post(
            "/v1/work-contracts",
            json=a_contract(market_a, HOLDER_SIRET, contract_id),
            headers=bearer("contractor-a"),
        ),
        client.post(
            "/v1/work-contracts",
            json=a_contract(market_b, OTHER_SIRET, contract_id, gender="male"),
            headers=bearer("contractor-b"),
        ),
    )

    statuses = sorted([by_a.status_code, by_b.status_code])
    assert statuses == [202, 422], (by_a.text, by_b.text)
    refused = by_a if by_a.status_code == 422 else by_b
    assert [e["code"] for e in refused.json()["errors"]] == ["contract_id_taken"]
