"""The typed per-request context. It holds a session *factory*, never a live session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import Actor
from app.events.hub import EventHub
from app.integrations.mam import MamAdapter
from app.services.auth import Standing
from app.services.security import LoginLimiter

if TYPE_CHECKING:
    from graphql_schema.loaders import Loaders


@dataclass
class Context:
    settings: Settings
    db: SessionFactory
    hub: EventHub
    limiter: LoginLimiter
    mam: MamAdapter
    actor: Actor
    loaders: Loaders
    request: Request | WebSocket
    response: Response | WebSocket | None
    session_token: str | None = None
    #: The caller's identity as last checked, with its session or key id (a socket re-checks it per operation).
    standing: Standing | None = None
    connection_params: dict[str, Any] | None = None

    @property
    def client_addr(self) -> str | None:
        return self.request.client.host if self.request.client else None


Info = strawberry.Info[Context, None]
