"""Files by state come from trigger-maintained deltas: they must equal a GROUP BY of the files table after any
mix of single transitions, bulk writes, deletes, rollbacks and compactions, concurrent ones included."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import func, select

from app.config import Settings
from app.db.engine import SessionFactory, plain_url
from app.db.models import FileStateCount
from app.domain.permissions import SYSTEM
from app.services import lifecycle, reads
from app.services.reporting import FileReport, report_file
from tests.support import random_sha


async def _truth(conn: asyncpg.Connection) -> dict[str, int]:
    rows = await conn.fetch("SELECT state, count(*) AS n FROM files GROUP BY state")
    return {r["state"]: r["n"] for r in rows}


async def _counted(db: SessionFactory) -> dict[str, int]:
    stats = await reads.stats(db, SYSTEM)
    return {state: n for state, n in stats.by_state.items() if n}


async def _delta_rows(db: SessionFactory) -> int:
    async with db() as s:
        return int(await s.scalar(select(func.count()).select_from(FileStateCount)) or 0)


async def test_counts_follow_transitions_bulk_writes_deletes_and_rollbacks(
    db: SessionFactory, db_url: str, settings: Settings
) -> None:
    conn = await asyncpg.connect(plain_url(db_url))
    try:
        files = [await report_file(db, SYSTEM, FileReport("tustin", f"c/{i}.mov", 10, random_sha())) for i in range(6)]
        for f in files[:4]:
            await lifecycle.validate_file(db, settings, SYSTEM, str(f.id))
        await lifecycle.reject_file(db, SYSTEM, str(files[5].id), "bad grade")
        assert await _counted(db) == await _truth(conn) == {"DETECTED": 1, "VALIDATED": 4, "REJECTED": 1}

        # One statement touching many rows, a delete, and a rolled-back change.
        await conn.execute("UPDATE files SET state = 'QUEUED' WHERE state = 'VALIDATED' AND id <> $1", files[0].id)
        await conn.execute("DELETE FROM audit_logs WHERE file_id = $1", files[4].id)
        await conn.execute("DELETE FROM events")
        await conn.execute("DELETE FROM files WHERE id = $1", files[4].id)
        before = await _truth(conn)
        tx = conn.transaction()
        await tx.start()
        await conn.execute("UPDATE files SET state = 'ARCHIVED'")
        await tx.rollback()
        assert await _counted(db) == before == {"VALIDATED": 1, "QUEUED": 3, "REJECTED": 1}
        await conn.execute("UPDATE files SET state = 'ARCHIVED'")
        assert await _counted(db) == await _truth(conn) == {"ARCHIVED": 5}

        assert await _delta_rows(db) > 1
        await reads.compact_state_counts(db)
        assert await _delta_rows(db) == 1
        assert await _counted(db) == {"ARCHIVED": 5}
    finally:
        await conn.close()


async def test_compaction_beside_concurrent_writers_and_compactors_loses_nothing(
    db: SessionFactory, db_url: str, settings: Settings
) -> None:
    files = [await report_file(db, SYSTEM, FileReport("tustin", f"w/{i}.mov", 10, random_sha())) for i in range(40)]

    async def writer(chunk: list[int]) -> None:
        for file_id in chunk:
            await lifecycle.validate_file(db, settings, SYSTEM, str(file_id))

    async def compactor() -> None:
        for _ in range(20):
            await reads.compact_state_counts(db)
            await asyncio.sleep(0)

    ids = [f.id for f in files]
    await asyncio.gather(*(writer(ids[i::4]) for i in range(4)), compactor(), compactor())
    await reads.compact_state_counts(db)
    conn = await asyncpg.connect(plain_url(db_url))
    try:
        assert await _counted(db) == await _truth(conn) == {"VALIDATED": 40}
        assert await _delta_rows(db) == 1
    finally:
        await conn.close()
