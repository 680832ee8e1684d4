"""HTTP routes (versioned): JSON submissions, the submission status, health and metrics."""

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import ValidationError

from services.ingest.auth import Principal, Role, TokenRegistry, principal_id
from services.ingest.bodies import OneOrMany, read_body
from services.ingest.errors import invalid_body, refused_body, simple
from services.ingest.markets_view import MarketsView
from services.ingest.metrics import IngestMetrics
from services.ingest.pseudonym import Pseudonymiser
from services.ingest.responses import (
    AcceptedBody,
    ErrorBody,
    EventReceipt,
    HealthBody,
    SubmissionBody,
)
from services.ingest.store import Store
from services.ingest.submissions import (
    InvoiceSubmission,
    MarketSubmission,
    MonthlyHoursSubmission,
    WorkContractSubmission,
)
from services.ingest.units import (
    Unit,
    contract_unit,
    hours_unit,
    invoice_unit,
    market_unit,
)
from services.ingest.usecase import Accepted, Ingestor, Outcome

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "No token, or an unknown one"),
        (403, "Outside the token's scope"),
        (413, "Body too large"),
        (422, "Refused: every reason, naming the field (and line)"),
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
    tokens: TokenRegistry
    store: Store
    pseudonymise: Pseudonymiser
    markets: MarketsView
    metrics: IngestMetrics
    max_body_bytes: int


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
        return JSONResponse(body.model_dump(mode="json"), status_code=202, headers=headers)
    refusal = refused_body(outcome.status, outcome.problems, outcome.markets_lag)
    return JSONResponse(refusal.model_dump(mode="json"), status_code=outcome.status)


def authenticator(tokens: TokenRegistry) -> Callable[..., Principal]:
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
        request: Request, body: OneOrMany, make: Callable[[Sequence[Any]], Unit]
    ) -> JSONResponse:
        raw = await read_body(request, deps.max_body_bytes)
        try:
            items = body.parse(raw)
        except ValidationError as error:
            return JSONResponse(invalid_body(error).model_dump(mode="json"), status_code=422)
        [outcome] = await deps.ingestor.process([make(items)])
        return answer(outcome)

    def post(path: str, body: OneOrMany) -> Callable[[Any], Any]:
        return router.post(
            path,
            status_code=202,
            response_model=AcceptedBody,
            responses=ERRORS,
            openapi_extra=body.openapi(),
        )

    @post("/v1/markets", BODIES["markets"])
    async def post_markets(request: Request, caller: Caller) -> JSONResponse:
        """Markets notified by a buyer: one, or a list (all or nothing). Facilitators only."""
        return await submit(request, BODIES["markets"], lambda i: market_unit(caller, i, "http"))

    @post("/v1/invoices", BODIES["invoices"])
    async def post_invoices(request: Request, caller: Caller) -> JSONResponse:
        """Amounts invoiced by holders: one, or a list (all or nothing)."""
        return await submit(request, BODIES["invoices"], lambda i: invoice_unit(caller, i, "http"))

    @post("/v1/work-contracts", BODIES["work-contracts"])
    async def post_contracts(request: Request, caller: Caller) -> JSONResponse:
        """Work contracts signed by beneficiaries: one, or a list (all or nothing)."""
        return await submit(
            request,
            BODIES["work-contracts"],
            lambda items: contract_unit(caller, items, deps.pseudonymise, "http"),
        )

    @post("/v1/monthly-hours", BODIES["monthly-hours"])
    async def post_hours(request: Request, caller: Caller) -> JSONResponse:
        """One month's report of one employer on one market (or a list of reports)."""
        return await submit(
            request,
            BODIES["monthly-hours"],
            lambda items: hours_unit(caller, items, deps.pseudonymise, "http"),
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
        if record is None or (caller.role is Role.CONTRACTOR and not mine):
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
        return Response(generate_latest(deps.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
