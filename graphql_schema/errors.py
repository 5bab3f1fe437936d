"""Every error leaves with a precise ``extensions.code``; anything unexpected is masked and logged.

A database that cannot be reached is not "unexpected": it is an outage the caller should wait out and retry, so
it gets its own code (``SERVICE_UNAVAILABLE``, ``extensions.retryable``) instead of the masked internal error.
"""

from __future__ import annotations

import logging
import socket
import time
import traceback
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from sqlalchemy import exc as sa_exc
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from app.domain.errors import DomainError
from graphql_schema.hardening import is_anonymous

log = logging.getLogger("colorroute.graphql")


def _classify(error: GraphQLError) -> str:
    message = error.message
    if "tokens. Parsing aborted" in message:  # graphql-core's max_tokens: a limit, not a typo
        return "QUERY_TOO_COMPLEX"
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if "exceeds maximum operation depth" in message or "aliases found" in message.lower():
        return "QUERY_TOO_COMPLEX"
    if "Variable" in message or "Expected value of type" in message or "Expected type" in message:
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def _refused_input(error: GraphQLError, original: BaseException) -> str | None:
    """A message when ``original`` is the caller's bad value, not our failure: PostgreSQL's data exceptions
    (SQLSTATE class 22: a NUL character in text, a number or date out of range) and values that failed to
    convert before execution began (an Int literal of 5,000 digits)."""
    sqlstate = getattr(getattr(original, "orig", None), "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith("22"):
        return "a value cannot be stored: text with a NUL character, or a number or date out of range"
    if error.path is None and isinstance(original, ValueError):
        return error.message.split(";")[0]
    return None


SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
UNAVAILABLE_MESSAGE = "Service temporarily unavailable: the database cannot be reached. Retry shortly."
#: SQLSTATEs meaning "the server is going away or not yet back", beyond class 08 (connection exception):
#: admin/crash shutdown, cannot connect now (starting up or shutting down), too many connections.
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
_DRIVER_MODULES = ("asyncpg", "sqlalchemy")


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error``, the driver error SQLAlchemy wraps (``.orig``) and the explicit ``__cause__`` chain. Not
    ``__context__``: an unrelated error raised while handling a connection error is not an outage."""
    seen: set[int] = set()
    pending = [error]
    while pending and len(seen) < 20:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for nxt in (getattr(current, "orig", None), current.__cause__):
            if isinstance(nxt, BaseException):
                pending.append(nxt)


def _raised_by_driver(error: BaseException) -> bool:
    """A missing unix socket is a plain FileNotFoundError and a connect timeout a plain TimeoutError: only where
    they were raised (inside asyncpg or SQLAlchemy's pool) tells them from a missing file or a slow resolver."""
    return any(
        str(frame.f_globals.get("__name__", "")).startswith(_DRIVER_MODULES)
        for frame, _line in traceback.walk_tb(error.__traceback__)
    )


def database_unavailable(error: BaseException) -> bool:
    """True when ``error`` means PostgreSQL cannot be reached right now (stopped, restarting, unreachable, out of
    connections), as opposed to a bug or a refused value: the same request may succeed if retried later."""
    for cause in _causes(error):
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, sa_exc.DisconnectionError | sa_exc.TimeoutError):  # TimeoutError: pool exhausted
            return True
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_SQLSTATES):
            return True
        if isinstance(cause, ConnectionError | socket.gaierror):  # refused, reset, aborted, broken pipe, no host
            return True
        if isinstance(cause, OSError) and _raised_by_driver(cause):  # includes TimeoutError
            return True
    return False


class ErrorCodes(MaskErrors):
    """MaskErrors that also labels what it lets through."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda _e: False, error_message="Internal server error.")
        self._anonymous = True

    def on_operation(self) -> Iterator[None]:
        """Anonymous callers get no "Did you mean ..." field suggestions (introspection: see hardening)."""
        self._anonymous = is_anonymous(self.execution_context.context)
        yield from super().on_operation()

    def _process_result(self, result: object) -> None:
        """Most results carry no errors: skip MaskErrors' isinstance check against a runtime Protocol, which
        ran once per subscription delivery and was ~10% of fan-out CPU."""
        if getattr(result, "errors", None):
            super()._process_result(result)

    def _with_code(self, error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out: list[GraphQLError] = []
        for error in errors:
            original = error.original_error
            while isinstance(original, GraphQLError) and original.original_error is not None:
                original = original.original_error
            if isinstance(original, DomainError):
                out.append(self._with_code(error, original.message, {"code": original.code, **original.extensions}))
            elif original is None or isinstance(original, GraphQLError):
                ext = dict(error.extensions or {})
                ext.setdefault("code", _classify(error))
                message = error.message
                if self._anonymous and "Did you mean" in message:
                    message = message.split("Did you mean")[0].strip()
                if "introspection" in message.lower():
                    ext["code"] = "FORBIDDEN" if self._anonymous else ext["code"]
                out.append(self._with_code(error, message, ext))
            elif (refused := _refused_input(error, original)) is not None:
                out.append(self._with_code(error, refused, {"code": "BAD_USER_INPUT"}))
            elif database_unavailable(original):
                ext = {"code": SERVICE_UNAVAILABLE, "retryable": True}
                out.append(self._with_code(error, UNAVAILABLE_MESSAGE, ext))
            else:
                out.append(self._with_code(error, self.error_message, {"code": "INTERNAL_SERVER_ERROR"}))
        return out


def log_unexpected(errors: list[GraphQLError], _context: ExecutionContext | None = None) -> None:
    """Strawberry logs every error by default; ours are answers, not incidents. Log only the unexpected."""
    for error in errors:
        original = error.original_error
        if original is not None and not isinstance(original, DomainError | GraphQLError):
            if _refused_input(error, original) is not None:
                continue
            if database_unavailable(original):
                log_unavailable(original)
                continue
            log.error("unexpected error at %s", error.path, exc_info=original)


_last_unavailable_log = 0.0


def log_unavailable(error: BaseException, every_seconds: float = 5.0) -> None:
    """An outage fails every request the same way: one line every few seconds says it, without a traceback."""
    global _last_unavailable_log
    now = time.monotonic()
    if now - _last_unavailable_log >= every_seconds:
        _last_unavailable_log = now
        log.warning("database unavailable (%s: %s); answering SERVICE_UNAVAILABLE", type(error).__name__, error)
