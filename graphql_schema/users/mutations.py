from __future__ import annotations

import strawberry
from starlette.responses import Response

from app.domain.errors import BadInput
from app.services import auth, users
from app.services.demo import seed_demo
from graphql_schema.context import Info
from graphql_schema.enums import Role
from graphql_schema.permissions import AUTHENTICATED, PUBLIC
from graphql_schema.users.types import ApiKey, IssuedApiKey, User


@strawberry.input
class CreateUserInput:
    username: str
    password: str
    role: Role
    display_name: str | None = None
    site_code: str | None = None


@strawberry.input
class UpdateUserInput:
    display_name: str | None = None
    role: Role | None = None
    site_code: str | None = strawberry.field(default=None, description="Empty string clears the site.")
    active: bool | None = None


def _http_response(info: Info) -> Response:
    response = info.context.response
    if not isinstance(response, Response):
        raise BadInput("login and logout are HTTP-only operations")
    return response


@strawberry.type
class UserMutations:
    @strawberry.mutation(permission_classes=PUBLIC, description="Sets the session cookie.")
    async def login(self, info: Info, username: str, password: str) -> User:
        ctx = info.context
        response = _http_response(info)
        result = await auth.login(
            ctx.db,
            ctx.settings,
            ctx.limiter,
            username,
            password,
            ctx.client_addr,
            ctx.request.headers.get("user-agent"),
        )
        response.set_cookie(
            ctx.settings.session_cookie,
            result.token,
            max_age=result.max_age_seconds,
            httponly=True,
            samesite="lax",
            secure=ctx.settings.cookie_secure,
            path="/",
        )
        return User.from_row(result.user)

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def logout(self, info: Info) -> bool:
        ctx = info.context
        response = _http_response(info)
        ended = await auth.logout(ctx.db, ctx.actor, ctx.session_token)
        response.delete_cookie(
            ctx.settings.session_cookie, path="/", httponly=True, samesite="lax", secure=ctx.settings.cookie_secure
        )
        return ended

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin.")
    async def create_user(self, info: Info, input: CreateUserInput) -> User:
        row = await users.create_user(
            info.context.db,
            info.context.actor,
            users.NewUser(
                input.username,
                input.password,
                input.role,
                input.display_name,
                input.site_code,
            ),
        )
        return User.from_row(row)

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin. Deactivating ends the user's sessions.")
    async def update_user(self, info: Info, id: strawberry.ID, input: UpdateUserInput) -> User:
        changes = users.UserChanges(
            display_name=input.display_name,
            role=input.role if input.role else None,
            site_code=input.site_code,
            active=input.active,
        )
        return User.from_row(await users.update_user(info.context.db, info.context.actor, id, changes))

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Own password; ends all your sessions.")
    async def change_password(self, info: Info, old_password: str, new_password: str) -> bool:
        ctx = info.context
        return await users.change_password(ctx.db, ctx.limiter, ctx.actor, old_password, new_password)

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin: a daemon key for one site.")
    async def create_api_key(self, info: Info, site: str, name: str | None = None) -> IssuedApiKey:
        issued = await users.create_api_key(info.context.db, info.context.actor, site, name)
        return IssuedApiKey(api_key=ApiKey.from_row(issued.key, site.strip().lower()), secret=issued.secret)

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin.")
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> ApiKey:
        row = await users.revoke_api_key(info.context.db, info.context.actor, id)
        site = await info.context.loaders.site.load(row.site_id)
        return ApiKey.from_row(row, site.code if site else "?")

    @strawberry.mutation(permission_classes=AUTHENTICATED, description="Admin: demo users and sample files.")
    async def seed_demo_data(self, info: Info) -> bool:
        return await seed_demo(info.context.db, info.context.settings, info.context.actor)
