from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from app.db.models import File as FileRow
from app.db.models import Site as SiteRow
from app.db.models import TransferJob as TransferRow
from app.domain.custody import CustodyRecord as CustodyRow
from app.domain.custody import blocks_validation
from app.domain.packages import FileKind, Member
from app.domain.permissions import FileFacts, can
from app.domain.states import FINAL_STATES, allowed_actions
from app.domain.transfers import TransferStatus, Transport
from app.events.hub import Delivery
from graphql_schema.common import CountFn, PageInfo, gid
from graphql_schema.context import Info
from graphql_schema.enums import FileAction, FileState
from graphql_schema.files.custody import CustodyRecord
from graphql_schema.files.media import MediaInfo
from graphql_schema.files.packages import (
    FileMember,
    FileMemberConnection,
    FileMemberEdge,
    PackageReportInput,
)
from graphql_schema.loaders import ready, settled, then
from graphql_schema.scalars import BigInt
from graphql_schema.sites.types import Site

if TYPE_CHECKING:
    from graphql_schema.audit.types import AuditEntry
    from graphql_schema.transfers.types import TransferJob
    from graphql_schema.users.types import User


@strawberry.type
class File:
    id: strawberry.ID
    filename: str
    path: str
    size_bytes: BigInt
    sha256: str
    state: FileState
    version: int
    rejection_reason: str | None
    mam_asset_id: str | None
    detected_at: datetime
    updated_at: datetime
    modified_at: datetime | None
    content_available: bool
    mam_error: str | None = strawberry.field(description="The last MAM delivery error; cleared on success.")
    _row: strawberry.Private[FileRow]

    @classmethod
    def from_row(cls, row: FileRow) -> File:
        return cls(
            id=gid(row.id),
            filename=row.filename,
            path=row.path,
            size_bytes=BigInt(row.size_bytes),
            sha256=row.sha256,
            state=FileState(row.state),
            version=row.version,
            rejection_reason=row.rejection_reason,
            mam_asset_id=row.mam_asset_id,
            detected_at=row.detected_at,
            updated_at=row.updated_at,
            modified_at=row.modified_at,
            content_available=row.content_available,
            mam_error=row.mam_error,
            _row=row,
        )

    # -- packages: a frame sequence or clip folder is one File (docs/packages.md) ---------------------------

    @strawberry.field(description="FILE for a single file; SEQUENCE or FOLDER for a package.")
    def kind(self) -> FileKind:
        return FileKind(self._row.kind)

    @strawberry.field(
        description="Bytes of the content at the hub: sizeBytes once contentAvailable, else what an unfinished "
        "upload holds (its durable offset; uploadEvents follows it live), else 0."
    )
    def uploaded_bytes(self, info: Info) -> BigInt:
        if self._row.content_available:
            return BigInt(self._row.size_bytes)
        return then(ready(info.context.loaders.upload_offset, self._row.id), BigInt)

    @strawberry.field(description="How many files the package holds; 1 for FILE.")
    def member_count(self) -> int:
        return self._row.member_count

    @strawberry.field(description="SEQUENCE: the first and last frame, e.g. 86400-100799.")
    def frame_range(self) -> str | None:
        return self._row.frame_range

    @strawberry.field(description="SEQUENCE: frames absent within frameRange, in frame-set notation; null when none.")
    def missing_frames(self) -> str | None:
        return self._row.missing_frames

    @strawberry.field(description="The package's members in path order (a FILE is its own single member).")
    async def members(self, info: Info, first: int = 100, after: str | None = None) -> FileMemberConnection:
        from app.repositories.packages import encode_member_cursor
        from app.services.packages import members_page

        row = self._row
        if row.kind == FileKind.FILE.value:
            only = FileMember.of(Member(row.filename, row.size_bytes, row.sha256, row.mhl_format, row.mhl_hash))
            edges = [] if after or first < 1 else [FileMemberEdge(node=only, cursor=encode_member_cursor(only.path))]
            return FileMemberConnection(
                edges=edges, page_info=PageInfo(has_next_page=False, end_cursor=None), total_count=1
            )
        page = await members_page(info.context.db, row.id, first, after)
        edges = [FileMemberEdge(node=FileMember.of(m), cursor=encode_member_cursor(m.path)) for m in page.items]
        return FileMemberConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
            total_count=row.member_count,
        )

    # -- end of packages -------------------------------------------------------------------------------------

    # -- chain of custody (docs/custody.md) -------------------------------------------------------------------

    @strawberry.field(description="Every verification of the file's bytes, oldest first (DIT, source, destination).")
    def custody(self) -> list[CustodyRecord]:
        return [CustodyRecord.from_row(CustodyRow.from_json(r)) for r in self._row.custody or []]

    @strawberry.field(
        description="Set when members failed verification against the card's ASC MHL history, naming each and why. "
        "validateFile is refused (INTEGRITY_FAILED) until the file is rejected or the risk accepted."
    )
    def integrity_error(self) -> str | None:
        return self._row.integrity_error

    @strawberry.field(description="Why an engineer accepted the integrity risk (acceptIntegrityRisk); null if not.")
    def integrity_accepted_reason(self) -> str | None:
        return self._row.integrity_accepted_reason

    @classmethod
    def required(cls, row: FileRow | None) -> File:
        assert row is not None
        return cls.from_row(row)

    # Related rows resolve synchronously when the request's loaders already hold them (the files page
    # prefetches them; an event delivery's loaders hold them for every render after the first), else via the loader.

    @strawberry.field(description="What the site daemon probed; null until it arrives (or for non-media files).")
    def media(self) -> MediaInfo | None:
        return MediaInfo.from_json(self._row.media) if self._row.media is not None else None

    @strawberry.field
    def site(self, info: Info) -> Site:
        return then(ready(info.context.loaders.site, self._row.site_id), Site.required)

    @strawberry.field
    def destination_site(self, info: Info) -> Site | None:
        if self._row.destination_site_id is None:
            return None
        return then(ready(info.context.loaders.site, self._row.destination_site_id), Site.maybe_from_row)

    @strawberry.field
    def colorist(self, info: Info) -> Annotated[User, strawberry.lazy("graphql_schema.users.types")] | None:
        from graphql_schema.users.types import User

        if self._row.colorist_id is None:
            return None
        return then(ready(info.context.loaders.user, self._row.colorist_id), User.maybe_from_row)

    @strawberry.field(description="The earlier file at the same path, when a new hash arrived for it.")
    async def previous_version(self, info: Info) -> File | None:
        if self._row.previous_version_id is None:
            return None
        row = await info.context.loaders.file.load(self._row.previous_version_id)
        return File.from_row(row) if row else None

    @strawberry.field(
        description="Where the file sits on its destination site's storage: the path the destination's agent "
        "reported when it completed the latest transfer (completeTransfer's deliveredPath). Null before a transfer "
        "completed, or when the agent did not say (older agents)."
    )
    def delivered_path(self, info: Info) -> str | None:
        return then(ready(info.context.loaders.transfers_by_file, self._row.id), delivered_path)

    @strawberry.field
    def transfers(self, info: Info) -> list[Annotated[TransferJob, strawberry.lazy("graphql_schema.transfers.types")]]:
        from graphql_schema.transfers.types import TransferJob

        rows = ready(info.context.loaders.transfers_by_file, self._row.id)
        return then(rows, lambda found: [TransferJob.from_row(r) for r in found])

    @strawberry.field
    async def audit_trail(
        self, info: Info
    ) -> list[Annotated[AuditEntry, strawberry.lazy("graphql_schema.audit.types")]]:
        from graphql_schema.audit.types import AuditEntry

        rows = await info.context.loaders.audit_by_file.load(self._row.id)
        return [AuditEntry.from_row(r) for r in rows]

    @strawberry.field(description="What the current viewer may do to this file now: drives the UI's buttons.")
    def allowed_actions(self, info: Info) -> list[FileAction]:
        sites = info.context.loaders.site
        site = ready(sites, self._row.site_id)
        destination = ready(sites, self._row.destination_site_id) if self._row.destination_site_id else None
        if isinstance(site, Awaitable) or isinstance(destination, Awaitable):

            async def later() -> list[FileAction]:
                return await settled(self._allowed(await settled(site), await settled(destination), info))

            return cast(list[FileAction], later())
        return cast(list[FileAction], self._allowed(site, destination, info))

    def _allowed(
        self, site: SiteRow | None, destination: SiteRow | None, info: Info
    ) -> list[FileAction] | Awaitable[list[FileAction]]:
        facts = FileFacts(
            site_code=site.code if site else "",
            destination_code=destination.code if destination else None,
            colorist_id=self._row.colorist_id,
        )
        actor = info.context.actor
        candidates = allowed_actions(FileState(self._row.state))
        if blocks_validation(self._row.integrity_error, self._row.integrity_accepted_reason):
            candidates = [a for a in candidates if a is not FileAction.VALIDATE]
            if FileState(self._row.state) not in FINAL_STATES:
                candidates.append(FileAction.ACCEPT_INTEGRITY_RISK)
        by_transport = {
            t: [a for a in candidates if can(actor, a, replace(facts, transport=t))] for t in (None, *Transport)
        }
        if by_transport[Transport.HUB] == by_transport[Transport.EXTERNAL]:
            return by_transport[Transport.HUB]  # how the bytes travel changes nothing for this viewer
        # Who may start or complete the transfer depends on its job's transport (the latest job is the file's).
        return then(
            ready(info.context.loaders.transfers_by_file, self._row.id),
            lambda jobs: by_transport[Transport(jobs[-1].transport) if jobs else None],
        )


