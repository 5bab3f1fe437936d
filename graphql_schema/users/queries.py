from __future__ import annotations

import strawberry

from app.domain.permissions import ActorKind
from app.services import reads
from app.services.users import list_api_keys
from graphql_schema.context import Info
from graphql_schema.permissions import AUTHENTICATED, PUBLIC
from graphql_schema.users.types import ApiKey, User


@strawberry.type
class UserQueries:
    @strawberry.field(permission_classes=PUBLIC, description="The logged-in user, or null.")
    async def me(self, info: Info) -> User | None:
        actor = info.context.actor
        if actor.kind is not ActorKind.USER or actor.user_id is None:
            return None
        row = await info.context.loaders.user.load(actor.user_id)
        return User.from_row(row) if row else None

    @strawberry.field(permission_classes=AUTHENTICATED)
    async def users(self, info: Info) -> list[User]:
        return [User.from_row(r) for r in await reads.list_users(info.context.db, info.context.actor)]

    @strawberry.field(permission_classes=AUTHENTICATED, description="Admin: daemon keys (never their secrets).")
    async def api_keys(self, info: Info) -> list[ApiKey]:
        rows = await list_api_keys(info.context.db, info.context.actor)
        out = []
        for row in rows:
            site = await info.context.loaders.site.load(row.site_id)
            out.append(ApiKey.from_row(row, site.code if site else "?"))
        return out
