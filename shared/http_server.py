"""How the three services serve HTTP: uvicorn with timeouts for idle and slow clients, and
log lines whose query strings carry no secret.

uvicorn closes an idle keep-alive connection after `timeout_keep_alive`, but it has no
timeout at all for a request's head (a client may send one header byte every few seconds
forever, "slowloris") nor for its body, and a connection that never sends a byte is never
timed out. `GuardedH11Protocol` adds both: the head of each request must be complete within
`head_timeout_s` of the connection (or of the previous response), and its body within
`body_timeout_s` of the head; otherwise the connection is closed. h11 already refuses a head
larger than 16 KiB (`h11_max_incomplete_event_size`).
"""

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from shared.log_redaction import install_log_redaction
from shared.settings import ServiceSettings

logger = logging.getLogger(__name__)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines on receiving a request's head and body."""

    head_timeout_s: float = 10.0
    body_timeout_s: float = 120.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._body_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head()
        self._cancel_body()
        super().connection_lost(exc)

    def _watch(self) -> None:
        """Arm or cancel the deadlines for what the client still has to send."""
        state = self.conn.their_state
        if self.transport.is_closing():
            state = h11.CLOSED
        if state is h11.IDLE:  # waiting for (the rest of) a request's head
            self._cancel_body()
            if self._head_deadline is None:
                self._head_deadline = self.loop.call_later(
                    self.head_timeout_s, self._too_slow, "head", self.head_timeout_s
                )
        elif state is h11.SEND_BODY:
            self._cancel_head()
            if self._body_deadline is None:
                self._body_deadline = self.loop.call_later(
                    self.body_timeout_s, self._too_slow, "body", self.body_timeout_s
                )
        else:  # the request is in, or the connection is going away
            self._cancel_head()
            self._cancel_body()

    def _cancel_head(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _cancel_body(self) -> None:
        if self._body_deadline is not None:
            self._body_deadline.cancel()
            self._body_deadline = None

    def _too_slow(self, part: str, seconds: float) -> None:
        self._head_deadline = self._body_deadline = None
        if not self.transport.is_closing():
            logger.warning(
                "HTTP connection closed: request %s not received within %s s", part, seconds
            )
            self.transport.close()


def guarded_h11(*, head_timeout_s: float, body_timeout_s: float) -> type[asyncio.Protocol]:
    """The protocol class to give uvicorn (`http=`), with these deadlines."""

    class Guarded(GuardedH11Protocol):
        pass

    Guarded.head_timeout_s = head_timeout_s
    Guarded.body_timeout_s = body_timeout_s
    return Guarded


def serve(
    app: Any, *, host: str, port: int, settings: ServiceSettings, access_log: bool = True
) -> None:
    """Serve an ASGI app until interrupted, with the timeouts of `settings` and log lines
    redacted (`shared.log_redaction`)."""
    install_log_redaction()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
        http=guarded_h11(
            head_timeout_s=settings.http_head_timeout_s,
            body_timeout_s=settings.http_body_timeout_s,
        ),
        timeout_keep_alive=settings.http_keep_alive_s,
    )
