"""The monthly CSV: the template, the upload (the API's own use case), the history."""

import asyncio
from collections import Counter
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.exc import OperationalError
from starlette.datastructures import UploadFile

from services.ingest.api_files import csv_error_items, import_hours_csv
from services.ingest.auth import Role, principal_id
from services.ingest.bodies import BodyTooLarge, read_body
from services.ingest.records import Receipt, SubmissionRecord
from services.ingest.usecase import Accepted, PublishError
from services.ingest.web.deps import WebDeps, csrf_ok, csrf_refused, read_form, to_sign_in, visitor
from services.ingest.web.template_csv import template_csv

UNAVAILABLE = (
    "Le dépôt n'a pas pu être enregistré (messagerie ou base de données indisponible) : "
    "rien n'a été publié. Réessayez dans quelques instants."
)
NO_FILE = "Choisissez le fichier CSV du mois (ou déposez-le dans la zone prévue)."
HISTORY_SIZE = 200


@dataclass(frozen=True, slots=True)
class Published:
    """What an accepted file published, by kind of event."""

    event_type: str
    new: int
    unchanged: int


def published_counts(receipts: list[Receipt]) -> list[Published]:
    """New and unchanged events of each type, in a stable order."""
    new: Counter[str] = Counter()
    unchanged: Counter[str] = Counter()
    for receipt in receipts:
        (unchanged if receipt.unchanged_since else new)[receipt.event_type] += 1
    types = sorted(set(new) | set(unchanged))
    return [Published(kind, new[kind], unchanged[kind]) for kind in types]


def reports_of(record: SubmissionRecord | Accepted) -> list[Receipt]:
    """The monthly reports (market, month, version) of a submission, else all its receipts."""
    reports = [r for r in record.receipts if r.event_type == "MonthlyHoursReported"]
    return sorted(reports or record.receipts, key=lambda r: (r.market_id or "", r.period or ""))


def upload_router(deps: WebDeps) -> APIRouter:
    router = APIRouter()
    limit = deps.api.max_body_bytes

    @router.get("/ui/depot", include_in_schema=False)
    async def upload_form(request: Request) -> Response:
        who = await visitor(deps, request)
        if who is None:
            return to_sign_in(request)
        return deps.render.page(request, "depot.html", who.context())

    @router.post("/ui/depot", include_in_schema=False)
    async def upload(request: Request) -> Response:
        who = await visitor(deps, request)
        if who is None:
            return to_sign_in(request)
        try:
            raw = await read_body(request, limit + 64 * 1024)
        except BodyTooLarge:
            message = f"Le fichier dépasse {limit // (1024 * 1024)} Mo : découpez-le par mois."
            return deps.render.page(
                request, "depot.html", who.context(form_error=message), status=413
            )
        form = await read_form(request, raw)
        if not csrf_ok(who.session.csrf, form):
            return csrf_refused(deps, request, who)
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return deps.render.page(
                request, "depot.html", who.context(form_error=NO_FILE), status=422
            )
        document = await file.read()
        try:
            outcome, parsed = await import_hours_csv(deps.api, who.principal, document, "web")
        except (PublishError, OperationalError):
            return deps.render.error(request, 503, "Dépôt impossible", UNAVAILABLE, who.context())
        context = who.context(filename=file.filename, rows=len(parsed.rows))
        if isinstance(outcome, Accepted):
            context.update(
                accepted=outcome,
                published=published_counts(outcome.receipts),
                reports=reports_of(outcome),
            )
            return deps.render.page(request, "depot.html", context)
        items = csv_error_items(outcome.problems, parsed)
        context.update(refused=items, refused_lines=len({p.line for p in outcome.problems}))
        return deps.render.page(request, "depot.html", context, status=outcome.status)

    @router.get("/ui/historique", include_in_schema=False)
    async def history(request: Request) -> Response:
        who = await visitor(deps, request)
        if who is None:
            return to_sign_in(request)
        mine = None if who.principal.role is Role.FACILITATOR else principal_id(who.principal)
        records = await asyncio.to_thread(
            deps.history.submissions, principal_id=mine, limit=HISTORY_SIZE
        )
        rows = [(record, reports_of(record)) for record in records]
        return deps.render.page(request, "historique.html", who.context(rows=rows))

    @router.get("/ui/modele.csv", include_in_schema=False)
    async def template() -> Response:
        headers = {
            "Content-Disposition": 'attachment; filename="modele-heures-insertion.csv"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }
        return Response(template_csv(), media_type="text/csv; charset=utf-8", headers=headers)

    return router
