"""The Strawberry ASGI view: who is calling (cookie session or daemon key), the CSRF rules, and every HTTP-level
refusal as a JSON GraphQL error with an ``extensions.code``.

Cookie-authenticated requests must be JSON POSTs: a browser cannot send ``application/json`` cross-site
without a CORS preflight we never grant, so form, multipart, text/plain and GET are all refused here.

Strawberry answers a request it cannot execute (invalid JSON, a batch, no query, ...) with a plain-text
``HTTPException``; clients then have only prose to branch on. ``http_refusal`` gives each one a code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, cast

from cross_web import HTTPException
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage, SubscribeMessage
from strawberry.types.execution import ExecutionResult

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.errors import Unauthenticated
from app.domain.permissions import ANONYMOUS
from app.events.hub import EventHub
from app.events.revocations import Credential, Revocation, Revocations
from app.integrations.mam import MamAdapter
from app.services import auth
from app.services.auth import Standing
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
#: A socket whose identity was revoked: 4401 when it no longer authenticates (graphql-ws does not retry it),
#: 4403 when it does but with another role (graphql-ws retries it; the new socket gets the new role).
WS_SIGNED_OUT = 4401
WS_ROLE_CHANGED = 4403


class _TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with the identity checked per operation, not only at ``connection_init``.

    ``connection_init`` checks a cookie or site key in the database; each later operation re-reads that
    credential's standing (one statement) and runs with the current role, or is refused UNAUTHENTICATED and the
    socket closed. A revocation heard from any replica (``app.events.revocations``) ends the socket's
    subscriptions with UNAUTHENTICATED and closes it, within the time an event takes to arrive."""

    _credential: Credential | None = None
    _ended: str | None = None  # why this socket was signed out, once it was
    _ending: asyncio.Task[None] | None = None

    @property
    def _view(self) -> ColorRouteGraphQL:
        return cast("ColorRouteGraphQL", self.view)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """With the database away, Strawberry let the error escape the socket (a 1011 close and a traceback per
        reconnect); close with 1013 and the code instead."""
        try:
            await super().handle_connection_init(message)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            log_unavailable(exc)
            await self.websocket.close(code=WS_TRY_AGAIN_LATER, reason=SERVICE_UNAVAILABLE)
            return
        standing = self.context.standing
        if self.connection_acknowledged and standing is not None and standing.revocable:
            actor = standing.actor
            self._credential = Credential(actor.user_id, standing.session_id, standing.api_key_id)
            self._view.revocations.hold(self, self._credential)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        # The socket's context lives as long as the socket (days, for a daemon): each operation gets fresh
        # DataLoaders, or a query would read rows cached by an earlier one. Subscriptions read each event through
        # the event's own loaders (graphql_schema/live.py), so replacing these never touches a running one.
        self.context.loaders = build_loaders(self._view.db)
        if self.connection_acknowledged and self._credential is not None:
            refusal = await self._recheck()
            if refusal is not None:
                await self.send_message({"id": message["id"], "type": "error", "payload": [refusal.formatted]})
                if refusal.extensions and refusal.extensions.get("code") == "UNAUTHENTICATED":
                    await self._end(refusal.message, WS_SIGNED_OUT)
                return
        await super().handle_subscribe(message)

    async def _recheck(self) -> GraphQLError | None:
        """The socket's standing now: the actor of this operation (and of later events), or why it is refused."""
        if self._ended is not None:
            return _unauthenticated(self._ended)
        try:
            standing = await self._view.standing(self.context.request, self.context.connection_params)
        except Unauthenticated as exc:
            return _unauthenticated(exc.message)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            log_unavailable(exc)
            return GraphQLError(UNAVAILABLE_MESSAGE, extensions={"code": SERVICE_UNAVAILABLE, "retryable": True})
        if self._ended is not None:  # revoked while we looked
            return _unauthenticated(self._ended)
        if not standing.actor.is_authenticated:
            return _unauthenticated("your session has ended; log in again")
        self.context.actor, self.context.standing = standing.actor, standing
        return None

    def revoked(self, revocation: Revocation) -> None:
        """Called by the revocation registry, for this socket's user, session or key."""
        if self._ending is None:
            code = WS_SIGNED_OUT if revocation.signed_out else WS_ROLE_CHANGED
            self._ending = asyncio.create_task(self._end(revocation.message, code), name="socket-revoked")

    async def _end(self, message: str, close_code: int) -> None:
        """Subscriptions end as an expired session ends them (a ``next`` with UNAUTHENTICATED, then
        ``complete``); queries and mutations in flight end with the socket."""
        if self._ended is not None:
            return
        self._ended = message
        error = _unauthenticated(message)
        for operation in list(self.operations.values()):
            if not _is_subscription(operation):
                continue
            with contextlib.suppress(Exception):
                await operation.send_next(ExecutionResult(data=None, errors=[error]))
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            if operation.task is not None:
                operation.task.cancel()
        await self._close(close_code, message)

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):  # already closing or gone
            await self.websocket.close(code=code, reason=reason[:120])

    async def shutdown(self) -> None:
        if self._credential is not None:
            self._view.revocations.release(self, self._credential)
        await super().shutdown()


