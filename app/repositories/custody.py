"""Custody records on a file row: appended in SQL, so a transition's own column writes are left alone."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from app.db.models import File
from app.domain.custody import CustodyRecord

_APPEND = text("UPDATE files SET custody = custody || CAST(:records AS jsonb) WHERE id = :file_id RETURNING custody")


async def append(session: AsyncSession, file: File, records: list[CustodyRecord]) -> None:
    """Add ``records`` to the (locked) file's custody; the loaded row shows them too."""
    payload = json.dumps([r.to_json() for r in records])
    custody = (await session.execute(_APPEND, {"records": payload, "file_id": file.id})).scalar_one()
    set_committed_value(file, "custody", custody)
