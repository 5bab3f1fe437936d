"""What daemons tell us: files they found and that they are alive."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import SessionFactory
from app.db.models import File, Site
from app.domain import custody as custody_rules
from app.domain import files as file_rules
from app.domain import packages as package_rules
from app.domain.clock import now
from app.domain.errors import BadInput, Conflict, Forbidden
from app.domain.permissions import Actor, Capability, has_capability
from app.domain.states import FileState
from app.repositories import files as files_repo
from app.repositories import packages as packages_repo
from app.repositories import sites as sites_repo
from app.repositories import users as users_repo
from app.services import custody as custody_service
from app.services import records


@dataclass(frozen=True)
class FileReport:
    site: str
    path: str
    size_bytes: int
    sha256: str
    modified_at: datetime | None = None
    report_id: str | None = None
    package: PackageReport | None = None
    #: A single file's own hash in an ASC MHL format (xxh64, ...), read in the same pass as its SHA-256.
    hash_format: str | None = None
    hash: str | None = None


@dataclass(frozen=True)
class PackageReport:
    """What makes a report a package; its members were staged under the report's ``reportId``."""

    kind: package_rules.FileKind
    member_count: int
    filename: str
    frame_range: str | None = None
    missing_frames: str | None = None
    #: The daemon's custody records (the card's ASC MHL generations and its own verification) and, when the
    #: members failed verification, what failed (docs/custody.md).
    custody: Sequence[dict[str, Any]] = ()
    integrity_error: str | None = None


@dataclass(frozen=True)
class Heartbeat:
    site: str
    daemon_version: str | None = None
    watch_path: str | None = None
    queue_depth: int | None = None
    disk_free_bytes: int | None = None
    metadata_only: bool | None = None  # None: unchanged (a daemon that does not say)


def _normalized(report: FileReport) -> FileReport:
    report_id = report.report_id.strip() if report.report_id else None
    if report_id is not None and not (1 <= len(report_id) <= 100):
        raise BadInput("reportId must be 1-100 characters", field="reportId")
    package = report.package
    hash_format, hash_value = custody_rules.file_mhl_hash(report.hash_format, report.hash)
    if package is not None and package.kind is not package_rules.FileKind.FILE and hash_format is not None:
        raise BadInput(
            "a package's ASC MHL hashes are its members' (FileMemberInput): no hashFormat here", field="hash"
        )
    if package is not None:
        if package.kind is package_rules.FileKind.FILE:
            package = None
        elif report_id is None:
            raise BadInput("a package report needs the reportId its members were staged under", field="reportId")
        else:
            package = PackageReport(
                kind=package.kind,
                member_count=package.member_count,
                filename=package_rules.package_filename(package.filename),
                frame_range=package_rules.check_frame_set(package.frame_range, "frameRange"),
                missing_frames=package_rules.check_frame_set(package.missing_frames, "missingFrames"),
                custody=package.custody,
                integrity_error=custody_rules.integrity_error(package.integrity_error),
            )
    return FileReport(
        site=report.site.strip().lower(),
        path=file_rules.normalize_path(report.path),
        size_bytes=file_rules.check_size(report.size_bytes),
        sha256=file_rules.normalize_sha256(report.sha256),
        modified_at=report.modified_at,
        report_id=report_id,
        package=package,
        hash_format=hash_format,
        hash=hash_value,
    )


async def report_file(db: SessionFactory, actor: Actor, raw: FileReport) -> File:
    """Record a detected file. Idempotent on ``reportId`` and on (site, path, sha256): a repeat returns the
    same row and writes nothing. A new hash at a known path is a new file version linked to the old one."""
    report = _normalized(raw)
    if not has_capability(actor, Capability.REPORT, report.site):
        raise Forbidden(f"{actor.name} may not report files for site {report.site}")
    async with db() as session, session.begin():
        site_id = await sites_repo.id_for_code(session, report.site)
        if site_id is None:
            raise BadInput(f"unknown site {report.site!r}", field="site")
        # One query finds a repeat (same reportId, or same path + hash) and the previous version at this path.
        known = await files_repo.at_path_or_report(session, site_id, report.path, report.report_id)
        existing = _repeat_of(known, site_id, report)
        if existing is not None:
            if report.package is not None and report.report_id:
                await packages_repo.clear_staged(session, site_id, report.report_id)
            return existing
        members: list[package_rules.Member] = []
        if report.package is not None and report.report_id:
            members = await packages_repo.staged(session, site_id, report.report_id)
            package_rules.check_members(
                members,
                member_count=report.package.member_count,
                size_bytes=report.size_bytes,
                sha256=report.sha256,
            )
        previous = max(
            (f for f in known if f.site_id == site_id and f.path == report.path), key=lambda f: f.id, default=None
        )
        t = now()
        file = await files_repo.insert_new(
            session,
            site_id=site_id,
            path=report.path,
            filename=report.package.filename if report.package else posixpath.basename(report.path),
            size_bytes=report.size_bytes,
            sha256=report.sha256,
            state=FileState.DETECTED.value,
            version=1,
            report_id=report.report_id,
            previous_version_id=previous.id if previous else None,
            modified_at=report.modified_at,
            detected_at=t,
            updated_at=t,
            mhl_format=report.hash_format,
            mhl_hash=report.hash,
        )
        if file is None:  # a concurrent duplicate won the insert
            raced = _repeat_of(
                await files_repo.at_path_or_report(session, site_id, report.path, report.report_id), site_id, report
            )
            if raced is None:
                raise Conflict("a concurrent report of this file could not be resolved; retry")
            return raced
        details: dict[str, object] = {
            "sizeBytes": report.size_bytes,
            "sha256": report.sha256,
            "reportId": report.report_id,
        }
        if report.hash_format is not None:
            details[report.hash_format] = report.hash
        if report.package is not None and report.report_id:
            await _keep_package(session, file, site_id, report.report_id, report.package, members)
            details |= {"kind": report.package.kind.value, "memberCount": report.package.member_count}
            records_given = [dict(r) for r in report.package.custody]
            kept = custody_service.reported_records(records_given, site_id, report.site, t)
            if file.integrity_error:
                details["integrityError"] = file.integrity_error
        else:  # a single file: the source's SHA-256 is its first hash
            kept = [custody_rules.source_hash(site_id, t)]
        file.custody = custody_rules.appended([], kept)
        if previous is not None:
            details["previousVersionId"] = str(previous.id)
        await records.transition_written(session, actor, file.id, {}, "REPORT", None, FileState.DETECTED.value, details)
        return file


