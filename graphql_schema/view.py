"""The Strawberry ASGI view: who is calling (cookie session or daemon key), the CSRF rules, and every HTTP-level
refusal as a JSON GraphQL error with an ``extensions.code``.

Cookie-authenticated requests must be JSON POSTs: a browser cannot send ``application/json`` cross-site
without a CORS preflight we never grant, so form, multipart, text/plain and GET are all refused here.

Strawberry answers a request it cannot execute (invalid JSON, a batch, no query, ...) with a plain-text
``HTTPException``; clients then have only prose to branch on. ``http_refusal`` gives each one a code.
"""

from __future__ import annotations

import logging
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.errors import Unauthenticated
from app.domain.permissions import ANONYMOUS, Actor
from app.events.hub import EventHub
from app.integrations.mam import MamAdapter
from app.services import auth
from app.services.security import LoginLimiter
from graphql_schema.context import Context
from graphql_schema.errors import SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE, database_unavailable, log_unavailable
from graphql_schema.loaders import build_loaders

log = logging.getLogger(__name__)


#: Seconds a client should wait before retrying when the database is away (a hint; outages vary).
RETRY_AFTER_SECONDS = 2
BATCHING_NOT_SUPPORTED = "BATCHING_NOT_SUPPORTED"
#: Strawberry's plain-text refusals by their reason (stable strings in strawberry/http/); any other is coded by
#: its status below. tests/api/test_error_surfaces.py pins each reachable one, so an upgrade that rewords one
#: fails there rather than silently falling back.
_BY_REASON = {
    "Batching is not enabled": (400, BATCHING_NOT_SUPPORTED, "Batching is not enabled: send one operation per request"),
    "Too many operations": (400, BATCHING_NOT_SUPPORTED, "Batching is not enabled: send one operation per request"),
    "Unsupported content type": (415, "UNSUPPORTED_MEDIA_TYPE", "GraphQL requests must be application/json"),
}
_BY_STATUS = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def graphql_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extensions: Any
) -> JSONResponse:
    """A request-level error in the GraphQL response shape, so clients parse every answer the same way."""
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return JSONResponse({"data": None, "errors": [error]}, status, headers=headers)


def http_refusal(exc: HTTPException) -> JSONResponse:
    """The coded JSON form of one of Strawberry's plain-text HTTP refusals (status kept, always 4xx)."""
    cause = exc.__cause__
    if isinstance(cause, CannotGetOperationTypeError):  # Apollo's name: no operation matches operationName
        return graphql_error(400, "OPERATION_RESOLUTION_FAILURE", exc.reason)
    if isinstance(cause, InvalidOperationTypeError):  # a mutation over GET: the GraphQL-over-HTTP spec says 405
        return graphql_error(405, "METHOD_NOT_ALLOWED", exc.reason, headers={"Allow": "POST"})
    if isinstance(cause, MissingQueryError):
        return graphql_error(400, "BAD_REQUEST", 'The request has no "query"')
    if exc.reason in _BY_REASON:
        status, code, message = _BY_REASON[exc.reason]
        return graphql_error(status, code, message)
    status = exc.status_code if 400 <= exc.status_code < 500 else 400
    headers = {"Allow": "POST"} if status == 405 else None
    return graphql_error(status, _BY_STATUS.get(status, "BAD_REQUEST"), exc.reason, headers=headers)


def unavailable() -> JSONResponse:
    """The database went away before the operation could start (authenticating the caller): the whole request
    failed, so unlike a field error it can carry HTTP 503 and ``Retry-After``."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return graphql_error(503, SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE, headers=headers, retryable=True)


#: RFC 6455 close code 1013 "Try Again Later": clients reconnect with backoff (4403 would read as "Forbidden").
WS_TRY_AGAIN_LATER = 1013


class _TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """``connection_init`` checks a cookie or site key in the database. With the database away, Strawberry let the
    error escape the socket (a 1011 close and a traceback per reconnect); close with 1013 and the code instead."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            log_unavailable(exc)
            await self.websocket.close(code=WS_TRY_AGAIN_LATER, reason=SERVICE_UNAVAILABLE)


class ColorRouteGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = _TransportWS

    def __init__(
        self,
        schema: Any,
        *,
        settings: Settings,
        db: SessionFactory,
        hub: EventHub,
        limiter: LoginLimiter,
        mam: MamAdapter,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide=None,  # the bundled, offline GraphiQL lives at /graphiql
            allow_queries_via_get=False,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            multipart_uploads_enabled=False,
            keep_alive=True,
            keep_alive_interval=15,
        )
        self.settings = settings
        self.db = db
        self.hub = hub
        self.limiter = limiter
        self.mam = mam

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        response = self._refuse(request)
        if response is None:
            # Read the body before the catch-all below: the body limit (app.guards) interrupts the read with its
            # own exception and must see it to answer 413. Strawberry then reads the cached body.
            await request.body()
            response = await self._answer(request)
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        try:
            response: Response = await self.run(request)
        except HTTPException as exc:
            return http_refusal(exc)
        except Unauthenticated as exc:
            return graphql_error(401, exc.code, exc.message)
        except Exception as exc:
            if database_unavailable(exc):
                log_unavailable(exc)
                return unavailable()
            log.exception("unexpected error answering a GraphQL request")
            return graphql_error(500, "INTERNAL_SERVER_ERROR", "Internal server error.")
        return response

    def _refuse(self, request: Request) -> Response | None:
        if request.method != "POST":
            message = "GraphQL requests must be POST (GET is disabled)"
            return graphql_error(405, "METHOD_NOT_ALLOWED", message, headers={"Allow": "POST"})
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return graphql_error(415, "UNSUPPORTED_MEDIA_TYPE", "GraphQL requests must be application/json")
        return None

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry assumes a JSON body is an object or a list: a bare string or number crashed it (HTTP 500).
        Invalid UTF-8 escaped its JSON check the same way (UnicodeDecodeError is not a JSONDecodeError), and so
        did nesting deeper than the parser recurses (a 100,000-deep array: RecursionError)."""
        try:
            parsed = super().parse_json(data)
        except UnicodeDecodeError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        except RecursionError:
            raise HTTPException(400, "Unable to parse request body as JSON: nested too deeply") from None
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, 'The request body must be a JSON object with a "query"')
        return parsed

    async def _actor(self, request: Request | WebSocket, api_key: str | None) -> tuple[Actor, str | None]:
        client = request.client.host if request.client else None
        if api_key:
            return await auth.actor_for_api_key(self.db, self.settings, api_key, client), None
        token = request.cookies.get(self.settings.session_cookie)
        if token:
            return await auth.actor_for_session(self.db, self.settings, token, client), token
        return ANONYMOUS, None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        actor, token = ANONYMOUS, None
        if isinstance(request, Request):
            actor, token = await self._actor(request, request.headers.get("x-api-key"))
        return Context(
            settings=self.settings,
            db=self.db,
            hub=self.hub,
            limiter=self.limiter,
            mam=self.mam,
            actor=actor,
            loaders=build_loaders(self.db),
            request=request,
            response=response,
            session_token=token,
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        """WebSockets authenticate at ``connection_init``: a daemon key in the payload, else the cookie."""
        params = context.connection_params or {}
        key = params.get("apiKey") or params.get("X-API-Key") or params.get("x-api-key")
        try:
            actor, token = await self._actor(context.request, str(key) if key else None)
        except Unauthenticated as exc:
            raise ConnectionRejectionError({"message": exc.message, "code": exc.code}) from None
        context.actor = actor
        context.session_token = token
        return None
