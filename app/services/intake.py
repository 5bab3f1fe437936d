"""Use cases that chain a human's (or daemon's) step with what the routing rules do next."""

from __future__ import annotations

from typing import Any

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import File
from app.domain.errors import BadInput, NotFound
from app.domain.ids import parse_id
from app.domain.permissions import Actor
from app.repositories import sites as sites_repo
from app.services import lifecycle, routing, transfers
from app.services.reporting import FileReport, report_file


async def report(db: SessionFactory, settings: Settings, actor: Actor, raw: FileReport) -> File:
    """Record the report (its own transaction), then let the first matching rule validate and queue it."""
    file = await report_file(db, actor, raw)
    return await routing.route_new_file(db, settings, file, raw.site.strip().lower())


async def queue(db: SessionFactory, actor: Actor, file_id: str, destination: str | None, **kw: Any) -> File:
    """``queueFile``: an explicit destination wins; without one, the matching rule's destination."""
    rule_id: int | None = None
    if destination is None or not destination.strip():
        fid = parse_id(file_id)
        async with db() as session:
            file = await session.get(File, fid)
            codes = await sites_repo.site_codes(session, file.site_id) if file else {}
        if file is None:
            raise NotFound(f"file {file_id} not found", id=str(file_id))
        rule = await routing.matching_rule(db, file, codes[file.site_id])
        if rule is None or rule.destination_site is None:
            raise BadInput("destinationSite is required: no routing rule matches this file", field="destinationSite")
        destination, rule_id = rule.destination_site, rule.id
    return await lifecycle.queue_file(db, actor, file_id, destination, routing_rule_id=rule_id, **kw)


async def complete_transfer(
    db: SessionFactory,
    actor: Actor,
    file_id: str,
    sha256: str | None,
    delivered_path: str | None = None,
    **kw: Any,
) -> File:
    """Finish the transfer, then assign a colorist if the file's rule asks for it."""
    file = await transfers.complete_transfer(db, actor, file_id, sha256, delivered_path, **kw)
    return await routing.assign_after_transfer(db, file)
