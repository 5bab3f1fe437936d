"""A package's bytes at the hub, driven through the tus endpoint directly: the stream (its members concatenated in
manifest order) is verified member by member; a stream with one bad member is refused naming it and keeps nothing;
a good one lands under the package's own content key, served with ranges, beside its manifest. Both stores."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator

import httpx
from sqlalchemy import select

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import AuditLog, File, Upload
from app.transfers.blobstore import BlobStore
from tests.conftest import Server
from tests.support import Api, eventually
from tests.transfers.conftest import TUS, create_upload, patch, queue_to
from tests.transfers.s3_support import open_multipart_uploads
from tests.transfers.seaweed import Seaweed
from tests.transfers.test_s3_store import BUCKET, bucket, prefix, s3_settings, seaweed, two_hosts

__all__ = ["bucket", "prefix", "s3_settings", "seaweed", "two_hosts"]  # fixtures, imported so pytest finds them

STAGE = "mutation($input: StagePackageMembersInput!){ stagePackageMembers(input: $input) }"
REPORT = "mutation($input: ReportFileInput!){ reportFile(input: $input){ id sha256 sizeBytes } }"
MIB = 1024 * 1024


def manifest(members: dict[str, bytes]) -> bytes:
    return "".join(f"{hashlib.sha256(d).hexdigest()}  {len(d)}  {p}\n" for p, d in sorted(members.items())).encode()


def stream(members: dict[str, bytes]) -> bytes:
    return b"".join(d for _, d in sorted(members.items()))


async def report_package(server: Server, key: str, folder: str, members: dict[str, bytes]) -> tuple[str, str]:
    rid = str(uuid.uuid4())
    listed = [
        {"path": p, "sizeBytes": len(d), "sha256": hashlib.sha256(d).hexdigest()} for p, d in sorted(members.items())
    ]
    async with Api(server.url, api_key=key) as api:
        await api.gql(STAGE, {"input": {"site": "tustin", "reportId": rid, "members": listed}})
        given = {
            "site": "tustin",
            "path": f"cards/{folder}",
            "sizeBytes": sum(len(d) for d in members.values()),
            "sha256": hashlib.sha256(manifest(members)).hexdigest(),
            "reportId": rid,
            "package": {"kind": "FOLDER", "memberCount": len(members), "filename": folder},
        }
        row = (await api.gql(REPORT, {"input": given}))["reportFile"]
    return str(row["id"]), str(row["sha256"])


def clip(seed: int, segment: int = 300_000) -> dict[str, bytes]:
    return {f"A00{seed}_C00{i}_001.R3D": os.urandom(segment + i) for i in range(1, 4)} | {"notes/empty.txt": b""}


async def rejections(db: SessionFactory, file_id: str) -> list[AuditLog]:
    async with db() as session:
        rows = await session.scalars(
            select(AuditLog).where(AuditLog.file_id == int(file_id), AuditLog.action == "UPLOAD_REJECTED")
        )
        return list(rows)


async def test_a_stream_with_a_bad_member_is_refused_naming_it_and_a_good_one_is_stored_as_the_package(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str]
) -> None:
    members = clip(1)
    file_id, sha = await report_package(server, keys["tustin"], "A001_C001.RDC", members)
    good = stream(members)
    bad = bytearray(good)
    bad[len(members["A001_C001_001.R3D"]) + 5] ^= 0x01  # inside the second segment, same length
    tustin = {"X-API-Key": keys["tustin"]}
    async with httpx.AsyncClient(base_url=server.url, headers=tustin) as http:
        created = await create_upload(http, file_id, len(good))
        assert created.status_code == 201, created.text
        url = created.headers["location"]
        half = len(good) // 2
        assert (await patch(http, url, 0, bytes(bad[:half]))).status_code == 204
        refused = await patch(http, url, half, bytes(bad[half:]))
        assert refused.status_code == 460, refused.text
        body = refused.json()
        assert body["code"] == "PACKAGE_MEMBER_MISMATCH" and body["member"] == "A001_C002_001.R3D", body
        assert body["memberExpected"] == hashlib.sha256(members["A001_C002_001.R3D"]).hexdigest()
        assert "A001_C002_001.R3D" in body["message"]
        assert (await http.head(url, headers=TUS)).status_code == 404, "the refused upload is gone"

        [audit] = await rejections(db, file_id)
        assert audit.details is not None and audit.details["member"] == "A001_C002_001.R3D"
        async with db() as session:
            row = await session.get(File, int(file_id))
            assert row is not None and row.content_available is False, "nothing is kept as verified"
            assert not [r for r in row.custody if r.get("location") == "hub"], "the hub vouches for nothing refused"
            assert not (await session.scalars(select(Upload).where(Upload.file_id == int(file_id)))).all()
        store = BlobStore(settings.blob_dir)
        assert not store.exists(f"package/{sha}")

        created = await create_upload(http, file_id, len(good))
        url = created.headers["location"]
        done = await patch(http, url, 0, good)
        assert done.status_code == 204, done.text

    async with db() as session:
        row = await session.get(File, int(file_id))
        assert row is not None
        hub = [(r["action"], r["hashFormat"], r["siteId"]) for r in row.custody if r.get("location") == "hub"]
        assert hub == [("VERIFIED", "sha256", None)], "the hub verified the stream member by member: a custody record"
    stored = store.path_for(f"package/{sha}")
    assert stored.read_bytes() == good and stored.is_relative_to(settings.blob_dir / "packages")
    assert not store.exists(sha), "a package's stream never sits where a file's content would"
    await queue_to(db, file_id, "nashville")
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["nashville"]}) as http:
        listed = await http.get(f"/blobs/{file_id}/manifest")
        assert listed.status_code == 200 and listed.content == manifest(members)
        assert hashlib.sha256(listed.content).hexdigest() == sha, "the manifest checks itself"
        ranged = await http.get(f"/blobs/{file_id}", headers={"Range": "bytes=300001-", "If-Range": f'"{sha}"'})
        assert ranged.status_code == 206 and ranged.content == good[300_001:]
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["dallas"]}) as http:
        assert (await http.get(f"/blobs/{file_id}/manifest")).status_code == 403, "only its destination"


async def test_a_package_stream_verifies_across_two_hosts_with_an_s3_store(
    two_hosts: tuple[Server, Server],
    db: SessionFactory,
    keys: dict[str, str],
    seaweed: Seaweed,
    prefix: str,
) -> None:
    a, b = two_hosts
    members = clip(2, segment=3 * MIB)  # 9 MiB: parts of 5 MiB, a tail kept in the row between requests
    file_id, sha = await report_package(a, keys["tustin"], "A002_C001.RDC", members)
    good = stream(members)
    tustin = {"X-API-Key": keys["tustin"]}
    async with (
        httpx.AsyncClient(base_url=a.url, headers=tustin) as on_a,
        httpx.AsyncClient(base_url=b.url, headers=tustin) as on_b,
    ):
        bad = bytearray(good)
        bad[-10] ^= 1  # the last segment
        created = await create_upload(on_a, file_id, len(good))
        url = "/uploads/" + created.headers["location"].rsplit("/", 1)[1]
        assert (await patch(on_a, url, 0, bytes(bad[: 6 * MIB]))).status_code == 204
        refused = await patch(on_b, url, 6 * MIB, bytes(bad[6 * MIB :]))
        assert refused.status_code == 460 and refused.json()["member"] == "A002_C003_001.R3D", refused.text

        created = await create_upload(on_a, file_id, len(good))
        url = "/uploads/" + created.headers["location"].rsplit("/", 1)[1]
        assert (await patch(on_a, url, 0, good[: 6 * MIB])).status_code == 204
        last = await patch(on_b, url, 6 * MIB, good[6 * MIB :])  # the member verifier's state came in the row
        assert last.status_code == 204, last.text

    key = f"{prefix}/packages/{sha[:2]}/{sha}"
    assert bytes(seaweed.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()) == good
    async with db() as session:
        row = await session.get(File, int(file_id))
        assert row is not None and row.content_available is True
        assert [r["action"] for r in row.custody if r.get("location") == "hub"] == ["VERIFIED"]


async def send_a_bad_first_member(
    http: httpx.AsyncClient, db: SessionFactory, file_id: str, members: dict[str, bytes]
) -> tuple[httpx.Response, str]:
    """One PATCH of the whole stream whose first member is damaged: its bytes (and a few of the next member) go,
    then the sender waits until the hub has refused the upload, and only then sends the rest. A hub that judged
    the stream only after its last byte never refuses in that wait: the test fails there."""
    first = sorted(members)[0]
    good = stream(members)
    bad = bytearray(good)
    bad[len(members[first]) // 2] ^= 0x01
    created = await create_upload(http, file_id, len(good))
    assert created.status_code == 201, created.text
    url = created.headers["location"]
    cut = len(members[first]) + 10

    async def body() -> AsyncIterator[bytes]:
        yield bytes(bad[:cut])
        await eventually(lambda: rejections(db, file_id), "the hub to refuse the first member before the rest is sent")
        yield bytes(bad[cut:])

    headers = {**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    response = await http.patch(url, content=body(), headers=headers | {"Content-Length": str(len(good))})
    return response, url


def assert_refused_naming(response: httpx.Response, member: str, expected: bytes) -> None:
    assert response.status_code == 460, response.text
    body = response.json()
    assert body["code"] == "PACKAGE_MEMBER_MISMATCH" and body["member"] == member, body
    assert body["memberExpected"] == hashlib.sha256(expected).hexdigest()
    assert body["received"] is None, "no manifest hash for a stream refused before its end"


async def test_a_bad_first_member_is_refused_before_the_rest_of_the_stream_is_sent(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str]
) -> None:
    members = clip(3)
    file_id, sha = await report_package(server, keys["tustin"], "A003_C001.RDC", members)
    async with httpx.AsyncClient(base_url=server.url, headers={"X-API-Key": keys["tustin"]}) as http:
        response, url = await send_a_bad_first_member(http, db, file_id, members)
        assert_refused_naming(response, "A003_C001_001.R3D", members["A003_C001_001.R3D"])
        assert (await http.head(url, headers=TUS)).status_code == 404, "the refused upload is gone"

        [audit] = await rejections(db, file_id)
        assert audit.details is not None and audit.details["member"] == "A003_C001_001.R3D"
        store = BlobStore(settings.blob_dir)
        assert not store.partial_path(url.rsplit("/", 1)[1]).exists(), "its bytes are gone"
        assert not store.exists(f"package/{sha}")
        async with db() as session:
            assert not (await session.scalars(select(Upload).where(Upload.file_id == int(file_id)))).all()

        created = await create_upload(http, file_id, len(stream(members)))
        done = await patch(http, created.headers["location"], 0, stream(members))
        assert done.status_code == 204, "a good stream after the refusal is stored"
    assert store.path_for(f"package/{sha}").read_bytes() == stream(members)


async def test_a_bad_first_member_is_refused_before_the_rest_is_sent_with_an_s3_store(
    two_hosts: tuple[Server, Server], db: SessionFactory, keys: dict[str, str], seaweed: Seaweed, prefix: str
) -> None:
    a, _ = two_hosts
    members = clip(4, segment=3 * MIB)  # the first member ends inside the first part: judged before it is full
    file_id, _sha = await report_package(a, keys["tustin"], "A004_C001.RDC", members)
    async with httpx.AsyncClient(base_url=a.url, headers={"X-API-Key": keys["tustin"]}) as http:
        response, url = await send_a_bad_first_member(http, db, file_id, members)
        assert_refused_naming(response, "A004_C001_001.R3D", members["A004_C001_001.R3D"])
        assert (await http.head(url, headers=TUS)).status_code == 404
    [audit] = await rejections(db, file_id)
    assert audit.details is not None and audit.details["member"] == "A004_C001_001.R3D"
    assert not open_multipart_uploads(seaweed, prefix), "nothing of it is kept in the store"
