"""HTTP routes (versioned): JSON submissions, the submission status, health and metrics."""

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from services.ingest.application.ingestor import (
    Accepted,
    Ingestor,
    Outcome,
    Unit,
    contract_unit,
    hours_unit,
    invoice_unit,
    market_unit,
)
from services.ingest.application.markets_view import MarketsView
from services.ingest.application.ports import Clock, IdempotencyKeys, Metrics, Store, Tokens
from services.ingest.domain.access import Principal, principal_id, reads_every_submission
from services.ingest.domain.idempotency import (
    HEADER,
    REPLAYED_HEADER,
    Busy,
    InvalidKeyError,
    Replay,
    Reused,
    fingerprint,
    parse_key,
    sender_of,
)
from services.ingest.domain.pseudonym import Pseudonymiser
from services.ingest.domain.refusals import ErrorBody, invalid_body, refused_body, simple
from services.ingest.domain.submissions import (
    InvoiceSubmission,
    MarketSubmission,
    MonthlyHoursSubmission,
    WorkContractSubmission,
)
from services.ingest.domain.versions import (
    IF_MATCH,
    InvalidPreconditionError,
    etag,
    expected_versions,
    parse_if_match,
)
from services.ingest.entrypoints.http_bodies import (
    AcceptedBody,
    EventReceipt,
    HealthBody,
    OneOrMany,
    SubmissionBody,
    read_body,
)
from services.ingest.entrypoints.http_refusals import key_refusal, refusal_of

KEY_PARAMETER: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "A key of the client's (a UUID, as an sf-string): a retry with the same key "
    "and body replays the first answer and publishes nothing (kept 48 h, per sender); the "
    "same key with another body is 422, while the first is processed 409",
    "schema": {"type": "string", "maxLength": 130},
}


def replayed(claim: Replay) -> JSONResponse:
    """The first answer again (same status and body), saying it is a replay."""
    stored: dict[str, Any] = json.loads(claim.body)
    headers = {REPLAYED_HEADER: "true", **stored.get("headers", {})}
    return JSONResponse(stored["body"], status_code=claim.status, headers=headers)


KEPT_HEADERS = ("location", "etag")


async def idempotent(
    *,
    keys: IdempotencyKeys | None,
    sender: str,
    key: str | None,
    print_: str,
    now: Callable[[], datetime],
    run: Callable[[], Awaitable[JSONResponse]],
) -> JSONResponse:
    """Run the request once per key: replay, refuse, or run it and remember a 202."""
    if key is None or keys is None:
        return await run()
    claim = await asyncio.to_thread(keys.claim, sender, key, print_, now())
    if isinstance(claim, Replay):
        return replayed(claim)
    if isinstance(claim, Reused | Busy):
        return refusal_of(claim)
    try:
        response = await run()
    except BaseException:
        await asyncio.to_thread(keys.release, sender, key)
        raise
    if response.status_code == 202:
        kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
        stored = json.dumps({"body": json.loads(bytes(response.body)), "headers": kept})
        await asyncio.to_thread(keys.complete, sender, key, 202, stored, now())
    else:
        await asyncio.to_thread(keys.release, sender, key)
    return response


IF_MATCH_PARAMETER: dict[str, Any] = {
    "name": IF_MATCH,
    "in": "header",
    "required": False,
    "description": 'The entity-tag of the version a body of one item corrects (`"3"`, the '
    "`etag` of its receipt); 409 with the current version when it is no longer current",
    "schema": {"type": "string", "maxLength": 24},
}


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "No token, or an unknown one"),
        (400, "A malformed Idempotency-Key or If-Match header"),
        (403, "Outside the token's scope"),
        (
            409,
            "A stated version (If-Match, replaces_version) is no longer current, or the "
            "Idempotency-Key's first request is still being processed",
        ),
        (413, "Body too large"),
        (
            422,
            "Refused: every reason, naming the field (and line); or an Idempotency-Key "
            "already used with another request",
        ),
        (503, "The broker did not acknowledge: nothing was accepted, retry"),
    )
}
BODIES: dict[str, OneOrMany] = {
    "markets": OneOrMany(MarketSubmission),
    "invoices": OneOrMany(InvoiceSubmission),
    "work-contracts": OneOrMany(WorkContractSubmission),
    "monthly-hours": OneOrMany(MonthlyHoursSubmission),
}


