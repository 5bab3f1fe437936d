from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.db.models import ApiKey as ApiKeyRow
from app.db.models import User as UserRow
from graphql_schema.common import gid
from graphql_schema.context import Info
from graphql_schema.enums import Role
from graphql_schema.loaders import ready, then

if TYPE_CHECKING:
    from graphql_schema.sites.types import Site


@strawberry.type
class User:
    id: strawberry.ID
    username: str
    display_name: str
    role: Role
    active: bool
    _site_id: strawberry.Private[int | None]
    _user_id: strawberry.Private[int]

    @strawberry.field
    def site(self, info: Info) -> Annotated[Site, strawberry.lazy("graphql_schema.sites.types")] | None:
        from graphql_schema.sites.types import Site

        if self._site_id is None:
            return None
        return then(ready(info.context.loaders.site, self._site_id), Site.maybe_from_row)

    @strawberry.field(description="Files assigned to this user in COLORIST_ASSIGNED or IN_PROGRESS.")
    async def active_files(self, info: Info) -> int:
        return await info.context.loaders.active_files_by_user.load(self._user_id)

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(
            id=gid(row.id),
            username=row.username,
            display_name=row.display_name,
            role=Role(row.role),
            active=row.active,
            _site_id=row.site_id,
            _user_id=row.id,
        )

    @classmethod
    def maybe_from_row(cls, row: UserRow | None) -> User | None:
        return cls.from_row(row) if row else None


@strawberry.type
class ApiKey:
    id: strawberry.ID
    name: str
    prefix: str
    site_code: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: ApiKeyRow, site_code: str) -> ApiKey:
        return cls(
            id=gid(row.id),
            name=row.name,
            prefix=row.prefix,
            site_code=site_code,
            created_at=row.created_at,
            created_by=row.created_by,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type
class IssuedApiKey:
    api_key: ApiKey
    secret: str = strawberry.field(description="Shown once; store it in the daemon's configuration.")
