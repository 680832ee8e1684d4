"""Signed cookies for the web pages: the session (a token's hash, never the token) and CSRF.

A cookie value is `base64url(JSON).base64url(HMAC-SHA256)`; anything altered, expired or
signed with another key reads as absent. The session holds the SHA-256 of the token the
person pasted: every request looks it up again in the token registry, so a token removed
from the configuration is out at once. It also holds a random session id, which must be
open in the server-side table of sessions (the `Sessions` port, `adapters.storage.SqlSessions`):
signing out ends it there, so a copy of the cookie is worth nothing afterwards.
"""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SESSION_COOKIE = "ih_session"
CSRF_COOKIE = "ih_csrf"
COOKIE_FLAGS: dict[str, Any] = {"httponly": True, "secure": True, "samesite": "strict"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class Session:
    """Who is signed in (by token hash) until when, the CSRF value of their forms, and the id
    the server-side table knows the session by."""

    token_sha256: str
    expires_at: float
    csrf: str
    id: str


class Signer:
    """Signs and reads the web cookies with one key and a clock (seconds since the epoch)."""

    def __init__(self, key: bytes, *, lifetime_s: float, clock: Callable[[], float]) -> None:
        self._key = key
        self.lifetime_s = lifetime_s
        self._clock = clock

    def now(self) -> float:
        """The signer's clock (seconds since the epoch)."""
        return self._clock()

    def _sign(self, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        mac = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return f"{body}.{_b64(mac)}"

    def _read(self, value: str | None) -> dict[str, Any] | None:
        if not value or value.count(".") != 1:
            return None
        body, mac = value.split(".")
        expected = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(expected, _unb64(mac)):
                return None
            payload = json.loads(_unb64(body))
        except (binascii.Error, ValueError):
            return None
        return payload if isinstance(payload, dict) else None

    def new_session(self, token_sha256: str) -> tuple[Session, str]:
        """A fresh session (with a fresh CSRF value) and its cookie value."""
        session = Session(
            token_sha256,
            self._clock() + self.lifetime_s,
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(32),
        )
        payload = {
            "h": session.token_sha256,
            "e": session.expires_at,
            "c": session.csrf,
            "s": session.id,
        }
        return session, self._sign(payload)

    def session(self, value: str | None) -> Session | None:
        """The session of a cookie value, if it is genuine and not expired (a cookie signed
        before sessions had ids is no session)."""
        payload = self._read(value)
        if payload is None:
            return None
        try:
            session = Session(
                str(payload["h"]), float(payload["e"]), str(payload["c"]), str(payload["s"])
            )
        except (KeyError, TypeError, ValueError):
            return None
        return session if session.expires_at > self._clock() else None

    def new_csrf(self) -> tuple[str, str]:
        """A CSRF value for the forms shown before sign-in, and its cookie value."""
        value = secrets.token_urlsafe(32)
        return value, self._sign({"c": value, "e": self._clock() + self.lifetime_s})

    def csrf(self, value: str | None) -> str | None:
        """The CSRF value of a pre-sign-in cookie, if genuine and not expired."""
        payload = self._read(value)
        if payload is None or float(payload.get("e", 0)) <= self._clock():
            return None
        csrf = payload.get("c")
        return csrf if isinstance(csrf, str) else None


def same(expected: str | None, given: str | None) -> bool:
    """Whether a form's CSRF value is the expected one (constant time)."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def derived_key(pseudonymisation_key: str) -> bytes:
    """A cookie key derived from the pseudonymisation key when none is configured."""
    return hmac.new(pseudonymisation_key.encode(), b"ingest-web-session", hashlib.sha256).digest()