def delivered_path(jobs: list[TransferRow]) -> str | None:
    """The latest completed transfer's delivered path (a file completes one transfer at most per trip)."""
    done = [j for j in jobs if j.status == TransferStatus.COMPLETED]
    return max(done, key=lambda j: j.id).delivered_path if done else None


@strawberry.type
class FileEdge:
    node: File
    cursor: str


@strawberry.type
class FileConnection:
    edges: list[FileEdge]
    page_info: PageInfo
    _count: strawberry.Private[CountFn]

    @strawberry.field(description="All files matching the filter (computed only when asked for).")
    async def total_count(self) -> int:
        return await self._count()


@strawberry.type(
    description="One committed change to a file. cursor, action, fromState, toState, actor and at are as at the "
    "event. file is the file as it is when the event is delivered, not as it was at the event: read once after "
    "the event committed (every subscriber of that delivery sees the same row), so a replayed or late event shows "
    "the file's current state and allowedActions, and toState is the state this event left it in."
)
class FileEvent:
    cursor: str = strawberry.field(description="As at the event: pass it back as after: to resume after it.")
    file: File = strawberry.field(description="As now (when delivered), not as at the event: see FileEvent.")
    action: str = strawberry.field(description="As at the event.")
    from_state: FileState | None = strawberry.field(description="As at the event.")
    to_state: FileState | None = strawberry.field(description="As at the event.")
    actor: str = strawberry.field(description="As at the event.")
    at: datetime = strawberry.field(description="As at the event: when it committed.")
    delivery: strawberry.Private[Delivery | None] = None


