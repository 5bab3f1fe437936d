"""File lifecycle mutations: parse, call one service, return the changed file."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.domain import packages as package_rules
from app.domain.states import FileAction
from app.services import custody, delivery, intake, lifecycle, media, reporting, rerouting, transfers
from graphql_schema.context import Info
from graphql_schema.files.custody import RecordCustodyInput
from graphql_schema.files.media import MediaInfoReportInput
from graphql_schema.files.packages import PackageReportInput, StagePackageMembersInput
from graphql_schema.files.types import File, ReportFileInput
from graphql_schema.permissions import AUTHENTICATED


@strawberry.type
class FileMutations:
    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Daemon: record a detected file. Idempotent on (site, path, sha256) and on reportId.",
    )
    async def report_file(self, info: Info, input: ReportFileInput) -> File:
        row = await intake.report(
            info.context.db,
            info.context.settings,
            info.context.actor,
            reporting.FileReport(
                site=input.site,
                path=input.path,
                size_bytes=input.size_bytes,
                sha256=input.sha256,
                modified_at=input.modified_at,
                report_id=input.report_id,
                package=_package(input.package),
                hash_format=input.hash_format,
                hash=input.hash,
            ),
        )
        return File.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Daemon: attach probed media info to a file it reported. Idempotent; new info replaces old.",
    )
    async def report_media_info(self, info: Info, input: MediaInfoReportInput) -> File:
        ctx = info.context
        row = await media.report_media(
            ctx.db, ctx.settings, ctx.actor, input.site, input.file_id, input.sha256, input.to_domain()
        )
        return File.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Daemon: send a batch (at most 1000) of a package's members ahead of its reportFile, under the "
        "same reportId. Idempotent per (reportId, path). Returns how many members are staged for reportId.",
    )
    async def stage_package_members(self, info: Info, input: StagePackageMembersInput) -> int:
        members = [package_rules.member(m.path, m.size_bytes, m.sha256, m.hash_format, m.hash) for m in input.members]
        ctx = info.context
        return await reporting.stage_members(ctx.db, ctx.actor, input.site, input.report_id, members)

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def validate_file(self, info: Info, id: strawberry.ID, expected_version: int | None = None) -> File:
        ctx = info.context
        row = await lifecycle.validate_file(ctx.db, ctx.settings, ctx.actor, id, expected_version=expected_version)
        return File.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="destinationSite is a site code; without one, the matching routing rule decides.",
    )
    async def queue_file(
        self,
        info: Info,
        id: strawberry.ID,
        destination_site: str | None = None,
        expected_version: int | None = None,
    ) -> File:
        ctx = info.context
        row = await intake.queue(ctx.db, ctx.actor, id, destination_site, expected_version=expected_version)
        return File.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Send a QUEUED file (its transfer pending, failed or cancelled) to another site (admins and "
        "engineers; audited as REROUTE with the reason). A pending job for the old destination is cancelled, a "
        "fresh one made for the new. NOT_FOUND: no such site; BAD_USER_INPUT: the file's own site or its current "
        "destination, or no reason; INVALID_TRANSITION: the file is not QUEUED (cancel a running transfer first).",
    )
    async def reroute_file(
        self,
        info: Info,
        id: strawberry.ID,
        destination_site: str,
        reason: str,
        expected_version: int | None = None,
    ) -> File:
        ctx = info.context
        row = await rerouting.reroute_file(
            ctx.db, ctx.actor, id, destination_site, reason, expected_version=expected_version
        )
        return File.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Claim the file's pending transfer. A HUB transfer is started by its destination's agent "
        "(that site's key or the global daemon key) alone; people start only EXTERNAL ones (FORBIDDEN otherwise).",
    )
    async def start_transfer(self, info: Info, id: strawberry.ID, expected_version: int | None = None) -> File:
        ctx = info.context
        row = await transfers.start_transfer(ctx.db, ctx.actor, id, expected_version=expected_version)
        return File.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Finish the running transfer with the SHA-256 of the bytes received (required: BAD_USER_INPUT "
        "without it). A sha256 that differs from the file's fails the transfer and returns the file to QUEUED. A HUB "
        "transfer is completed by its destination's agent alone, after verifying its download (FORBIDDEN for people).",
    )
    async def complete_transfer(
        self,
        info: Info,
        id: strawberry.ID,
        sha256: str | None = None,
        expected_version: int | None = None,
        delivered_path: Annotated[
            str | None,
            strawberry.argument(
                description="Where the bytes were placed on the destination's storage (the agent's absolute path), "
                "shown in the colorist's queue as File.deliveredPath. Optional; BAD_USER_INPUT when blank, over "
                "4096 characters or holding control characters."
            ),
        ] = None,
    ) -> File:
        ctx = info.context
        row = await intake.complete_transfer(
            ctx.db, ctx.actor, id, sha256, delivered_path, expected_version=expected_version
        )
        return File.from_row(row)

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def assign_colorist(
        self, info: Info, id: strawberry.ID, colorist_id: strawberry.ID, expected_version: int | None = None
    ) -> File:
        ctx = info.context
        row = await lifecycle.assign_colorist(ctx.db, ctx.actor, id, colorist_id, expected_version=expected_version)
        return File.from_row(row)

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def start_work(self, info: Info, id: strawberry.ID, expected_version: int | None = None) -> File:
        return await _act(info, id, FileAction.START, expected_version)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Calls the MAM first; the state changes only when the MAM accepted the file.",
    )
    async def deliver_to_mam(self, info: Info, id: strawberry.ID, expected_version: int | None = None) -> File:
        ctx = info.context
        row = await delivery.deliver_to_mam(ctx.db, ctx.mam, ctx.actor, id, expected_version)
        return File.from_row(row)

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def archive_file(self, info: Info, id: strawberry.ID, expected_version: int | None = None) -> File:
        return await _act(info, id, FileAction.ARCHIVE, expected_version)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Admins and engineers: go on with a package that failed verification against its ASC MHL "
        "history (integrityError), with a reason; audited as ACCEPT_INTEGRITY_RISK. validateFile then works.",
    )
    async def accept_integrity_risk(
        self, info: Info, id: strawberry.ID, reason: str, expected_version: int | None = None
    ) -> File:
        ctx = info.context
        row = await custody.accept_integrity_risk(ctx.db, ctx.actor, id, reason, expected_version=expected_version)
        return File.from_row(row)

    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="Daemon: add custody records (its verifications of the file's bytes, e.g. the destination's "
        "new ASC MHL generation). Only a daemon key acting for site, and site must be the file's source or "
        "destination (FORBIDDEN otherwise). Repeats are ignored.",
    )
    async def record_custody(self, info: Info, input: RecordCustodyInput) -> File:
        ctx = info.context
        given = [r.to_dict() for r in input.records]
        row = await custody.record_custody(ctx.db, ctx.actor, input.file_id, input.site, given)
        return File.from_row(row)

    @strawberry.mutation(permission_classes=AUTHENTICATED)
    async def reject_file(
        self, info: Info, id: strawberry.ID, reason: str, expected_version: int | None = None
    ) -> File:
        ctx = info.context
        row = await lifecycle.reject_file(ctx.db, ctx.actor, id, reason, expected_version=expected_version)
        return File.from_row(row)


async def _act(info: Info, file_id: str, action: FileAction, expected_version: int | None) -> File:
    ctx = info.context
    row = await lifecycle.act(ctx.db, ctx.actor, file_id, action, expected_version=expected_version)
    return File.from_row(row)


def _package(given: PackageReportInput | None) -> reporting.PackageReport | None:
    if given is None:
        return None
    return reporting.PackageReport(
        kind=given.kind,
        member_count=given.member_count,
        filename=given.filename,
        frame_range=given.frame_range,
        missing_frames=given.missing_frames,
        custody=[{**r.to_dict(), "site": r.site} for r in given.custody or []],
        integrity_error=given.integrity_error,
    )
