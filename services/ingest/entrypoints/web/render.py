"""Templates, French formatting, and the headers every page carries."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from services.ingest.domain.rules import PARIS
from shared.codes import LABELS_FR

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STATUS_FR = {
    "on_track": "dans les temps",
    "behind": "en retard",
    "no_report": "aucun relevé pour le dernier mois clos",
}
SUBMISSION_STATUS_FR = {"published": "publiée", "pending": "en attente", "failed": "échec"}
SOURCE_FR = {"web": "page de dépôt", "csv": "API (CSV)", "http": "API (JSON)", "raw": "Kafka"}
KIND_FR = {
    "monthly_hours": "heures mensuelles",
    "work_contract": "contrats de travail",
    "invoice": "factures",
    "market": "marchés",
}
EVENT_FR = {
    "MonthlyHoursReported": "relevé(s) d'heures mensuelles",
    "WorkContractSigned": "contrat(s) de travail",
    "InvoiceRecorded": "facture(s)",
    "MarketNotified": "marché(s)",
}


def hours(value: Decimal | None) -> str:
    """1234.5 -> « 1 234,5 h » (French digits, no useless zeros)."""
    if value is None:
        return "—"
    text = f"{value.quantize(Decimal('0.01')):,.2f}".replace(",", "\u202f").replace(".", ",")
    return text.removesuffix(",00") + "\u00a0h"


def month(period: str | None) -> str:
    """2026-10 -> 10/2026."""
    return f"{period[5:7]}/{period[:4]}" if period else "—"


def when(moment: datetime | None) -> str:
    """A moment in Paris time, as 26/11/2026 04:51."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if moment else "—"


def label(code: str | None) -> str:
    """The French label of a code (the code itself when it has none)."""
    return LABELS_FR.get(code, code) if code else "—"


def make_templates() -> Jinja2Templates:
    """The page templates with the French filters."""
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.filters.update(hours=hours, month=month, when=when, label=label)
    env.globals.update(
        STATUS_FR=STATUS_FR,
        SUBMISSION_STATUS_FR=SUBMISSION_STATUS_FR,
        SOURCE_FR=SOURCE_FR,
        KIND_FR=KIND_FR,
        EVENT_FR=EVENT_FR,
    )
    return templates


class Renderer:
    """Renders a page with the headers every page carries."""

    def __init__(self, templates: Jinja2Templates) -> None:
        self.templates = templates

    def page(
        self, request: Request, name: str, context: dict[str, Any], *, status: int = 200
    ) -> HTMLResponse:
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.update(SECURITY_HEADERS)
        return response

    def error(
        self,
        request: Request,
        status: int,
        title: str,
        message: str,
        context: dict[str, Any] | None = None,
    ) -> HTMLResponse:
        """A page that says, in French, what went wrong and what to do."""
        body = {**(context or {}), "title": title, "message": message, "status": status}
        return self.page(request, "erreur.html", body, status=status)
