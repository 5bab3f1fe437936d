"""Media info from the site daemons: attached to a file after its report, then routing may act on it.

Idempotent: the same info again writes nothing. New info (a re-probe) replaces the old, with its own audit
row. Either way the arrival is a ``file`` event (action ``MEDIA_PROBED``), so ``fileEvents`` subscribers and the
UI see the codec appear. A file that a media rule held back (see :func:`app.domain.routing.decide`) is routed
now, exactly as a report would have routed it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import File
from app.domain import files as file_rules
from app.domain.clock import now
from app.domain.errors import BadInput, Forbidden
from app.domain.ids import parse_id
from app.domain.media import MediaInfo, check_media
from app.domain.permissions import Actor, Capability, has_capability
from app.repositories import files as files_repo
from app.repositories import sites as sites_repo
from app.services import records, routing


async def report_media(
    db: SessionFactory, settings: Settings, actor: Actor, site: str, file_id: str, sha256: str, raw: MediaInfo
) -> File:
    code = site.strip().lower()
    if not has_capability(actor, Capability.REPORT, code):
        raise Forbidden(f"{actor.name} may not report media info for site {code}")
    info = check_media(raw)
    digest = file_rules.normalize_sha256(sha256)
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        codes = await sites_repo.site_codes(session, file.site_id)
        if codes.get(file.site_id) != code:
            raise Forbidden(f"file {file_id} was not reported by site {code}")
        if file.sha256 != digest:
            raise BadInput(
                "sha256 differs from the reported file's: this media info describes other bytes", field="sha256"
            )
        data = info.as_json()
        if file.media != data:
            await _attach(session, actor, file, info, data)
    if file.routing_rule_id is None:  # also on a repeat: the first call may have stopped before routing
        file = await routing.route_new_file(db, settings, file, code)
    return file


async def _attach(session: AsyncSession, actor: Actor, file: File, info: MediaInfo, data: dict[str, Any]) -> None:
    """Store the info (the codec and size columns too, for filters and rules), audit it, announce it."""
    file.media = data
    file.media_codec = info.codec
    file.media_width = info.width
    file.media_height = info.height
    file.updated_at = now()
    await session.flush()
    details = {k: v for k, v in data.items() if v is not None and v is not False}
    # No states: it is news about the file, not a step of its lifecycle (and not a webhook's state change).
    await records.transition_written(session, actor, file.id, {}, "MEDIA_PROBED", None, None, details)
