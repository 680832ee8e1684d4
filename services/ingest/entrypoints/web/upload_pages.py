"""The monthly CSV: the template, the upload (the API's own use case), the history."""

import asyncio
import json
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.exc import OperationalError
from starlette.datastructures import UploadFile

from services.ingest.application.ingestor import Accepted, PublishError, import_hours_csv
from services.ingest.application.ports import SubmissionRecord
from services.ingest.domain.access import principal_id, reads_every_submission
from services.ingest.domain.idempotency import (
    BUSY_MESSAGE,
    REPLAYED_HEADER,
    REUSED_MESSAGE,
    Busy,
    InvalidKeyError,
    Replay,
    Reused,
    fingerprint,
    parse_key,
    sender_of,
)
from services.ingest.domain.versions import Receipt, dump_receipts, load_receipts
from services.ingest.entrypoints.http_bodies import BodyTooLarge, read_body
from services.ingest.entrypoints.http_files import csv_error_items
from services.ingest.entrypoints.web.deps import (
    Visitor,
    WebDeps,
    csrf_ok,
    csrf_refused,
    read_form,
    to_sign_in,
    visitor,
)
from services.ingest.entrypoints.web.template_csv import template_csv

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


def form_context(who: Visitor, **values: Any) -> dict[str, Any]:
    """A rendering of the upload form: its own Idempotency-Key, so that submitting it twice
    (a double click, the browser sending it again) publishes once and shows the first result."""
    return who.context(idempotency_key=str(uuid.uuid4()), **values)


def stored_result(outcome: Accepted, filename: str, rows: int) -> str:
    """What a replay of an accepted upload shows again."""
    accepted = {
        "submission_id": outcome.submission_id,
        "replayed": outcome.replayed,
        "receipts": json.loads(dump_receipts(outcome.receipts)),
    }
    return json.dumps({"accepted": accepted, "filename": filename, "rows": rows})


def result_of(stored: str) -> tuple[Accepted, str, int]:
    """An accepted upload, from what `stored_result` kept."""
    document = json.loads(stored)
    accepted = document["accepted"]
    receipts = load_receipts(json.dumps(accepted["receipts"]))
    outcome = Accepted(accepted["submission_id"], accepted["replayed"], receipts)
    return outcome, document["filename"], document["rows"]


def accepted_context(who: Visitor, outcome: Accepted, filename: str, rows: int) -> dict[str, Any]:
    """The result of an accepted upload, under a new rendering of the form."""
    return form_context(
        who,
        filename=filename,
        rows=rows,
        accepted=outcome,
        published=published_counts(outcome.receipts),
        reports=reports_of(outcome),
    )


def upload_router(deps: WebDeps) -> APIRouter:
    router = APIRouter()
    limit = deps.api.max_body_bytes

    @router.get("/ui/depot", include_in_schema=False)
    async def upload_form(request: Request) -> Response:
        who = await visitor(deps, request)
        if who is None:
            return to_sign_in(request)
        return deps.render.page(request, "depot.html", form_context(who))

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
                request, "depot.html", form_context(who, form_error=message), status=413
            )
        form = await read_form(request, raw)
        if not csrf_ok(who.session.csrf, form):
            return csrf_refused(deps, request, who)
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return deps.render.page(
                request, "depot.html", form_context(who, form_error=NO_FILE), status=422
            )
        document = await file.read()
        keys, sender = deps.api.keys, sender_of(who.principal)
        try:
            key = parse_key([v for v in form.getlist("idempotency_key") if isinstance(v, str)])
        except InvalidKeyError:
            key = None  # the page makes its keys: a forged one only loses the protection
        if key is not None and keys is not None:
            print_ = fingerprint("POST /ui/depot", document)
            claim = await asyncio.to_thread(keys.claim, sender, key, print_, deps.api.clock())
            if isinstance(claim, Replay):
                earlier, filename, rows = result_of(claim.body)
                replay = Accepted(earlier.submission_id, True, earlier.receipts)
                page = deps.render.page(
                    request, "depot.html", accepted_context(who, replay, filename, rows)
                )
                page.headers[REPLAYED_HEADER] = "true"
                return page
            if isinstance(claim, Reused | Busy):
                reused = isinstance(claim, Reused)
                message = REUSED_MESSAGE if reused else BUSY_MESSAGE
                return deps.render.page(
                    request,
                    "depot.html",
                    form_context(who, form_error=message),
                    status=422 if reused else 409,
                )
        try:
            outcome, parsed = await import_hours_csv(
                deps.api.ingestor,
                document,
                caller=who.principal,
                pseudonymise=deps.api.pseudonymise,
                source="web",
            )
        except (PublishError, OperationalError):
            if key is not None and keys is not None:
                await asyncio.to_thread(keys.release, sender, key)
            return deps.render.error(request, 503, "Dépôt impossible", UNAVAILABLE, who.context())
        if key is not None and keys is not None:
            if isinstance(outcome, Accepted):
                stored = stored_result(outcome, file.filename, len(parsed.rows))
                await asyncio.to_thread(keys.complete, sender, key, 202, stored, deps.api.clock())
            else:
                await asyncio.to_thread(keys.release, sender, key)
        if isinstance(outcome, Accepted):
            context = accepted_context(who, outcome, file.filename, len(parsed.rows))
            return deps.render.page(request, "depot.html", context)
        context = form_context(who, filename=file.filename, rows=len(parsed.rows))
        items = csv_error_items(outcome.problems, parsed)
        context.update(refused=items, refused_lines=len({p.line for p in outcome.problems}))
        return deps.render.page(request, "depot.html", context, status=outcome.status)

    @router.get("/ui/historique", include_in_schema=False)
    async def history(request: Request) -> Response:
        who = await visitor(deps, request)
        if who is None:
            return to_sign_in(request)
        mine = None if reads_every_submission(who.principal) else principal_id(who.principal)
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