def _unauthenticated(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "UNAUTHENTICATED"})


def _is_subscription(operation: Operation[Context, None]) -> bool:
    """Parsed again only when a revocation arrives (rare), so operations pay nothing for it."""
    try:
        found = get_operation_ast(parse(operation.query), operation.operation_name)
    except GraphQLError:
        return False
    return found is not None and found.operation is OperationType.SUBSCRIPTION


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
        revocations: Revocations,
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
        self.revocations = revocations

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        response = self._refuse(request)
        if response is None:
            # Read the body before the catch-all below: the body limit (app.guards) interrupts the read with its
            # own exception and must see it to answer 413. Strawberry then reads the cached body. A client gone
            # mid-body gets no answer (there is nobody to send it to) and is not an error worth a traceback.
            try:
                await request.body()
            except ClientDisconnect:
                return
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

    async def _standing(self, request: Request | WebSocket, api_key: str | None) -> Standing:
        client = request.client.host if request.client else None
        if api_key:
            return await auth.api_key_standing(self.db, self.settings, api_key, client)
        token = request.cookies.get(self.settings.session_cookie)
        if token:
            return await auth.session_standing(self.db, self.settings, token, client)
        return Standing(ANONYMOUS)

    async def standing(self, request: Request | WebSocket, params: dict[str, Any] | None) -> Standing:
        """A WebSocket's identity: a daemon key in the ``connection_init`` payload, else the cookie."""
        key = (params or {}).get("apiKey") or (params or {}).get("X-API-Key") or (params or {}).get("x-api-key")
        return await self._standing(request, str(key) if key else None)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        standing = Standing(ANONYMOUS)
        if isinstance(request, Request):
            standing = await self._standing(request, request.headers.get("x-api-key"))
        return Context(
            settings=self.settings,
            db=self.db,
            hub=self.hub,
            limiter=self.limiter,
            mam=self.mam,
            actor=standing.actor,
            loaders=build_loaders(self.db),
            request=request,
            response=response,
            session_token=request.cookies.get(self.settings.session_cookie)
            if standing.session_id is not None
            else None,
            standing=standing,
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        """WebSockets authenticate at ``connection_init``: a daemon key in the payload, else the cookie."""
        try:
            standing = await self.standing(context.request, context.connection_params)
        except Unauthenticated as exc:
            raise ConnectionRejectionError({"message": exc.message, "code": exc.code}) from None
        context.actor, context.standing = standing.actor, standing
        context.session_token = (
            context.request.cookies.get(self.settings.session_cookie) if standing.session_id else None
        )
        return None
