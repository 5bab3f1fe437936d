"""What the byte endpoints share: who is calling, and domain errors as HTTP statuses."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.errors import (
    BadInput,
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from app.domain.permissions import Actor
from app.services import auth

_STATUS: dict[type[DomainError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    InvalidTransition: 409,
    BadInput: 400,
    RateLimited: 429,
    Unavailable: 503,
}
#: Seconds a client is told to wait before retrying a 503 (the store was unreachable).
RETRY_AFTER_SECONDS = 5


async def request_actor(conn: HTTPConnection, settings: Settings, db: SessionFactory) -> Actor:
    """``X-API-Key`` (a site key, or the global daemon key) or the session cookie; nobody else."""
    client = conn.client.host if conn.client else None
    key = conn.headers.get("x-api-key")
    if key:
        return await auth.actor_for_api_key(db, settings, key, client)
    token = conn.cookies.get(settings.session_cookie)  # set by the GraphQL ``login`` mutation
    if token:
        actor = await auth.actor_for_session(db, settings, token, client)
        if actor.is_authenticated:
            return actor
    raise Unauthenticated("send X-API-Key or log in")


def status_for(error: DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in _STATUS:
            return _STATUS[kind]
    return 500


def error_response(
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> JSONResponse:
    """``{"code", "message", ...extra}``: a machine code and a sentence a person can act on."""
    return JSONResponse({"code": code, "message": message, **(extra or {})}, status_code=status, headers=headers)


def domain_error_response(error: DomainError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    status = status_for(error)
    if status == 503:  # retryable: say when
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), **(headers or {})}
    return error_response(status, error.code, error.message, headers, error.extensions)