@dataclass(frozen=True)
class ApiDeps:
    """What the routes need."""

    ingestor: Ingestor
    tokens: Tokens
    store: Store
    pseudonymise: Pseudonymiser
    markets: MarketsView
    metrics: Metrics
    registry: CollectorRegistry  # what /metrics exposes
    max_body_bytes: int
    clock: Clock  # the real clock: idempotency keys expire in real time
    keys: IdempotencyKeys | None = None


class BadHeadersError(Exception):
    """An Idempotency-Key or If-Match that cannot be used."""

    def __init__(self, response: JSONResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def key_of(request: Request) -> str | None:
    """The request's Idempotency-Key (None without one); raises BadHeadersError."""
    try:
        return parse_key(request.headers.getlist("idempotency-key"))
    except InvalidKeyError as error:
        raise BadHeadersError(key_refusal(error)) from None


def if_match_of(request: Request) -> int | None:
    """The version the request's If-Match names (None without one); raises BadHeadersError."""
    try:
        return parse_if_match(request.headers.getlist("if-match"))
    except InvalidPreconditionError as error:
        raise BadHeadersError(precondition_refusal(error)) from None


def precondition_refusal(error: InvalidPreconditionError) -> JSONResponse:
    """400: If-Match cannot be honoured."""
    return JSONResponse(simple("invalid_precondition", str(error)), status_code=400)


async def once(
    deps: ApiDeps,
    request: Request,
    caller: Principal,
    payload: bytes,
    run: Callable[[], Awaitable[JSONResponse]],
) -> JSONResponse:
    """Run a POST once per Idempotency-Key (replayed or refused otherwise)."""
    try:
        key = key_of(request)
    except BadHeadersError as bad:
        return bad.response
    return await idempotent(
        keys=deps.keys,
        sender=sender_of(caller),
        key=key,
        print_=fingerprint(f"POST {request.url.path}", payload),
        now=deps.clock,
        run=run,
    )


def is_uuid(text: str) -> bool:
    """Submission ids are UUIDs; anything else is unknown without asking the database."""
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def accepted_body(outcome: Accepted) -> AcceptedBody:
    """What a 202 says."""
    return AcceptedBody(
        submission_id=outcome.submission_id,
        replayed=outcome.replayed,
        event_count=len(outcome.receipts),
        events=[EventReceipt.of(receipt) for receipt in outcome.receipts],
    )


def answer(outcome: Outcome, body: AcceptedBody | None = None) -> JSONResponse:
    """202 with the receipts (or the given body), or the refusal."""
    if isinstance(outcome, Accepted):
        body = body or accepted_body(outcome)
        headers = {"Location": f"/v1/submissions/{outcome.submission_id}"}
        if len(outcome.receipts) == 1:
            headers["ETag"] = etag(outcome.receipts[0].version)
        return JSONResponse(body.model_dump(mode="json"), status_code=202, headers=headers)
    refusal = refused_body(outcome.status, outcome.problems, outcome.markets_lag)
    return JSONResponse(refusal.model_dump(mode="json"), status_code=outcome.status)


def authenticator(tokens: Tokens) -> Callable[..., Principal]:
    """A dependency giving the principal of the bearer token, or answering 401."""
    bearer = HTTPBearer(auto_error=False, description="A token configured for ingest")

    def principal(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        token = credentials.credentials if credentials else None
        found = tokens.authenticate(token)
        if found is None:
            message = tokens.refusal(token) or "Jeton d'accès refusé."
            raise HTTPException(
                401,
                detail=simple("unauthenticated", message),
                headers={"WWW-Authenticate": "Bearer"},
            )
        return found

    return principal


def api_router(deps: ApiDeps, principal_of: Callable[..., Principal]) -> APIRouter:
    """The JSON submission routes, the submission status, health and metrics."""
    router = APIRouter()
    Caller = Annotated[Principal, Depends(principal_of)]  # noqa: N806

    async def submit(
        request: Request,
        caller: Principal,
        body: OneOrMany,
        make: Callable[[Sequence[Any]], Unit],
    ) -> JSONResponse:
        raw = await read_body(request, deps.max_body_bytes)

        async def run() -> JSONResponse:
            try:
                items = body.parse(raw)
            except ValidationError as error:
                return JSONResponse(invalid_body(error).model_dump(mode="json"), status_code=422)
            try:
                expected = expected_versions(items, if_match_of(request))
            except BadHeadersError as bad:
                return bad.response
            except InvalidPreconditionError as error:
                return precondition_refusal(error)
            [outcome] = await deps.ingestor.process([make(items)._replace(expected=expected)])
            return answer(outcome)

        return await once(deps, request, caller, raw, run)

    def endpoint(
        body: OneOrMany, make: Callable[[Principal, Sequence[Any]], Unit]
    ) -> Callable[..., Awaitable[JSONResponse]]:
        async def post(request: Request, caller: Caller) -> JSONResponse:
            return await submit(request, caller, body, lambda items: make(caller, items))

        return post

    # path, name (the OpenAPI operation's), body, how its items become a unit, description
    routes: tuple[tuple[str, str, str, Callable[[Principal, Sequence[Any]], Unit], str], ...] = (
        (
            "/v1/markets",
            "post_markets",
            "markets",
            lambda caller, items: market_unit(caller, items, "http"),
            "Markets notified by a buyer: one, or a list (all or nothing). Facilitators only.",
        ),
        (
            "/v1/invoices",
            "post_invoices",
            "invoices",
            lambda caller, items: invoice_unit(caller, items, "http"),
            "Amounts invoiced by holders: one, or a list (all or nothing).",
        ),
        (
            "/v1/work-contracts",
            "post_contracts",
            "work-contracts",
            lambda caller, items: contract_unit(caller, items, deps.pseudonymise, "http"),
            "Work contracts signed by beneficiaries: one, or a list (all or nothing).",
        ),
        (
            "/v1/monthly-hours",
            "post_hours",
            "monthly-hours",
            lambda caller, items: hours_unit(caller, items, deps.pseudonymise, "http"),
            "One month's report of one employer on one market (or a list of reports).",
        ),
    )
    for path, name, kind, make, description in routes:
        router.add_api_route(
            path,
            endpoint(BODIES[kind], make),
            methods=["POST"],
            name=name,
            description=description,
            status_code=202,
            response_model=AcceptedBody,
            responses=ERRORS,
            openapi_extra={
                **BODIES[kind].openapi(),
                "parameters": [KEY_PARAMETER, IF_MATCH_PARAMETER],
            },
        )

    @router.get(
        "/v1/submissions/{submission_id}",
        response_model=SubmissionBody,
        responses={404: {"model": ErrorBody}, 401: ERRORS[401]},
    )
    async def get_submission(submission_id: str, caller: Caller) -> SubmissionBody:
        """Whether a submission was published, with its events."""
        if not is_uuid(submission_id):
            raise HTTPException(404, detail=simple("not_found", "Soumission inconnue."))
        record = await asyncio.to_thread(deps.store.submission, submission_id)
        mine = record is not None and record.principal_id == principal_id(caller)
        if record is None or not (mine or reads_every_submission(caller)):
            raise HTTPException(404, detail=simple("not_found", "Soumission inconnue."))
        return SubmissionBody(
            submission_id=record.id,
            status=record.status,
            kind=record.kind,
            source=record.source,
            received_at=record.received_at,
            published_at=record.published_at,
            event_count=len(record.receipts),
            events=[EventReceipt.of(receipt) for receipt in record.receipts],
        )

    @router.get("/health", response_model=HealthBody)
    async def health() -> HealthBody:
        """Ingest answers; how far its markets read model is."""
        lag = await deps.markets.lag()
        if lag is not None:
            deps.metrics.markets_lag.set(lag)
        return HealthBody(markets_known=len(deps.markets.holders), markets_lag=lag)

    @router.get("/metrics", response_class=Response)
    async def metrics() -> Response:
        """Prometheus metrics of ingest and of its Kafka pipeline."""
        return Response(generate_latest(deps.registry), media_type=CONTENT_TYPE_LATEST)

    return router


def register_body_schemas(app: FastAPI) -> None:
    """The submission models are read from the bytes, so add their schemas to the OpenAPI."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            models: list[tuple[type[BaseModel], Literal["validation"]]] = [
                (body.model, "validation") for body in BODIES.values()
            ]
            _, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in defs.get("$defs", {}).items():
                schemas.setdefault(name, schema)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
