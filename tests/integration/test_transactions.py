"""Transitions are atomic and serialised on the file row."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import func, select

from app.config import Settings
from app.db.engine import SessionFactory, plain_url
from app.db.models import AuditLog, Event, File
from app.domain.errors import InvalidTransition
from app.domain.permissions import SYSTEM
from app.services import lifecycle
from app.services.reporting import FileReport, report_file
from tests.support import random_sha


async def _new_file(db: SessionFactory) -> File:
    daemon_actor = SYSTEM
    return await report_file(db, daemon_actor, FileReport("tustin", "A/clip.mov", 100, random_sha()))


async def test_failure_after_the_audit_insert_leaves_no_trace(
    db: SessionFactory, db_url: str, settings: Settings
) -> None:
    """Inject a real failure at the last step (the outbox insert, after file update and audit insert) with a
    trigger in the database, and check nothing of the transition survived."""
    file = await _new_file(db)
    async with db() as s:
        audits_before = await s.scalar(select(func.count()).select_from(AuditLog))
        events_before = await s.scalar(select(func.count()).select_from(Event))
    conn = await asyncpg.connect(plain_url(db_url))
    try:
        await conn.execute("""
            CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'injected failure'; END $$;
            CREATE TRIGGER boom BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION boom();
        """)
        with pytest.raises(Exception, match="injected failure"):
            await lifecycle.validate_file(db, settings, SYSTEM, str(file.id))
        await conn.execute("DROP TRIGGER boom ON events")
    finally:
        await conn.close()
    async with db() as s:
        row = await s.get(File, file.id)
        assert row is not None and row.state == "DETECTED" and row.version == 1
        assert await s.scalar(select(func.count()).select_from(AuditLog)) == audits_before
        assert await s.scalar(select(func.count()).select_from(Event)) == events_before
    # And with the fault gone, the same transition goes through.
    done = await lifecycle.validate_file(db, settings, SYSTEM, str(file.id))
    assert done.state == "VALIDATED"


async def test_fifty_concurrent_validations_exactly_one_wins(db: SessionFactory, settings: Settings) -> None:
    file = await _new_file(db)
    results = await asyncio.gather(
        *(lifecycle.validate_file(db, settings, SYSTEM, str(file.id)) for _ in range(50)), return_exceptions=True
    )
    wins = [r for r in results if isinstance(r, File)]
    losses = [r for r in results if isinstance(r, InvalidTransition)]
    assert len(wins) == 1 and len(losses) == 49, [
        type(r) for r in results if not isinstance(r, File | InvalidTransition)
    ]
    async with db() as s:
        n = await s.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.file_id == file.id, AuditLog.action == "VALIDATE")
        )
        assert n == 1
        row = await s.get(File, file.id)
        assert row is not None and row.version == 2


async def test_duplicate_reports_ten_at_once_make_one_file(db: SessionFactory) -> None:
    sha = random_sha()
    reports = [FileReport("tustin", "A/dup.mov", 100, sha, report_id=f"r{i % 2}") for i in range(10)]
    results = await asyncio.gather(*(report_file(db, SYSTEM, r) for r in reports), return_exceptions=True)
    ids = {r.id for r in results if isinstance(r, File)}
    assert len(ids) == 1, results
    async with db() as s:
        assert await s.scalar(select(func.count()).select_from(File)) == 1
        assert await s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "REPORT")) == 1


async def test_a_cursor_reader_never_skips_an_event(db: SessionFactory, settings: Settings) -> None:
    """Concurrent writers, one reader polling ``id > last_seen`` as fast as it can: at the end the reader has
    seen every committed event. Without the commit-order lock a smaller id committing late would be skipped."""
    files = [await report_file(db, SYSTEM, FileReport("tustin", f"A/{i}.mov", 10, random_sha())) for i in range(40)]
    async with db() as s:
        start = int(await s.scalar(select(func.max(Event.id))) or 0)
    seen: list[int] = []
    done = asyncio.Event()

    async def reader() -> None:
        last = start
        while True:
            finished = done.is_set()
            async with db() as s:
                ids = list((await s.scalars(select(Event.id).where(Event.id > last).order_by(Event.id))).all())
            seen.extend(ids)
            last = ids[-1] if ids else last
            if finished:
                return
            await asyncio.sleep(0)

    task = asyncio.create_task(reader())
    await asyncio.gather(*(lifecycle.validate_file(db, settings, SYSTEM, str(f.id)) for f in files))
    done.set()
    await task
    async with db() as s:
        committed = list((await s.scalars(select(Event.id).where(Event.id > start).order_by(Event.id))).all())
    assert len(committed) == 40
    assert seen == committed
