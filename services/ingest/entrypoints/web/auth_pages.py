"""Sign-in with the token already used for the API, and sign-out."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.ingest.domain.access import hash_token
from services.ingest.entrypoints.http_bodies import read_body
from services.ingest.entrypoints.web.deps import (
    WebDeps,
    csrf_ok,
    csrf_refused,
    no_store,
    pre_sign_in_csrf,
    read_form,
    visitor,
)
from services.ingest.entrypoints.web.session import COOKIE_FLAGS, CSRF_COOKIE, SESSION_COOKIE

FORM_LIMIT = 16 * 1024
NOT_RECOGNISED = (
    "Ce jeton n'est pas reconnu : vérifiez que vous avez collé le jeton complet, "
    "celui que vous utilisez pour l'API."
)
NOTHING_PASTED = "Collez votre jeton d'accès dans le champ « Jeton d'accès »."


def safe_target(raw: object) -> str:
    """Where to go after sign-in: a page of ours only (never another site)."""
    target = raw if isinstance(raw, str) else ""
    ok = target.startswith("/ui/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/ui/depot"


def auth_router(deps: WebDeps) -> APIRouter:
    router = APIRouter()

    def sign_in_page(
        request: Request, *, error: str | None = None, target: str = "/ui/depot"
    ) -> HTMLResponse:
        csrf = pre_sign_in_csrf(deps, request)
        cookie = None
        if csrf is None:
            csrf, cookie = deps.signer.new_csrf()
        context = {"csrf": csrf, "error": error, "target": target, "user": None}
        response = deps.render.page(
            request, "connexion.html", context, status=401 if error else 200
        )
        if cookie is not None:
            response.set_cookie(CSRF_COOKIE, cookie, path="/ui", **COOKIE_FLAGS)
        return response

    @router.get("/ui", include_in_schema=False)
    @router.get("/ui/", include_in_schema=False)
    async def home(request: Request) -> Response:
        where = "/ui/depot" if (await visitor(deps, request)) else "/ui/connexion"
        return no_store(RedirectResponse(where, status_code=303))

    @router.get("/ui/connexion", include_in_schema=False)
    async def sign_in_form(request: Request, suite: str = "") -> Response:
        if (await visitor(deps, request)) is not None:
            return no_store(RedirectResponse(safe_target(suite), status_code=303))
        return sign_in_page(request, target=safe_target(suite))

    @router.post("/ui/connexion", include_in_schema=False)
    async def sign_in(request: Request) -> Response:
        form = await read_form(request, await read_body(request, FORM_LIMIT))
        if not csrf_ok(pre_sign_in_csrf(deps, request), form):
            return csrf_refused(deps, request, None)
        target = safe_target(form.get("suite"))
        token = form.get("jeton")
        token = token.strip() if isinstance(token, str) else ""
        if not token:
            return sign_in_page(request, error=NOTHING_PASTED, target=target)
        if deps.api.tokens.authenticate(token) is None:
            return sign_in_page(request, error=NOT_RECOGNISED, target=target)
        session, cookie = deps.signer.new_session(hash_token(token))
        await asyncio.to_thread(
            deps.sessions.open, session.id, expires_at=session.expires_at, now=deps.signer.now()
        )
        response = no_store(RedirectResponse(target, status_code=303))
        max_age = int(deps.signer.lifetime_s)
        response.set_cookie(SESSION_COOKIE, cookie, path="/ui", max_age=max_age, **COOKIE_FLAGS)
        response.delete_cookie(CSRF_COOKIE, path="/ui", **COOKIE_FLAGS)
        return response

    @router.post("/ui/deconnexion", include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        who = await visitor(deps, request)
        form = await read_form(request, await read_body(request, FORM_LIMIT))
        if who is None:
            return no_store(RedirectResponse("/ui/connexion", status_code=303))
        if not csrf_ok(who.session.csrf, form):
            return csrf_refused(deps, request, who)
        # ended on the server: a copy of the cookie kept anywhere opens nothing any more
        await asyncio.to_thread(deps.sessions.end, who.session.id, now=deps.signer.now())
        response = no_store(RedirectResponse("/ui/connexion", status_code=303))
        response.delete_cookie(SESSION_COOKIE, path="/ui", **COOKIE_FLAGS)
        return response

    return router
