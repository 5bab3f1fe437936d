"""``GET /files/{fileId}/mhl``: a package's members as an ASC MHL manifest, for integrators.

The manifest is written by ``ascmhl`` itself (its hash-list writer), from what the orchestrator holds: each
member's hash in its card history's format (staged by the source daemon) and the latest custody record as the
creator. No bytes are needed, so any replica answers. A single file is its own member, with the xxh64 its source
took. A card's own ``ascmhl/`` history files are members but never listed (ascmhl ignores them too). A file with no
hash in an ASC MHL format (SHA-256 is not one) is ``404`` ``NO_MHL_HASHES``; a package where only some of the
members to list have one is ``409`` ``INCOMPLETE_MHL_HASHES``: a manifest that silently left members out would
tell a reader those files were never there.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ascmhl import hashlist_xml_parser
from ascmhl.hashlist import MHLCreatorInfo, MHLHashEntry, MHLHashList, MHLMediaHash, MHLProcess, MHLTool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import File
from app.domain.custody import CustodyRecord
from app.domain.errors import DomainError
from app.domain.packages import Member
from app.services import custody
from app.transfers.http import domain_error_response, error_response, request_actor

MHL_TOOL = "colorroute"
#: The folder an ASC MHL history lives in: its files are never listed in a manifest (ascmhl ignores them too), and
#: a card carries its own ``ascmhl/`` as members without a hash.
HISTORY_FOLDER = "ascmhl"


def listed(members: list[Member]) -> list[Member]:
    """The members a manifest lists: all but the files of an ASC MHL history folder."""
    return [m for m in members if HISTORY_FOLDER not in m.path.split("/")]


def manifest_xml(file: File, hashed: list[Member]) -> bytes:
    """One ASC MHL hash list (``urn:ASC:MHL:v2.0``) of members that all have a hash in an ASC MHL format."""
    records = [CustodyRecord.from_json(r) for r in file.custody or []]
    latest = records[-1] if records else None
    hash_list: Any = MHLHashList()
    creator: Any = MHLCreatorInfo()
    creator.tool = MHLTool(MHL_TOOL, "export")
    creator.creation_date = datetime.now(UTC).isoformat(timespec="seconds")
    creator.host_name = (latest.host if latest else None) or "colorroute"
    creator.location = latest.location if latest else None
    creator.comment = f"exported from the orchestrator: file {file.id}, {file.filename}"
    hash_list.creator_info = creator
    hash_list.process_info.process = MHLProcess("flatten")
    for m in hashed:
        media: Any = MHLMediaHash()
        media.path = m.path
        media.file_size = m.size_bytes
        entry: Any = MHLHashEntry(m.mhl_format, m.mhl_hash, action="original" if latest is None else "verified")
        media.append_hash_entry(entry)
        hash_list.append_hash(media)
    with tempfile.TemporaryDirectory(prefix="mhl-") as tmp:
        path = os.path.join(tmp, "ascmhl", "0001_export.mhl")
        os.mkdir(os.path.dirname(path))
        hashlist_xml_parser.write_hash_list(hash_list, path)
        with open(path, "rb") as f:
            return f.read()


def mhl_routes(settings: Settings, db: SessionFactory) -> list[Route]:
    async def endpoint(request: Request) -> Response:
        try:
            actor = await request_actor(request, settings, db)
            file, members = await custody.for_export(db, actor, request.path_params["file_id"])
        except DomainError as exc:
            return domain_error_response(exc)
        members = listed(members)
        hashed = [m for m in members if m.mhl_format and m.mhl_hash]
        if not hashed:
            return error_response(
                404, "NO_MHL_HASHES", f"file {file.id} has no hash in an ASC MHL format (xxh64, md5, ...)"
            )
        if len(hashed) < len(members):
            missing = next(m.path for m in members if not (m.mhl_format and m.mhl_hash))
            return error_response(
                409,
                "INCOMPLETE_MHL_HASHES",
                f"{len(members) - len(hashed)} of file {file.id}'s {len(members)} members have no hash in an ASC MHL "
                f"format (first: {missing!r}); a manifest without them would be incomplete",
                extra={"missing": len(members) - len(hashed), "members": len(members)},
            )
        body = await asyncio.to_thread(manifest_xml, file, hashed)
        name = quote(f"{file.filename}.mhl")
        headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
        return Response(body, media_type="application/xml", headers=headers)

    return [Route("/files/{file_id}/mhl", endpoint, methods=["GET"], name="mhl")]
