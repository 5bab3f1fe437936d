"""Delivery to the MAM. The adapter is called *before* the state changes, outside any row lock (it may take
seconds of retries); a per-file advisory lock keeps two clicks from delivering twice, and the final transition
re-checks the version it started from. The file never shows DELIVERED_TO_MAM unless the MAM accepted it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import func, select

from app.db.engine import SessionFactory
from app.db.models import File, User
from app.domain.clock import now
from app.domain.errors import Conflict, DomainError, Forbidden, NotFound
from app.domain.ids import parse_id
from app.domain.packages import package_root
from app.domain.permissions import Actor, can
from app.domain.states import FileAction, FileState, next_state
from app.integrations.mam import MamAdapter
from app.repositories import files as files_repo
from app.repositories import packages as packages_repo
from app.repositories import sites as sites_repo
from app.services import lifecycle, records

_DELIVERY_LOCK = 7270100  # classid of the per-file advisory lock


class DeliveryFailed(DomainError):
    code = "MAM_DELIVERY_FAILED"


@asynccontextmanager
async def _exclusive(db: SessionFactory, file_id: int) -> AsyncIterator[None]:
    async with db() as session:
        got = await session.scalar(select(func.pg_try_advisory_lock(_DELIVERY_LOCK, file_id)))
        if not got:
            raise Conflict(f"a delivery of file {file_id} is already in progress")
        try:
            yield
        finally:
            await session.scalar(select(func.pg_advisory_unlock(_DELIVERY_LOCK, file_id)))
            await session.commit()


async def _prepare(
    db: SessionFactory, actor: Actor, fid: int, expected_version: int | None
) -> tuple[int, dict[str, Any]]:
    async with db() as session:
        file = await session.get(File, fid)
        if file is None:
            raise NotFound(f"file {fid} not found", id=str(fid))
        if not can(actor, FileAction.DELIVER, await lifecycle.facts(session, file)):
            raise Forbidden(f"{actor.name} may not DELIVER file {file.id}")
        if expected_version is not None and expected_version != file.version:
            raise Conflict(
                f"file {file.id} is at version {file.version}, not {expected_version}", currentVersion=file.version
            )
        next_state(FileState(file.state), FileAction.DELIVER)
        codes = await sites_repo.site_codes(session, file.site_id, file.destination_site_id)
        colorist = await session.get(User, file.colorist_id) if file.colorist_id else None
        location_site = codes.get(file.destination_site_id or file.site_id)
        payload = {
            "fileId": str(file.id),
            "filename": file.filename,
            "path": file.path,
            "sizeBytes": file.size_bytes,
            "sha256": file.sha256,
            "site": codes[file.site_id],
            "destinationSite": codes.get(file.destination_site_id) if file.destination_site_id else None,
            "colorist": colorist.username if colorist else None,
            "location": f"{location_site}:{file.path}",
            "kind": file.kind,
            "custody": custody_summary(file.custody or [], codes, file.integrity_error, file.integrity_accepted_reason),
        }
        if file.kind != "FILE":  # a sequence or clip folder: the MAM gets its members (docs/packages.md)
            members = await packages_repo.all_members(session, file.id)
            payload |= {
                # the folder the members' paths are relative to (a sequence's "location" is its pattern path)
                "folder": f"{location_site}:{package_root(file.kind, file.path)}",
                "memberCount": file.member_count,
                "frameRange": file.frame_range,
                "missingFrames": file.missing_frames,
                "members": [{"path": m.path, "sizeBytes": m.size_bytes, "sha256": m.sha256} for m in members],
            }
        return file.version, payload


def custody_summary(
    records: list[dict[str, Any]], codes: dict[int, str], integrity_error: str | None, accepted: str | None
) -> dict[str, Any]:
    """The chain of custody in one look for the MAM (docs/custody.md): every verification of the bytes, in order,
    and whether it ever failed (an accepted integrity risk travels with its reason)."""
    chain = [
        {
            "at": r.get("at"),
            "action": r.get("action"),
            "hashFormat": r.get("hashFormat"),
            "site": codes.get(r["siteId"]) if r.get("siteId") is not None else None,
            "host": r.get("host"),
            "location": r.get("location"),
            "generation": r.get("generation"),
        }
        for r in records
    ]
    return {
        "verified": integrity_error is None and not any(r["action"] == "FAILED" for r in chain),
        "records": chain,
        "integrityError": integrity_error,
        "integrityAcceptedReason": accepted,
    }


async def deliver_to_mam(
    db: SessionFactory, mam: MamAdapter, actor: Actor, file_id: str, expected_version: int | None = None
) -> File:
    fid = parse_id(file_id)
    version, payload = await _prepare(db, actor, fid, expected_version)
    async with _exclusive(db, fid):
        result = await mam.deliver(payload, idempotency_key=f"colorroute-file-{fid}-v{version}")
        if not result.ok:
            await _record_failure(db, actor, fid, result.error or "delivery failed", result.attempts)
            raise DeliveryFailed(result.error or "delivery failed", attempts=result.attempts)

        async def _accepted(f: File) -> dict[str, Any]:
            f.mam_asset_id = result.asset_id
            f.mam_error = None
            return {"adapter": mam.name, "assetId": result.asset_id, "attempts": result.attempts}

        return await lifecycle.act(db, actor, fid, FileAction.DELIVER, expected_version=version, side_effect=_accepted)


async def _record_failure(db: SessionFactory, actor: Actor, fid: int, error: str, attempts: int) -> None:
    """The error goes on the file and in the audit; the state stays IN_PROGRESS so delivery can be retried."""
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        file.mam_error = error[:2000]
        file.updated_at = now()
        entry = await records.audit(
            session,
            actor,
            "DELIVERY_FAILED",
            file_id=fid,
            from_state=file.state,
            to_state=file.state,
            details={"error": error[:2000], "attempts": attempts},
            emit=False,
        )
        await records.publish(
            session,
            "file",
            {
                "fileId": fid,
                "auditId": entry.id,
                "action": "DELIVERY_FAILED",
                "fromState": file.state,
                "toState": file.state,
                "actor": actor.name,
            },
        )


__all__ = ["DeliveryFailed", "deliver_to_mam"]