@strawberry.input
class FileFilter:
    states: list[FileState] | None = None
    site_code: str | None = None
    colorist_id: strawberry.ID | None = None
    search: str | None = None
    codecs: list[str] | None = strawberry.field(default=None, description="Media codec names (any of), e.g. prores.")
    min_width: int | None = strawberry.field(default=None, description="Only files at least this many pixels wide.")
    # -- packages --
    kinds: list[FileKind] | None = None


@strawberry.input
class ReportFileInput:
    site: str
    path: str
    size_bytes: BigInt
    sha256: str
    modified_at: datetime | None = None
    report_id: str | None = None
    package: PackageReportInput | None = strawberry.field(
        default=None, description="Set for a SEQUENCE or FOLDER; its members were staged under reportId."
    )
    hash_format: str | None = strawberry.field(
        default=None,
        description="A single file's own hash in an ASC MHL format (xxh64, xxh3, xxh128, md5, sha1, c4), taken "
        "beside sha256: the file can then be exported as an ASC MHL manifest. A package's are its members'.",
    )
    hash: str | None = None


@strawberry.type
class StateCount:
    state: FileState
    count: int


@strawberry.type
class Stats:
    total_files: int
    by_state: list[StateCount]
    active_transfers: int
    sites_online: int
    sites_total: int
