from __future__ import annotations

from datetime import datetime

import strawberry

from app.db.models import RoutingRule as RuleRow
from app.domain.routing import AssignStrategy, Decision
from app.domain.routing import Rule as DomainRule
from graphql_schema.common import gid
from graphql_schema.context import Info
from graphql_schema.scalars import BigInt
from graphql_schema.sites.types import Site
from graphql_schema.users.types import User

strawberry.enum(AssignStrategy)


@strawberry.type
class RoutingRule:
    id: strawberry.ID
    name: str
    priority: int
    enabled: bool
    pattern: str
    min_size_bytes: BigInt | None
    max_size_bytes: BigInt | None
    codecs: list[str] = strawberry.field(description='Media codecs (any of): "prores", or codec and profile.')
    min_width: int | None
    min_height: int | None
    auto_validate: bool
    auto_queue: bool
    auto_assign: AssignStrategy
    updated_at: datetime | None
    _source_site_id: strawberry.Private[int | None]
    _destination_site_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: RuleRow) -> RoutingRule:
        return cls(
            id=gid(row.id),
            name=row.name,
            priority=row.priority,
            enabled=row.enabled,
            pattern=row.pattern,
            min_size_bytes=BigInt(row.min_size_bytes) if row.min_size_bytes is not None else None,
            max_size_bytes=BigInt(row.max_size_bytes) if row.max_size_bytes is not None else None,
            codecs=list(row.codecs or []),
            min_width=row.min_width,
            min_height=row.min_height,
            auto_validate=row.auto_validate,
            auto_queue=row.auto_queue,
            auto_assign=AssignStrategy(row.auto_assign),
            updated_at=row.updated_at,
            _source_site_id=row.source_site_id,
            _destination_site_id=row.destination_site_id,
        )

    @strawberry.field(description="Null: files from any site.")
    async def source_site(self, info: Info) -> Site | None:
        if self._source_site_id is None:
            return None
        row = await info.context.loaders.site.load(self._source_site_id)
        return Site.from_row(row) if row else None

    @strawberry.field
    async def destination_site(self, info: Info) -> Site | None:
        if self._destination_site_id is None:
            return None
        row = await info.context.loaders.site.load(self._destination_site_id)
        return Site.from_row(row) if row else None


@strawberry.input
class RoutingRuleInput:
    name: str
    priority: int = 100
    enabled: bool = True
    source_site: str | None = strawberry.field(default=None, description="Site code; null matches any site.")
    pattern: str = "*"
    destination_site: str | None = None
    auto_validate: bool = False
    auto_queue: bool = False
    auto_assign: AssignStrategy = AssignStrategy.NONE
    min_size_bytes: BigInt | None = None
    max_size_bytes: BigInt | None = None
    codecs: list[str] | None = strawberry.field(
        default=None,
        description='Match media codecs (any of), case-insensitive: "prores" any profile, "prores 4444" that '
        "profile. A rule with media conditions is judged when the file's media info arrives.",
    )
    min_width: int | None = None
    min_height: int | None = None


@strawberry.type
class RoutingSimulation:
    matched: bool
    rule_name: str | None
    destination_site: str | None
    auto_validate: bool
    auto_queue: bool
    auto_assign: AssignStrategy
    waiting_for_media: bool = strawberry.field(
        description="A rule with media conditions holds the file until its media info arrives."
    )
    reasons: list[str] = strawberry.field(description="Each rule considered, in order, and why it matched or not.")
    _rule_id: strawberry.Private[int | None]
    _colorist_id: strawberry.Private[int | None]

    @classmethod
    def of(
        cls, rule: DomainRule | None, colorist_id: int | None, decision: Decision | None = None
    ) -> RoutingSimulation:
        return cls(
            waiting_for_media=decision is not None and decision.waiting_for_media is not None,
            reasons=list(decision.reasons) if decision else [],
            matched=rule is not None,
            rule_name=rule.name if rule else None,
            destination_site=rule.destination_site if rule else None,
            auto_validate=bool(rule and rule.auto_validate),
            auto_queue=bool(rule and rule.auto_queue),
            auto_assign=rule.auto_assign if rule else AssignStrategy.NONE,
            _rule_id=rule.id if rule else None,
            _colorist_id=colorist_id,
        )

    @strawberry.field(description="Who LEAST_LOADED would pick right now.")
    async def would_assign_to(self, info: Info) -> User | None:
        if self._colorist_id is None:
            return None
        row = await info.context.loaders.user.load(self._colorist_id)
        return User.from_row(row) if row else None
