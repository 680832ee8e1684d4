"""All the web pages under /ui/, and their own stylesheet and script (nothing from a CDN)."""

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from services.ingest.entrypoints.web.auth_pages import auth_router
from services.ingest.entrypoints.web.deps import WebDeps
from services.ingest.entrypoints.web.market_pages import market_router
from services.ingest.entrypoints.web.render import HERE
from services.ingest.entrypoints.web.upload_pages import upload_router

STATIC_TYPES = {"style.css": "text/css; charset=utf-8", "depot.js": "text/javascript"}


def web_router(deps: WebDeps) -> APIRouter:
    """The pages; static files are read once, here."""
    router = APIRouter()
    static = {name: (HERE / "static" / name).read_bytes() for name in STATIC_TYPES}

    @router.get("/ui/static/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in static:
            raise HTTPException(404, "fichier inconnu")
        headers = {"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"}
        return Response(static[name], media_type=STATIC_TYPES[name], headers=headers)

    for part in (auth_router(deps), upload_router(deps), market_router(deps)):
        router.include_router(part)
    return router
