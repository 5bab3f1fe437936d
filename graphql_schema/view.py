"""The Strawberry ASGI view: who is calling (cookie session or daemon key), and the CSRF rules.

Cookie-authenticated requests must be JSON POSTs: a browser cannot send ``application/json`` cross-site
without a CORS preflight we never grant, so form, multipart, text/plain and GET are all refused here.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.errors import Unauthenticated
from app.domain.permissions import ANONYMOUS, Actor
from app.events.hub import EventHub
from app.integrations.mam import MamAdapter
from app.services import auth
from app.services.security import LoginLimiter
from graphql_schema.context import Context
from graphql_schema.loaders import build_loaders
from graphql_schema.users.mutations import SESSION_COOKIE

log = logging.getLogger(__name__)


def graphql_error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}, status)


class ColorRouteGraphQL(GraphQL[Context, None]):
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
        if scope["type"] == "http":
            request = Request(scope, receive)
            refusal = self._refuse(request)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _refuse(self, request: Request) -> Response | None:
        if request.method != "POST":
            return graphql_error(405, "METHOD_NOT_ALLOWED", "GraphQL requests must be POST (GET is disabled)")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return graphql_error(415, "UNSUPPORTED_MEDIA_TYPE", "GraphQL requests must be application/json")
        return None

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry assumes a JSON body is an object or a list: a bare string or number crashed it (HTTP 500).
        Anything else is a request without a query (400)."""
        parsed = super().parse_json(data)
        return parsed if isinstance(parsed, dict | list) else {}

    async def _actor(self, request: Request | WebSocket, api_key: str | None) -> tuple[Actor, str | None]:
        client = request.client.host if request.client else None
        if api_key:
            return await auth.actor_for_api_key(self.db, self.settings, api_key, client), None
        token = request.cookies.get(SESSION_COOKIE)
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

    async def run(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().run(request, *args, **kwargs)
        except Unauthenticated as exc:
            return graphql_error(401, exc.code, exc.message)
