"""How uvicorn serves the app — for ``colorroute serve`` and the tests' servers alike: whose forwarded headers
are believed, how long a connection may take to send a request's headers or pause inside its body, and how
many connections one process takes.

uvicorn has no header-read timeout: its keep-alive timer is cancelled by the first byte of a request, so a
client sending headers a byte at a time (or never finishing them) held a connection forever. The protocol
classes here add two per-connection deadlines on top of uvicorn's own:

* **headers**: a request's complete headers must arrive within ``header_timeout_seconds`` of the connection
  opening or of the previous response; bytes trickling in do not extend it.
* **body**: while a request's body is incomplete, the client may be silent at most ``body_timeout_seconds``
  (time the app holds the bytes back — reading paused, or a ``100 Continue`` not yet sent — does not count).
  Closing the connection tells the app ``http.disconnect``, so a stalled upload ends and keeps what arrived.
  A request answered before its body ended (a refused upload) keeps this limit, not the header deadline, for
  the rest of its body: clients that read the answer only after sending everything still get it.

A connection upgraded to a WebSocket belongs to the WebSocket protocol and its pings from then on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from app.config import Settings

log = logging.getLogger("colorroute.serving")

#: While the app holds a body back, look again this often (so a client resuming after it has a full period).
_HELD_BACK_RECHECK_SECONDS = 1.0


class Deadlines:
    """One connection's header deadline and body idle limit, driven by its protocol's events. A single timer
    re-armed lazily: bytes arriving only record the time (no timer churn on the upload path)."""

    def __init__(self, protocol: Any, header_timeout: float, body_timeout: float) -> None:
        self.protocol = protocol
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.loop: asyncio.AbstractEventLoop = protocol.loop
        self.waiting_since: float | None = None  # waiting for a request's headers since (None: a request runs)
        self.seen: Any = None  # the request cycle whose headers arrived last
        self.draining: Any = None  # a cycle answered before its body ended, whose body may still be arriving
        self.last_data = 0.0
        self.timer: asyncio.TimerHandle | None = None

    def opened(self) -> None:
        self.waiting_since = self.last_data = self.loop.time()
        self._check_in(self.header_timeout)

    def received(self) -> None:
        self.last_data = self.loop.time()
        cycle = self.protocol.cycle
        if cycle is not None and cycle is not self.seen:  # a request's headers are complete
            self.seen = cycle
            self.waiting_since = None

    def responded(self) -> None:
        cycle: Any = self.protocol.cycle
        if cycle is not self.seen:  # a pipelined request started at once
            self.seen = cycle
            self.waiting_since = None
        elif cycle is not None and cycle.response_complete and cycle.more_body:
            # Answered before its body ended (a tus refusal): a client that reads the answer only once it sent
            # everything is still sending. The rest is held to the body's idle limit, not the header deadline.
            self.draining = cycle
        elif cycle is None or cycle.response_complete:
            self.waiting_since = self.loop.time()

    def closed(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _check_in(self, delay: float) -> None:
        self.timer = self.loop.call_later(max(delay, 0.05), self._check)

    def _check(self) -> None:
        self.timer = None
        transport = self.protocol.transport
        if transport is None or transport.is_closing() or transport.get_protocol() is not self.protocol:
            return  # closed, or handed over to the WebSocket protocol
        now = self.loop.time()
        if self.waiting_since is not None:
            left = self.waiting_since + self.header_timeout - now
            if left <= 0:
                self._close(transport, f"no complete request headers within {self.header_timeout:g} s")
                return
            self._check_in(left)
            return
        cycle = self.protocol.cycle
        if cycle is not None and ((not cycle.response_complete and cycle.more_body) or cycle is self.draining):
            if self._held_back_by_app():
                self.last_data = now
                self._check_in(min(_HELD_BACK_RECHECK_SECONDS, self.body_timeout))
                return
            left = self.last_data + self.body_timeout - now
            if left <= 0:
                self._close(transport, f"request body silent for {self.body_timeout:g} s")
                return
            self._check_in(left)
            return
        self._check_in(min(self.header_timeout, self.body_timeout))  # a request is being answered

    def _held_back_by_app(self) -> bool:
        protocol = self.protocol
        if protocol.flow is not None and protocol.flow.read_paused:
            return True
        if getattr(protocol.cycle, "expect_100_continue", False):  # httptools: 100 Continue not sent yet
            return True
        conn = getattr(protocol, "conn", None)  # h11
        return bool(conn is not None and conn.they_are_waiting_for_100_continue)

    def _close(self, transport: asyncio.BaseTransport, why: str) -> None:
        client = self.protocol.client
        log.info("closing the connection from %s: %s", client[0] if client else "?", why)
        transport.close()


class _DeadlinesMixin(asyncio.Protocol):
    """What both uvicorn HTTP protocols need to drive :class:`Deadlines`: one set of hooks, put before the
    protocol class in the bases so ``super()`` is uvicorn's."""

    def __init__(self, *args: Any, header_timeout: float, body_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadlines = Deadlines(self, header_timeout, body_timeout)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.deadlines.opened()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self.deadlines.received()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]  # uvicorn's protocols have it; asyncio's has not
        self.deadlines.responded()

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self.deadlines.closed()


class GuardedH11Protocol(_DeadlinesMixin, H11Protocol):
    pass


GuardedProtocol: Callable[..., asyncio.Protocol] = GuardedH11Protocol
try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools; h11 is the fallback, as in uvicorn
    pass
else:

    class GuardedHttpToolsProtocol(_DeadlinesMixin, HttpToolsProtocol):
        pass

    GuardedProtocol = GuardedHttpToolsProtocol


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn keyword arguments (besides app, host, port and logging) for serving ``settings``' way.

    Forwarded headers (``X-Forwarded-For``/``-Proto``) are believed only from ``COLORROUTE_TRUSTED_PROXIES``:
    uvicorn's default trusts them from 127.0.0.1, which let any local client choose the address the login
    limiter and the audit see."""
    trusted = list(settings.trusted_proxies)
    return {
        "http": functools.partial(
            GuardedProtocol,
            header_timeout=settings.header_timeout_seconds,
            body_timeout=settings.body_timeout_seconds,
        ),
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.max_connections,
        "ws": "websockets-sansio",
        # Event messages are a few hundred bytes: deflating each one for each subscriber cost more CPU than
        # any bandwidth it saved (fan-out to 1,000 subscribers is CPU-bound). A TLS proxy may compress.
        "ws_per_message_deflate": False,
        "timeout_graceful_shutdown": 10,
    }
