"""The S3 blob store against a real SeaweedFS (signed requests): two orchestrator instances with their own data
directories share one PostgreSQL and one bucket; a tus upload begun on one finishes on the other, both serve
ranged downloads by redirect, no host disk holds content; faults (wrong credentials, a paused store, an object
deleted behind our back) end in clear answers, and nothing is lost."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import AuditLog, File, Upload
from app.domain.clock import now
from app.domain.permissions import SYSTEM
from app.main import create_app
from app.services.lifecycle import reject_file
from app.services.multipart import sweep_orphans
from app.services.uploads import expire_blobs
from app.transfers.s3store import S3Storage, StoreConfigError
from daemon.downloader import BlobDownloader
from tests.conftest import Server
from tests.transfers.conftest import TUS, create_upload, patch, queue_to, reported
from tests.transfers.s3_support import (
    BUCKET,
    MIB,
    bucket,
    host_files,
    object_key,
    open_multipart_uploads,
    prefix,
    ranged,
    s3_settings,
    stored_bytes,
    two_hosts,
)
from tests.transfers.seaweed import Seaweed, seaweed

__all__ = ["bucket", "prefix", "s3_settings", "seaweed", "two_hosts"]  # fixtures, imported so pytest finds them


async def test_an_upload_begun_on_one_host_finishes_on_the_other_and_both_serve_it(
    two_hosts: tuple[Server, Server],
    db: SessionFactory,
    keys: dict[str, str],
    tmp_path: Path,
    seaweed: Seaweed,
    prefix: str,
) -> None:
    a, b = two_hosts
    size = 12 * MIB + 3
    content = await reported(a, keys["tustin"], tmp_path, size)
    data = content.data
    tustin = {"X-API-Key": keys["tustin"]}
    async with (
        httpx.AsyncClient(base_url=a.url, headers=tustin) as on_a,
        httpx.AsyncClient(base_url=b.url, headers=tustin) as on_b,
    ):
        created = await create_upload(on_a, content.file_id, size)
        assert created.status_code == 201, created.text
        url = "/uploads/" + created.headers["location"].rsplit("/", 1)[1]
        # 7 MiB on A: one 5 MiB part in the store, 2 MiB (below S3's minimum part) kept in PostgreSQL.
        first = await patch(on_a, url, 0, data[: 7 * MIB])
        assert first.status_code == 204, first.text
        assert first.headers["upload-offset"] == str(7 * MIB)
        head = await on_b.head(url, headers=TUS)
        assert head.headers["upload-offset"] == str(7 * MIB)
        second = await patch(on_b, url, 7 * MIB, data[7 * MIB : 10 * MIB])
        assert second.headers["upload-offset"] == str(10 * MIB), second.text
        last = await patch(on_a, url, 10 * MIB, data[10 * MIB :])
        assert last.status_code == 204, last.text
        assert last.headers["upload-offset"] == str(size)

    assert stored_bytes(seaweed, prefix, content.sha256) == data
    assert open_multipart_uploads(seaweed, prefix) == []
    async with db() as session:
        row = await session.get(File, int(content.file_id))
        assert row is not None and row.content_available
        upload = (await session.scalars(select(Upload).where(Upload.file_id == row.id))).one()
        assert upload.completed_at is not None and upload.tail is None
        assert [p[2] for p in upload.parts] == [5 * MIB, 5 * MIB]  # the last part went with the completion

    await queue_to(db, content.file_id, "nashville")
    nashville = keys["nashville"]
    assert await ranged(a, nashville, content.file_id, 0, 99) == data[:100]
    assert await ranged(b, nashville, content.file_id, size - 10, size - 1) == data[-10:]
    assert await ranged(b, nashville, content.file_id, 5 * MIB - 2, 5 * MIB + 1) == data[5 * MIB - 2 : 5 * MIB + 2]
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": nashville}) as http:
        head = await http.head(f"/blobs/{content.file_id}")
    assert head.status_code == 200 and head.headers["content-length"] == str(size)

    # The site agent's downloader follows the redirect, resumes a partial file and verifies.
    partial = tmp_path / "incoming.part"
    partial.write_bytes(data[: 3 * MIB + 7])
    fetched = await BlobDownloader(b.url, nashville).fetch(content.file_id, partial, size, content.sha256)
    assert (fetched.sha256, fetched.resumed_from, fetched.received) == (content.sha256, 3 * MIB + 7, size - 3 * MIB - 7)

    for host in (a, b):  # no content on either host's disk
        assert all(p.stat().st_size < 64 * 1024 for p in host_files(host.settings)), host_files(host.settings)


async def test_two_hosts_writing_one_upload_at_once_never_mix_their_parts(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    """Two writers send different bytes for one upload at once, one through each host; the offset's
    compare-and-set picks one writer per step. Whoever wins, the end is clean: the file's bytes stored and
    verified, or the other bytes refused by their hash and nothing stored; the loser gets a 409 or 404, never a
    500 (it was a 500 when the winner's completion ended the multipart upload under the loser's next part)."""
    a, b = two_hosts
    data = os.urandom(16 * MIB + 1)
    other = os.urandom(len(data))
    content = await reported(a, keys["tustin"], tmp_path, len(data), data=data)
    tustin = {"X-API-Key": keys["tustin"]}
    async with (
        httpx.AsyncClient(base_url=a.url, headers=tustin, timeout=120) as on_a,
        httpx.AsyncClient(base_url=b.url, headers=tustin, timeout=120) as on_b,
    ):
        url = (await create_upload(on_a, content.file_id, len(data))).headers["location"]
        right, wrong = await asyncio.gather(patch(on_a, url, 0, data), patch(on_b, url, 0, other))
    # The loser learns it lost: 409 (the offset moved on) or 404 (the upload ended meanwhile).
    assert right.status_code in (204, 404, 409) and wrong.status_code in (404, 409, 460), (right.text, wrong.text)
    async with db() as session:
        row = await session.get(File, int(content.file_id))
        assert row is not None
    if right.status_code == 204:
        assert row.content_available
        assert stored_bytes(seaweed, prefix, content.sha256) == data
    else:
        assert wrong.status_code == 460 and not row.content_available
        with pytest.raises(Exception, match=r"NoSuchKey|Not Found|404"):
            stored_bytes(seaweed, prefix, content.sha256)
    assert open_multipart_uploads(seaweed, prefix) == []


async def test_the_same_content_twice_is_stored_once(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    a, b = two_hosts
    data = os.urandom(6 * MIB)
    first = await reported(a, keys["tustin"], tmp_path, len(data), data=data, name="one.mov")
    second = await reported(a, keys["dallas"], tmp_path, len(data), data=data, name="two.mov", site="dallas")
    for server, content, site in ((a, first, "tustin"), (b, second, "dallas")):
        async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys[site]}) as http:
            created = await create_upload(http, content.file_id, len(data))
            done = await patch(http, created.headers["location"], 0, data)
            assert done.status_code == 204, done.text
    listed = seaweed.client().list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
    assert [o["Key"] for o in listed.get("Contents", [])] == [object_key(prefix, first.sha256)]
    assert open_multipart_uploads(seaweed, prefix) == []  # the second multipart upload was aborted
    async with db() as session:
        rows = (await session.scalars(select(File).where(File.sha256 == first.sha256))).all()
    assert [r.content_available for r in rows] == [True, True]


async def test_an_empty_file_is_stored_without_a_multipart_upload(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    a, _ = two_hosts
    content = await reported(a, keys["tustin"], tmp_path, 0, data=b"")
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}) as http:
        created = await create_upload(http, content.file_id, 0)
    assert created.status_code == 201, created.text
    assert stored_bytes(seaweed, prefix, content.sha256) == b""
    assert open_multipart_uploads(seaweed, prefix) == []
    async with db() as session:
        row = await session.get(File, int(content.file_id))
        assert row is not None and row.content_available


async def test_bytes_that_do_not_match_are_refused_and_leave_nothing_in_the_store(
    two_hosts: tuple[Server, Server], keys: dict[str, str], tmp_path: Path, seaweed: Seaweed, prefix: str
) -> None:
    a, _ = two_hosts
    data = os.urandom(6 * MIB)
    content = await reported(a, keys["tustin"], tmp_path, len(data), data=data, sha256=hashlib.sha256(b"x").hexdigest())
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}) as http:
        created = await create_upload(http, content.file_id, len(data))
        answer = await patch(http, created.headers["location"], 0, data)
    assert answer.status_code == 460 and answer.json()["code"] == "CHECKSUM_MISMATCH", answer.text
    assert answer.json()["received"] == hashlib.sha256(data).hexdigest()
    assert open_multipart_uploads(seaweed, prefix) == []
    assert seaweed.client().list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/").get("KeyCount", 0) == 0


async def test_wrong_credentials_are_refused_at_start(
    s3_settings: Callable[[str], Settings], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = s3_settings("host-a")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    app = create_app(settings, db_url)
    with pytest.raises(StoreConfigError, match="refused our credentials"):
        async with app.router.lifespan_context(app):
            pass


async def test_a_missing_bucket_is_created_at_start(
    s3_settings: Callable[[str], Settings], db_url: str, seaweed: Seaweed
) -> None:
    fresh = f"cr-{uuid.uuid4().hex[:12]}"
    settings = s3_settings("host-a").model_copy(update={"blob_store": f"s3://{fresh}/hub"})
    with pytest.raises(Exception, match=r"NoSuchBucket|Not Found|404"):
        seaweed.client().head_bucket(Bucket=fresh)
    app = create_app(settings, db_url)
    async with app.router.lifespan_context(app):
        seaweed.client().head_bucket(Bucket=fresh)


async def test_a_paused_store_is_a_retryable_503_and_the_upload_resumes_afterwards(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    a, b = two_hosts
    data = os.urandom(14 * MIB)
    content = await reported(a, keys["tustin"], tmp_path, len(data), data=data)
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}, timeout=120) as http:
        created = await create_upload(http, content.file_id, len(data))
        url = created.headers["location"]
        assert (await patch(http, url, 0, data[: 6 * MIB])).headers["upload-offset"] == str(6 * MIB)
        with seaweed.paused():
            started = time.monotonic()
            stalled = await patch(http, url, 6 * MIB, data[6 * MIB : 12 * MIB])
            elapsed = time.monotonic() - started
            assert stalled.status_code == 503, stalled.text
            assert stalled.json()["code"] == "SERVICE_UNAVAILABLE"
            assert int(stalled.headers["retry-after"]) > 0
            assert elapsed < 60, elapsed  # bounded: 2 s timeouts, one retry, an overall deadline
            head = await http.head(url, headers=TUS)
            assert head.headers["upload-offset"] == str(6 * MIB)  # nothing the store did not acknowledge
        # Resumed: the same bytes again (on the other host, for good measure), then the rest.
        async with httpx.AsyncClient(base_url=b.url, headers={"X-API-Key": keys["tustin"]}, timeout=120) as on_b:
            again = await patch(on_b, url, 6 * MIB, data[6 * MIB : 12 * MIB])
            assert again.headers["upload-offset"] == str(12 * MIB), again.text
            done = await patch(on_b, url, 12 * MIB, data[12 * MIB :])
            assert done.status_code == 204, done.text
    assert stored_bytes(seaweed, prefix, content.sha256) == data

    await queue_to(db, content.file_id, "nashville")
    async with httpx.AsyncClient(base_url=b.url, headers={"X-API-Key": keys["nashville"]}, timeout=120) as http:
        with seaweed.paused():
            paused = await http.get(f"/blobs/{content.file_id}")
            assert paused.status_code == 503 and paused.json()["code"] == "SERVICE_UNAVAILABLE", paused.text
        assert (await http.get(f"/blobs/{content.file_id}")).status_code == 307


async def test_content_deleted_behind_our_back_is_reported_and_marked_unavailable(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    a, _ = two_hosts
    data = os.urandom(MIB)
    content = await reported(a, keys["tustin"], tmp_path, len(data), data=data)
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}) as http:
        created = await create_upload(http, content.file_id, len(data))
        assert (await patch(http, created.headers["location"], 0, data)).status_code == 204
    await queue_to(db, content.file_id, "nashville")
    seaweed.client().delete_object(Bucket=BUCKET, Key=object_key(prefix, content.sha256))
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["nashville"]}) as http:
        gone = await http.get(f"/blobs/{content.file_id}")
    assert gone.status_code == 404 and gone.json()["code"] == "CONTENT_MISSING", gone.text
    assert "missing from the object store" in gone.json()["message"]
    async with db() as session:
        row = await session.get(File, int(content.file_id))
        assert row is not None and row.content_available is False
        actions = (await session.scalars(select(AuditLog.action).where(AuditLog.file_id == row.id))).all()
    assert "CONTENT_MISSING" in actions


async def test_retention_deletes_objects_and_the_sweep_aborts_orphaned_multipart_uploads(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    a, _ = two_hosts
    storage = a.app.state.storage  # type: ignore[attr-defined]
    assert isinstance(storage, S3Storage)
    old = await reported(a, keys["tustin"], tmp_path, MIB)
    abandoned = await reported(a, keys["tustin"], tmp_path, 8 * MIB)
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}) as http:
        created = await create_upload(http, old.file_id, MIB)
        assert (await patch(http, created.headers["location"], 0, old.data)).status_code == 204
        created = await create_upload(http, abandoned.file_id, 8 * MIB)
        half = await patch(http, created.headers["location"], 0, abandoned.data[: 6 * MIB])
        assert half.headers["upload-offset"] == str(6 * MIB)
    assert len(open_multipart_uploads(seaweed, prefix)) == 1
    await reject_file(db, SYSTEM, old.file_id, "not needed")
    async with db() as session, session.begin():
        long_ago = now() - timedelta(days=10)
        await session.execute(update(File).where(File.id == int(old.file_id)).values(updated_at=long_ago))
        await session.execute(
            update(Upload).where(Upload.file_id == int(abandoned.file_id)).values(updated_at=long_ago)
        )

    assert await expire_blobs(db, storage, timedelta(days=7)) == [int(old.file_id)]
    assert not await storage.exists(old.sha256)
    assert open_multipart_uploads(seaweed, prefix) == []  # the abandoned upload's parts went with its row

    # A multipart upload no row knows (a replica died before recording it) is aborted by the sweep, once old
    # enough; one a row knows is not.
    orphan = await storage.begin(abandoned.sha256)
    assert await sweep_orphans(db, storage, timedelta(hours=1)) == 0  # too young
    assert await sweep_orphans(db, storage, timedelta(0)) == 1
    assert orphan not in open_multipart_uploads(seaweed, prefix)


async def test_parts_uploaded_side_by_side_are_recorded_in_order(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    """One PATCH of 26 MiB + 1 with 5 MiB parts: several parts upload at once, yet they are recorded in part order
    with the offset and hash that follow them, and the object is the bytes sent."""
    a, _ = two_hosts
    size = 26 * MIB + 1
    content = await reported(a, keys["tustin"], tmp_path, size)
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}, timeout=120) as http:
        created = await create_upload(http, content.file_id, size)
        done = await patch(http, created.headers["location"], 0, content.data)
    assert done.status_code == 204, done.text
    assert stored_bytes(seaweed, prefix, content.sha256) == content.data
    async with db() as session:
        upload = (await session.scalars(select(Upload).where(Upload.file_id == int(content.file_id)))).one()
    assert [p[0] for p in upload.parts] == sorted(p[0] for p in upload.parts)
    assert [p[2] for p in upload.parts] == [5 * MIB] * 5  # the last part (1 MiB + 1) went with the completion
    assert open_multipart_uploads(seaweed, prefix) == []


async def test_upload_checksum_requests_are_kept_whole_or_not_at_all(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], tmp_path: Path, seaweed: Seaweed,
    prefix: str,
) -> None:  # fmt: skip
    """With ``Upload-Checksum`` a PATCH records only at its end: a wrong digest keeps none of its 12 MiB (its parts
    uploaded meanwhile are never counted), a right one keeps all of it; then the upload finishes on the other host."""
    a, b = two_hosts
    size = 20 * MIB
    content = await reported(a, keys["tustin"], tmp_path, size)
    first = content.data[: 12 * MIB]
    right = "sha256 " + base64.b64encode(hashlib.sha256(first).digest()).decode()
    wrong = "sha256 " + base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}, timeout=120) as http:
        url = (await create_upload(http, content.file_id, size)).headers["location"]
        refused = await patch(http, url, 0, first, **{"Upload-Checksum": wrong})
        assert refused.status_code == 460 and refused.json()["code"] == "CHECKSUM_MISMATCH", refused.text
        assert (await http.head(url, headers=TUS)).headers["upload-offset"] == "0"
        kept = await patch(http, url, 0, first, **{"Upload-Checksum": right})
        assert kept.status_code == 204 and kept.headers["upload-offset"] == str(12 * MIB), kept.text
    async with httpx.AsyncClient(base_url=b.url, headers={"X-API-Key": keys["tustin"]}, timeout=120) as http:
        done = await patch(http, url, 12 * MIB, content.data[12 * MIB :])
        assert done.status_code == 204, done.text
    assert stored_bytes(seaweed, prefix, content.sha256) == content.data
    assert open_multipart_uploads(seaweed, prefix) == []
