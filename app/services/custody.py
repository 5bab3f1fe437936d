"""Chain-of-custody use cases: a site's daemon adds custody records; an engineer accepts an integrity risk.

Both lock the file row, change it, write the audit row and the file event in one transaction, like every
other change to a file (``records.transition_written``): the custody timeline and the integrity banner update
live in every open UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.db.engine import SessionFactory
from app.db.models import File
from app.domain import custody as rules
from app.domain.clock import now
from app.domain.errors import BadInput, Conflict, Forbidden, InvalidTransition, NotFound
from app.domain.ids import parse_id
from app.domain.packages import FileKind, Member
from app.domain.permissions import Actor, ActorKind, Capability, can, has_capability
from app.domain.states import FINAL_STATES, FileAction, FileState
from app.repositories import files as files_repo
from app.repositories import packages as packages_repo
from app.repositories import sites as sites_repo
from app.services import records
from app.services.lifecycle import facts


async def record_custody(
    db: SessionFactory, actor: Actor, file_id: str, site: str, given: Sequence[dict[str, Any]]
) -> File:
    """``recordCustody``: the destination agent (or a daemon) reports verifications it made of the file's bytes.

    Only a daemon key acting for ``site`` (that site's key or the global key) may, and only for a file that
    site is the source or destination of: custody says who held the bytes, so a person cannot write it."""
    code = site.strip().lower()
    if actor.kind is not ActorKind.SITE or not actor.acts_for_site(code):
        raise Forbidden(f"{actor.name} may not record custody for site {code}: only that site's daemon key may")
    if not given:
        raise BadInput("records must not be empty", field="records")
    if len(given) > rules.MAX_RECORDS_PER_CALL:
        raise BadInput(f"at most {rules.MAX_RECORDS_PER_CALL} records per call", field="records")
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        site_id = await sites_repo.id_for_code(session, code)
        if site_id is None:
            raise BadInput(f"unknown site {code!r}", field="site")
        if site_id not in (file.site_id, file.destination_site_id):
            raise Forbidden(f"site {code} is neither the source nor the destination of file {file.id}")
        t = now()
        new = [rules.record(**g, site_id=site_id, default_at=t) for g in given]
        merged = rules.appended(list(file.custody or []), new)
        if merged == list(file.custody or []):
            return file  # a resend: nothing new, nothing audited
        file.custody = merged
        file.updated_at = t
        details = {
            "site": code,
            "records": [
                {"action": r.action.value, "hashFormat": r.hash_format, "generation": r.generation} for r in new
            ],
        }
        state = file.state
        # custody (JSONB) and updated_at are flushed by the ORM; the audit row and the event go with them
        await records.transition_written(session, actor, file.id, {}, "RECORD_CUSTODY", state, state, details)
        return file


async def accept_integrity_risk(
    db: SessionFactory, actor: Actor, file_id: str, reason: str, *, expected_version: int | None = None
) -> File:
    """``acceptIntegrityRisk``: an engineer or admin lets a package that failed verification go on, with a
    reason (audited with the failure it accepts). ``validateFile`` then works as for any file."""
    reason = reason.strip()
    if not reason:
        raise BadInput("accepting an integrity risk needs a reason", field="reason")
    if len(reason) > 2000:
        raise BadInput("reason longer than 2000 characters", field="reason")
    fid = parse_id(file_id)
    async with db() as session, session.begin():
        file = await files_repo.lock(session, fid)
        if not can(actor, FileAction.ACCEPT_INTEGRITY_RISK, await facts(session, file)):
            raise Forbidden(f"{actor.name} may not accept an integrity risk (file {file.id})")
        if expected_version is not None and expected_version != file.version:
            raise Conflict(
                f"file {file.id} is at version {file.version}, not {expected_version}", currentVersion=file.version
            )
        if file.integrity_error is None:
            raise InvalidTransition(f"file {file.id} has no integrity error to accept", currentState=file.state)
        if file.integrity_accepted_reason is not None:
            raise InvalidTransition(f"file {file.id}'s integrity risk was already accepted", currentState=file.state)
        if FileState(file.state) in FINAL_STATES:
            raise InvalidTransition(f"file {file.id} is {file.state}", currentState=file.state)
        file.integrity_accepted_reason = reason
        file.version += 1
        file.updated_at = now()
        details = {"reason": reason, "integrityError": file.integrity_error}
        state = file.state
        await records.transition_written(
            session, actor, file.id, files_repo.take_changes(file), "ACCEPT_INTEGRITY_RISK", state, state, details
        )
        return file


def custody_of(file: File) -> list[rules.CustodyRecord]:
    return [rules.CustodyRecord.from_json(r) for r in file.custody or []]


def reported_records(
    given: Sequence[dict[str, Any]], site_id: int, site: str, at: datetime
) -> list[rules.CustodyRecord]:
    """A daemon's records with its report: those it made itself are its site's; the history's earlier ones
    (the DIT's seal, another facility's copy) name no site of ours."""
    out: list[rules.CustodyRecord] = []
    for g in given[: rules.MAX_RECORDS]:
        own = (g.pop("site", None) or "").strip().lower() == site
        out.append(rules.record(**g, site_id=site_id if own else None, default_at=at))
    return out


async def for_export(db: SessionFactory, actor: Actor, file_id: str) -> tuple[File, list[Member]]:
    """A file and its members with their card hashes, for an ASC MHL export (``GET /files/{id}/mhl``): whoever
    may read files, and a site's key for the files its site holds."""
    fid = parse_id(file_id)
    async with db() as session:
        file = await session.get(File, fid)
        if file is None:
            raise NotFound(f"file {file_id} not found", id=str(file_id))
        codes = await sites_repo.site_codes(session, file.site_id, file.destination_site_id)
        if not has_capability(actor, Capability.READ) and not any(actor.acts_for_site(c) for c in codes.values()):
            raise Forbidden(f"{actor.name} may not read file {file.id}")
        if file.kind == FileKind.FILE.value:  # a single file is its own member, with its own ASC MHL hash if any
            return file, [Member(file.filename, file.size_bytes, file.sha256, file.mhl_format, file.mhl_hash)]
        members = await packages_repo.all_members(session, file.id)
        return file, members
