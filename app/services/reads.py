"""Read use cases: permission first, then repositories. Resolvers call these, never ``select()``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from app.db.engine import SessionFactory, reader
from app.db.models import AuditLog, File, Site, TransferJob, User
from app.domain.audit import MAX_AUDIT_SEARCH, audit_actions
from app.domain.errors import BadInput, Forbidden, NotFound
from app.domain.ids import parse_id
from app.domain.permissions import (
    LOGIN_FAILURE_ACTIONS,
    Actor,
    ActorKind,
    Capability,
    has_capability,
    may_read_audit_identity,
)
from app.domain.states import FileState
from app.repositories import audit as audit_repo
from app.repositories import files as files_repo
from app.repositories import sites as sites_repo
from app.repositories import transfers as transfers_repo
from app.repositories import users as users_repo
from app.repositories.pagination import Page, check_first, decode_cursor

log = logging.getLogger(__name__)


def require(actor: Actor, cap: Capability, site_code: str | None = None) -> None:
    if not has_capability(actor, cap, site_code):
        raise Forbidden(f"{actor.name} may not {cap.value.lower().replace('_', ' ')}")


async def _site_scope(db: SessionFactory, actor: Actor) -> int | None:
    """A per-site key reads only its own site's files and transfers; everyone else is unscoped."""
    if has_capability(actor, Capability.READ):
        return None
    if actor.kind is ActorKind.SITE and actor.site_code:
        async with reader(db)() as session:
            site = await sites_repo.by_code(session, actor.site_code)
        if site is not None:
            return site.id
    raise Forbidden(f"{actor.name} may not read files")


@dataclass(frozen=True)
class FileListQuery:
    states: tuple[FileState, ...] = ()
    site_code: str | None = None
    colorist_id: str | None = None
    search: str | None = None
    codecs: tuple[str, ...] = ()
    min_width: int | None = None
    kinds: tuple[str, ...] = ()


async def file_query(db: SessionFactory, actor: Actor, q: FileListQuery) -> files_repo.FileQuery:
    scope = await _site_scope(db, actor)
    site_id: int | None = None
    if q.site_code:
        async with reader(db)() as session:
            site = await sites_repo.by_code(session, q.site_code)
        if site is None:
            raise BadInput(f"unknown site {q.site_code!r}", field="siteCode")
        site_id = site.id
    search = q.search.strip()[:200] if q.search and q.search.strip() else None
    return files_repo.FileQuery(
        states=tuple(s.value for s in q.states),
        site_id=site_id,
        colorist_id=parse_id(q.colorist_id, "user") if q.colorist_id else None,
        search=search,
        codecs=tuple(sorted({c.strip().lower() for c in q.codecs if c.strip()}))[:50],
        min_width=q.min_width,
        visible_to_site_id=scope,
        kinds=q.kinds,
    )


async def list_files(db: SessionFactory, query: files_repo.FileQuery, first: int, after: str | None) -> Page[File]:
    after_id = decode_cursor("file", after)
    async with reader(db)() as session:
        return await files_repo.page(session, query, check_first(first), after_id)


async def count_files(db: SessionFactory, query: files_repo.FileQuery) -> int:
    async with reader(db)() as session:
        return await files_repo.count(session, query)


async def get_file(db: SessionFactory, actor: Actor, file_id: str) -> File | None:
    scope = await _site_scope(db, actor)
    try:
        fid = parse_id(file_id)
    except NotFound:
        return None
    async with reader(db)() as session:
        found = await files_repo.by_ids(session, [fid])
    file = found[0] if found else None
    if file is not None and scope is not None and scope not in (file.site_id, file.destination_site_id):
        return None
    return file


async def list_sites(db: SessionFactory, actor: Actor) -> Sequence[Site]:
    require(actor, Capability.READ_SITES)
    async with reader(db)() as session:
        return await sites_repo.all_sites(session)


async def list_transfers(
    db: SessionFactory, actor: Actor, status: str | None, first: int, after: str | None
) -> tuple[Page[TransferJob], int | None]:
    scope = await _site_scope(db, actor)
    after_id = decode_cursor("transfer", after)
    async with reader(db)() as session:
        return await transfers_repo.page(session, status, check_first(first), after_id, scope), scope


async def count_transfers(db: SessionFactory, status: str | None, scope: int | None) -> int:
    async with reader(db)() as session:
        return await transfers_repo.count(session, status, scope)


async def get_transfer(db: SessionFactory, actor: Actor, transfer_id: str) -> TransferJob | None:
    scope = await _site_scope(db, actor)
    tid = parse_id(transfer_id, "transfer")
    async with reader(db)() as session:
        found = await transfers_repo.by_ids(session, [tid])
    job = found[0] if found else None
    if job is not None and scope is not None and scope not in (job.source_site_id, job.destination_site_id):
        return None
    return job


async def list_users(db: SessionFactory, actor: Actor) -> Sequence[User]:
    require(actor, Capability.READ)
    async with reader(db)() as session:
        return await users_repo.all_users(session)


@dataclass(frozen=True)
class AuditQuery:
    file_id: str | None = None
    action: str | None = None
    search: str | None = None


def audit_filter(actor: Actor, q: AuditQuery) -> audit_repo.AuditFilter:
    """The listing's filter, refused whole when a part is wrong: an action the log never records (a typo would
    otherwise show an empty log as if nothing had happened) or a search too long to be one."""
    require(actor, Capability.READ)
    if q.action and q.action not in audit_actions():
        raise BadInput(f"unknown audit action {q.action!r} (Query.auditActions lists them)", field="action")
    search = q.search.strip() if q.search else ""
    if len(search) > MAX_AUDIT_SEARCH:
        raise BadInput(f"search is at most {MAX_AUDIT_SEARCH} characters", field="search", limit=MAX_AUDIT_SEARCH)
    hidden = frozenset(a for a in LOGIN_FAILURE_ACTIONS if not may_read_audit_identity(actor, a))
    return audit_repo.AuditFilter(
        file_id=parse_id(q.file_id) if q.file_id else None,
        action=q.action or None,
        search=search or None,
        identity_hidden=hidden,
    )


async def list_audit(db: SessionFactory, f: audit_repo.AuditFilter, first: int, after: str | None) -> Page[AuditLog]:
    after_id = decode_cursor("audit", after)
    async with reader(db)() as session:
        return await audit_repo.page(session, f, check_first(first), after_id)


async def count_audit(db: SessionFactory, f: audit_repo.AuditFilter) -> int:
    async with reader(db)() as session:
        return await audit_repo.count(session, f)


@dataclass(frozen=True)
class StatsView:
    total_files: int
    by_state: dict[str, int]
    active_transfers: int
    sites_online: int
    sites_total: int


async def stats(db: SessionFactory, actor: Actor) -> StatsView:
    require(actor, Capability.READ)
    async with reader(db)() as session:
        by_state = await files_repo.counts_by_state(session)
        active = await transfers_repo.active_count(session)
        sites = await sites_repo.all_sites(session)
    return StatsView(
        total_files=sum(by_state.values()),
        by_state={s.value: by_state.get(s.value, 0) for s in FileState},
        active_transfers=active,
        sites_online=sum(1 for s in sites if s.online),
        sites_total=len(sites),
    )


async def compact_state_counts(db: SessionFactory) -> None:
    async with db() as session, session.begin():
        await files_repo.compact_state_counts(session)