async def _keep_package(
    session: AsyncSession,
    file: File,
    site_id: int,
    report_id: str,
    package: PackageReport,
    members: Sequence[package_rules.Member],
) -> None:
    file.kind = package.kind.value
    file.member_count = package.member_count
    file.frame_range = package.frame_range if package.kind is package_rules.FileKind.SEQUENCE else None
    file.missing_frames = package.missing_frames if package.kind is package_rules.FileKind.SEQUENCE else None
    file.integrity_error = package.integrity_error
    await packages_repo.keep(session, file.id, members)
    await packages_repo.clear_staged(session, site_id, report_id)


async def stage_members(
    db: SessionFactory, actor: Actor, site: str, report_id: str, members: Sequence[package_rules.Member]
) -> int:
    """Stage a batch of a package's members ahead of its ``reportFile``; idempotent per (reportId, path)."""
    code = site.strip().lower()
    report_id = report_id.strip()
    if not has_capability(actor, Capability.REPORT, code):
        raise Forbidden(f"{actor.name} may not report files for site {code}")
    if not 1 <= len(report_id) <= 100:
        raise BadInput("reportId must be 1-100 characters", field="reportId")
    if len(members) > package_rules.MAX_STAGE_BATCH:
        raise BadInput(f"at most {package_rules.MAX_STAGE_BATCH} members per call", field="members")
    async with db() as session, session.begin():
        site_id = await sites_repo.id_for_code(session, code)
        if site_id is None:
            raise BadInput(f"unknown site {code!r}", field="site")
        count = await packages_repo.stage(session, site_id, report_id, members)
        if count > package_rules.MAX_MEMBERS:
            raise BadInput(f"a package holds at most {package_rules.MAX_MEMBERS} members", field="members")
        return count


def _repeat_of(known: Sequence[File], site_id: int, report: FileReport) -> File | None:
    if report.report_id:
        for f in known:
            if f.report_id == report.report_id:
                if (f.site_id, f.path, f.sha256) != (site_id, report.path, report.sha256):
                    raise Conflict("reportId was already used for a different file", field="reportId")
                return f
    return next(
        (f for f in known if f.site_id == site_id and f.path == report.path and f.sha256 == report.sha256), None
    )


async def heartbeat(db: SessionFactory, actor: Actor, beat: Heartbeat) -> Site:
    code = beat.site.strip().lower()
    if not has_capability(actor, Capability.REPORT, code):
        raise Forbidden(f"{actor.name} may not send heartbeats for site {code}")
    if beat.queue_depth is not None and beat.queue_depth < 0:
        raise BadInput("queueDepth must not be negative", field="queueDepth")
    if beat.disk_free_bytes is not None and beat.disk_free_bytes < 0:
        raise BadInput("diskFreeBytes must not be negative", field="diskFreeBytes")
    async with db() as session, session.begin():
        site = await sites_repo.lock_by_code(session, code)
        if site is None:
            raise BadInput(f"unknown site {code!r}", field="site")
        came_online = not site.online
        site.online = True
        site.last_heartbeat_at = now()
        site.daemon_version = (beat.daemon_version or "")[:64] or site.daemon_version
        site.watch_path = beat.watch_path[:1000] if beat.watch_path else site.watch_path
        site.queue_depth = beat.queue_depth
        site.disk_free_bytes = beat.disk_free_bytes
        if beat.metadata_only is not None:
            site.metadata_only = beat.metadata_only
        if actor.api_key_id is not None:
            # A daemon authenticates once per WebSocket and then only beats: its key's "last used" follows that.
            await users_repo.touch_api_key(session, actor.api_key_id, site.last_heartbeat_at)
        if came_online:
            await records.audit(session, actor, "SITE_ONLINE", details={"site": code}, emit=False)
        await records.publish(session, "site", {"siteId": site.id, "online": True, "changed": came_online})
        return site


async def sweep_offline(db: SessionFactory, actor: Actor, silence: timedelta) -> Sequence[Site]:
    """Mark sites offline after ``silence`` without a heartbeat; the change is an event like any other."""
    async with db() as session, session.begin():
        stale = await sites_repo.mark_stale_offline(session, now() - silence)
        for site in stale:
            await records.audit(session, actor, "SITE_OFFLINE", details={"site": site.code}, emit=False)
            await records.publish(session, "site", {"siteId": site.id, "online": False, "changed": True})
        return stale
