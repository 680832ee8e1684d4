"""The security headers and the content security policies (shared/http_security.py)."""

import base64
import hashlib

import httpx
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from shared.http_security import NOTHING_CSP, html_csp, secure_and_document, source_hash


def test_an_inline_source_is_allowed_by_the_sha256_a_browser_computes() -> None:
    css = "body { color: #222; }"
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()

    assert source_hash(css) == f"'sha256-{digest}'"
    assert html_csp(styles=[css]).startswith(f"default-src 'none'; style-src 'sha256-{digest}'")


def test_a_page_policy_names_no_other_origin_and_forbids_framing() -> None:
    policy = html_csp(scripts=["x()"], own_assets=True)

    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self' 'sha256-" in policy
    assert "http" not in policy
    assert "*" not in policy
    assert "'unsafe-inline'" not in policy


async def test_headers_are_added_to_json_and_a_pages_own_policy_is_kept() -> None:
    app = FastAPI(docs_url=None, redoc_url=None)
    secure_and_document(app)

    @app.get("/json")
    async def json_route() -> dict[str, int]:
        return {"a": 1}

    @app.get("/page")
    async def page() -> HTMLResponse:
        return HTMLResponse("<p>x</p>", headers={"Content-Security-Policy": "default-src 'self'"})

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        json_answer, page_answer = await client.get("/json"), await client.get("/page")

    assert json_answer.headers["content-security-policy"] == NOTHING_CSP
    assert json_answer.headers["x-content-type-options"] == "nosniff"
    assert page_answer.headers["content-security-policy"] == "default-src 'self'"
    assert page_answer.headers["x-frame-options"] == "DENY"
    assert page_answer.headers["referrer-policy"] == "no-referrer"
