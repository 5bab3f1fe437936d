"""What an integrator's webhook says about an event: enough to act on without a call back (which file, where
it is, where it goes, what went wrong), read from the rows the event names."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import AuditLog, File, Site, TransferJob


async def notification_data(session: AsyncSession, payload: dict[str, Any]) -> dict[str, Any]:
    """The event's own payload plus ``filename``, ``path``, ``site``, ``destinationSite`` (codes), ``kind`` and
    ``memberCount`` for file events, ``error`` when the step recorded one (a failed transfer or MAM delivery), and
    ``site`` for site events. A transfer's sites are the job's own, so a later re-route does not rewrite what
    failed where."""
    data = dict(payload)
    details: dict[str, Any] = {}
    if payload.get("auditId") is not None:
        entry = await session.get(AuditLog, int(payload["auditId"]))
        details = (entry.details if entry is not None else None) or {}
    if payload.get("fileId") is not None:
        file = await session.get(File, int(payload["fileId"]))
        if file is not None:
            source, destination = file.site_id, file.destination_site_id
            job = await session.get(TransferJob, int(details["transferId"])) if details.get("transferId") else None
            if job is not None:
                source, destination = job.source_site_id, job.destination_site_id
            data |= {
                "filename": file.filename,
                "path": file.path,
                "site": await _code(session, source),
                "destinationSite": await _code(session, destination),
                "kind": file.kind,  # FILE, SEQUENCE or FOLDER (docs/packages.md)
                "memberCount": file.member_count,
            }
    if payload.get("siteId") is not None:
        data["site"] = await _code(session, int(payload["siteId"]))
    if isinstance(details.get("error"), str):
        data["error"] = details["error"]
    return data


async def _code(session: AsyncSession, site_id: int | None) -> str | None:
    site = await session.get(Site, site_id) if site_id is not None else None
    return site.code if site is not None else None
