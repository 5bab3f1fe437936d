"""Fixtures and checks shared by the S3 blob store tests: settings pointing at the session's SeaweedFS (one
bucket, a prefix per test), two orchestrator instances on one database and bucket, and looks behind the
orchestrator's back (stored objects, open multipart uploads, the hosts' disks)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from tests.conftest import Server
from tests.transfers.conftest import running_server
from tests.transfers.seaweed import ACCESS_KEY, REGION, SECRET_KEY, Seaweed

MIB = 1024 * 1024
#: One bucket for the session (SeaweedFS allocates volumes per bucket: slow), a prefix per test.
BUCKET = "colorroute-tests"


@pytest.fixture
def bucket() -> str:
    return BUCKET


@pytest.fixture
def prefix() -> str:
    return f"hub-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def s3_settings(
    settings: Settings, seaweed: Seaweed, bucket: str, prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Settings]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", seaweed.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_REGION", REGION)

    def make(host: str) -> Settings:
        return settings.model_copy(
            update={
                "data_dir": tmp_path / host,
                "blob_store": f"s3://{bucket}/{prefix}",
                "s3_part_bytes": 5 * MIB,
                "s3_timeout_seconds": 5.0,
            }
        )

    return make


@pytest.fixture
async def two_hosts(s3_settings: Callable[[str], Settings], db_url: str) -> AsyncIterator[tuple[Server, Server]]:
    async with running_server(s3_settings("host-a"), db_url) as a, running_server(s3_settings("host-b"), db_url) as b:
        yield a, b


def object_key(prefix: str, sha256: str) -> str:
    return f"{prefix}/sha256/{sha256[:2]}/{sha256}"


def stored_bytes(seaweed: Seaweed, prefix: str, sha256: str) -> bytes:
    return bytes(seaweed.client().get_object(Bucket=BUCKET, Key=object_key(prefix, sha256))["Body"].read())


def open_multipart_uploads(seaweed: Seaweed, prefix: str) -> list[str]:
    answer = seaweed.client().list_multipart_uploads(Bucket=BUCKET, Prefix=f"{prefix}/")
    return [u["UploadId"] for u in answer.get("Uploads", [])]


def host_files(settings: Settings) -> list[Path]:
    return [p for p in settings.data_dir.rglob("*") if p.is_file()] if settings.data_dir.exists() else []


async def ranged(server: Server, key: str, file_id: str, first: int, last: int) -> bytes:
    """GET with Range: the hub answers with a redirect; the store serves the range (no API key sent to it)."""
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": key}) as http:
        answer = await http.get(f"/blobs/{file_id}", headers={"Range": f"bytes={first}-{last}"})
    assert answer.status_code == 307, answer.text
    location = answer.headers["location"]
    assert location.startswith(os.environ["AWS_ENDPOINT_URL"]) and "X-Amz-Signature=" in location
    async with httpx.AsyncClient() as plain:
        part = await plain.get(location, headers={"Range": f"bytes={first}-{last}"})
    assert part.status_code == 206, part.text
    return part.content
