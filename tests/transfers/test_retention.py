"""Blob retention: content of files ARCHIVED or REJECTED more than N days ago goes; shared content stays while
another file still claims it; abandoned partial uploads go too."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select, update

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import AuditLog, File, Upload
from app.domain.clock import now
from app.domain.permissions import SYSTEM
from app.services.lifecycle import reject_file
from app.services.uploads import expire_blobs
from app.transfers.stores import LocalStorage
from tests.conftest import Server
from tests.transfers.conftest import create_upload, patch, reported, running_server
from tests.transfers.test_tus_upload import blob_path, file_row, tus_uploader


async def age(db: SessionFactory, file_id: str, days: float) -> None:
    async with db() as session, session.begin():
        await session.execute(
            update(File).where(File.id == int(file_id)).values(updated_at=now() - timedelta(days=days))
        )


async def test_expire_rejected_content_but_keep_shared_and_recent(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    old = await reported(server, keys["tustin"], tmp_path, 2000)
    recent = await reported(server, keys["tustin"], tmp_path, 2000)
    live = await reported(server, keys["tustin"], tmp_path, 2000)
    shared_a = await reported(server, keys["tustin"], tmp_path, 2000, name="shared-a.mov")
    shared_b = await reported(
        server, keys["dallas"], tmp_path, 2000, site="dallas", name="shared-b.mov", data=shared_a.data
    )
    for content, key in ((old, "tustin"), (recent, "tustin"), (live, "tustin"), (shared_a, "tustin")):
        await asyncio.to_thread(tus_uploader(server.url, keys[key], content).upload)
    await asyncio.to_thread(tus_uploader(server.url, keys["dallas"], shared_b).upload)
    for content in (old, recent, shared_a):
        await reject_file(db, SYSTEM, content.file_id, "not needed")
    await age(db, old.file_id, 10)
    await age(db, shared_a.file_id, 10)
    await age(db, live.file_id, 10)  # old but not final: kept

    expired = await expire_blobs(db, LocalStorage(settings.blob_dir), timedelta(days=7))

    assert sorted(expired) == sorted([int(old.file_id), int(shared_a.file_id)])
    assert not blob_path(settings, old.sha256).exists()
    assert (await file_row(db, old.file_id)).content_available is False
    assert blob_path(settings, recent.sha256).exists()
    assert blob_path(settings, live.sha256).exists()
    # shared_b (another site, same bytes) still claims the blob: it stays, and stays downloadable.
    assert (await file_row(db, shared_a.file_id)).content_available is False
    assert (await file_row(db, shared_b.file_id)).content_available is True
    assert blob_path(settings, shared_a.sha256).read_bytes() == shared_a.data
    async with db() as session:
        audit = (await session.scalars(select(AuditLog).where(AuditLog.action == "BLOB_EXPIRED"))).all()
    assert sorted(a.file_id or 0 for a in audit) == sorted([int(old.file_id), int(shared_a.file_id)])
    assert audit[0].details is not None and audit[0].details["retentionDays"] == 7
    assert await expire_blobs(db, LocalStorage(settings.blob_dir), timedelta(days=7)) == []  # idempotent


async def test_abandoned_partial_uploads_expire(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    content = await reported(server, keys["tustin"], tmp_path, 5000)
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as c:
        url = (await create_upload(c, content.file_id, 5000)).headers["Location"]
        assert (await patch(c, url, 0, content.data[:100])).status_code == 204
    upload_id = url.rsplit("/", 1)[1]
    async with db() as session, session.begin():
        await session.execute(
            update(Upload).where(Upload.id == upload_id).values(updated_at=now() - timedelta(days=30))
        )
    await expire_blobs(db, LocalStorage(settings.blob_dir), timedelta(days=7))
    async with db() as session:
        assert await session.get(Upload, upload_id) is None
    assert not (settings.blob_dir / "partial" / upload_id).exists()


async def test_retention_loop_runs_from_the_app(
    settings: Settings, db_url: str, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    async with running_server(settings, db_url) as first:
        content = await reported(first, keys["tustin"], tmp_path, 3000)
        await asyncio.to_thread(tus_uploader(first.url, keys["tustin"], content).upload)
    await reject_file(db, SYSTEM, content.file_id, "not needed")
    await age(db, content.file_id, 3)
    with_retention = settings.model_copy(update={"blob_retention_days": 2.0})
    async with running_server(with_retention, db_url):
        for _ in range(600):  # a minute and more: generous for a loaded machine
            if not (await file_row(db, content.file_id)).content_available:
                break
            await asyncio.sleep(0.1)
    assert (await file_row(db, content.file_id)).content_available is False
    assert not blob_path(settings, content.sha256).exists()
