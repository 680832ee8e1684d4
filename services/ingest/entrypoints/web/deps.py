"""What the web pages need, and who is asking (signed in, with which CSRF value)."""

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.types import Message

from services.ingest.application.ports import History, MarketSource, Sessions
from services.ingest.domain.access import Principal
from services.ingest.entrypoints.http_api import ApiDeps
from services.ingest.entrypoints.web.render import Renderer
from services.ingest.entrypoints.web.session import (
    COOKIE_FLAGS,
    CSRF_COOKIE,
    SESSION_COOKIE,
    Session,
    Signer,
    same,
)

CSRF_REFUSED = (
    "Le formulaire a expiré ou ne vient pas de cette page (jeton anti-falsification CSRF "
    "absent ou invalide) : rechargez la page et recommencez. Rien n'a été envoyé."
)


@dataclass(frozen=True)
class WebDeps:
    """The API's dependencies (the same use case), the cookies, clauses, the history."""

    api: ApiDeps
    signer: Signer
    clauses: MarketSource
    history: History
    render: Renderer
    sessions: Sessions


@dataclass(frozen=True)
class Visitor:
    """A signed-in person: who, and the CSRF value their forms must carry."""

    principal: Principal
    session: Session

    def context(self, **values: Any) -> dict[str, Any]:
        return {"user": self.principal, "csrf": self.session.csrf, **values}


async def visitor(deps: WebDeps, request: Request) -> Visitor | None:
    """The signed-in person, if the session cookie is genuine, its session still open on the
    server (not signed out) and its token still valid."""
    session = deps.signer.session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None
    principal = deps.api.tokens.by_hash(session.token_sha256)
    if principal is None:
        return None
    now = deps.signer.now()
    if not await asyncio.to_thread(deps.sessions.is_open, session.id, now=now):
        return None
    return Visitor(principal, session)


def to_sign_in(request: Request) -> RedirectResponse:
    """Back to the sign-in page, then here."""
    target = quote(request.url.path, safe="/")
    response = RedirectResponse(f"/ui/connexion?suite={target}", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/ui", **COOKIE_FLAGS)
    return response


async def read_form(request: Request, raw: bytes) -> FormData:
    """The form of an already-read body (urlencoded or multipart)."""

    async def replay() -> Message:
        return {"type": "http.request", "body": raw, "more_body": False}

    return await Request(request.scope, replay).form()


def csrf_refused(deps: WebDeps, request: Request, who: Visitor | None) -> HTMLResponse:
    """The French page of a form without its CSRF value."""
    context = who.context() if who else {}
    return deps.render.error(request, 403, "Formulaire refusé", CSRF_REFUSED, context)


def csrf_ok(expected: str | None, form: FormData) -> bool:
    """Whether the form carries the expected CSRF value."""
    given = form.get("csrf")
    return same(expected, given if isinstance(given, str) else None)


def pre_sign_in_csrf(deps: WebDeps, request: Request) -> str | None:
    """The CSRF value of the sign-in form, from its cookie."""
    return deps.signer.csrf(request.cookies.get(CSRF_COOKIE))


def no_store(response: Response) -> Response:
    """Headers of a redirect or a file: never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response
