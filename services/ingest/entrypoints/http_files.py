"""Files: the facilitators' CSV of monthly hours, and DECP 2.x documents of markets."""

import asyncio
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile
from starlette.types import Message

from services.ingest.application.ingestor import Accepted, Refused, decp_unit, import_hours_csv
from services.ingest.domain.access import Principal
from services.ingest.domain.decp import ParseError, parse_decp
from services.ingest.domain.hours_csv import CsvImport
from services.ingest.domain.refusals import ErrorBody, ErrorItem, Problem, simple
from services.ingest.entrypoints.http_api import (
    ERRORS,
    KEY_PARAMETER,
    ApiDeps,
    accepted_body,
    answer,
    once,
)
from services.ingest.entrypoints.http_bodies import (
    AcceptedBody,
    DecpAcceptedBody,
    DecpDefectOut,
    read_body,
)

CSV_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}
DECP_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


async def uploaded(request: Request, raw: bytes) -> bytes | None:
    """The file of a multipart form (field `file`), or the body itself."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return raw

    async def replay() -> Message:
        return {"type": "http.request", "body": raw, "more_body": False}

    form = await Request(request.scope, replay).form()
    file = form.get("file")
    return await file.read() if isinstance(file, UploadFile) else None


def csv_error_items(problems: list[Problem], parsed: CsvImport) -> list[ErrorItem]:
    """Each problem with its line and its column as the file spells it (never the value)."""
    return [
        ErrorItem(
            code=p.code,
            message=p.message,
            field=p.field,
            line=p.line,
            column=parsed.headers.get(p.field),
        )
        for p in problems
    ]


def csv_refusal(problems: list[Problem], parsed: CsvImport, lag: int | None) -> JSONResponse:
    """Every bad line, its column as the file spells it, the reason; nothing was published."""
    items = csv_error_items(problems, parsed)
    lines = len({p.line for p in problems})
    body = ErrorBody(
        code="invalid_file",
        message=f"Le fichier est refusé : {lines} ligne(s) en erreur ; rien n'a été publié.",
        errors=items,
        markets_lag=lag if any(p.code == "unknown_market" for p in problems) else None,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=422)


NO_IF_MATCH = (
    "If-Match ne s'applique pas à un fichier (plusieurs événements) : envoyez les corrections "
    "qui doivent remplacer une version précise en JSON, avec « replaces_version »."
)


def if_match_refused(request: Request) -> JSONResponse | None:
    """Files publish several events: one If-Match cannot say which version each replaces."""
    if request.headers.getlist("if-match"):
        return JSONResponse(simple("invalid_precondition", NO_IF_MATCH), status_code=400)
    return None


def files_router(deps: ApiDeps, principal_of: Callable[..., Principal]) -> APIRouter:
    """The CSV and DECP routes."""
    router = APIRouter()
    Caller = Annotated[Principal, Depends(principal_of)]  # noqa: N806

    def post_file(
        path: str, answered: type[AcceptedBody], body: dict[str, Any]
    ) -> Callable[[Any], Any]:
        return router.post(
            path,
            status_code=202,
            response_model=answered,
            responses=ERRORS,
            openapi_extra={**body, "parameters": [KEY_PARAMETER]},
        )

    @post_file("/v1/monthly-hours/csv", AcceptedBody, CSV_BODY)
    async def post_hours_csv(request: Request, caller: Caller) -> JSONResponse:
        """A CSV of monthly hours (one row per beneficiary and month): all or nothing."""
        document = await uploaded(request, await read_body(request, deps.max_body_bytes))
        if document is None:
            message = "Formulaire sans fichier : envoyez le CSV dans le champ « file »."
            return JSONResponse(simple("missing_file", message), status_code=422)
        if refused := if_match_refused(request):
            return refused

        async def run() -> JSONResponse:
            assert document is not None
            outcome, parsed = await import_hours_csv(
                deps.ingestor, document, caller=caller, pseudonymise=deps.pseudonymise, source="csv"
            )
            if isinstance(outcome, Refused) and outcome.status == 422:
                return csv_refusal(outcome.problems, parsed, outcome.markets_lag)
            return answer(outcome)

        # the file, not the multipart body: a new boundary does not make another request
        return await once(deps, request, caller, document, run)

    @post_file("/v1/decp", DecpAcceptedBody, DECP_BODY)
    async def post_decp(request: Request, caller: Caller) -> JSONResponse:
        """A DECP 2.x document: its valid markets are published, each defect is listed."""
        raw = await read_body(request, deps.max_body_bytes)
        if refused := if_match_refused(request):
            return refused

        async def run() -> JSONResponse:
            try:
                parsed = await asyncio.to_thread(parse_decp, raw, deps.ingestor.bounds())
            except ParseError as error:
                return JSONResponse(simple("invalid_decp", str(error)), status_code=422)
            defects = [
                DecpDefectOut.model_validate(d.model_dump(mode="json")) for d in parsed.defects
            ]
            if not parsed.markets:
                return decp_refusal(defects)
            [outcome] = await deps.ingestor.process([decp_unit(caller, parsed.markets)])
            if not isinstance(outcome, Accepted):
                return answer(outcome)
            body = DecpAcceptedBody(**accepted_body(outcome).model_dump(), defects=defects)
            return answer(outcome, body)

        return await once(deps, request, caller, raw, run)

    return router


def decp_refusal(defects: list[DecpDefectOut]) -> JSONResponse:
    """No record of the document could be imported: say why for each."""
    items = [
        ErrorItem(
            code=d.code,
            message=d.message,
            field=d.field,
            location=f"{d.record_kind}[{d.record_index}]" if d.record_kind else None,
        )
        for d in defects
    ]
    body = ErrorBody(
        code="no_valid_record",
        message=f"Aucun marché importable : {len(items)} défaut(s).",
        errors=items,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=422)
