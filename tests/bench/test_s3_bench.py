"""1 GiB through an orchestrator whose store is S3 (SeaweedFS on loopback), beside boto3's ``upload_file`` and
``download_file`` against the same SeaweedFS in the same run (``make bench``; goal ≥ 0.8 times each way).

Up: the daemon's uploader (``TusClient.send``) → the hub (tus, hashed, cut into parts) → the store; boto3's managed
multipart upload straight to the store. Down: the agent's ``BlobDownloader`` (redirect to a presigned URL, then
hashing and writing to disk) against boto3's ``download_file`` to disk. ``CR_BENCH_S3_MIB`` shrinks the file for
a quick look. Best of two runs each.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.bench.test_transfer_bench import ADMIN_PASSWORD, KEY, ROOT, TUS, bench, free_port, gql
from tests.transfers.seaweed import ACCESS_KEY, REGION, SECRET_KEY, Seaweed, seaweed

__all__ = ["seaweed"]
pytestmark = pytest.mark.bench

SIZE = int(os.environ.get("CR_BENCH_S3_MIB", "1024")) * 1024 * 1024
BUCKET = "colorroute-bench"
RUNS = 2


@pytest.fixture(scope="module")
def s3_orchestrator(seaweed: Seaweed) -> Iterator[str]:
    data = Path(tempfile.mkdtemp(prefix="crs3b-", dir="/tmp"))
    port = free_port()
    env = {
        **os.environ,
        "COLORROUTE_DATA_DIR": str(data / "d"),
        "DAEMON_API_KEY": KEY,
        "COLORROUTE_LOG_LEVEL": "WARNING",
        "COLORROUTE_BLOB_STORE": f"s3://{BUCKET}/bench-{uuid.uuid4().hex[:8]}",
        "AWS_ENDPOINT_URL": seaweed.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
    }
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-c", "from app.cli import main; main()"]
    log = (data / "serve.log").open("wb")
    proc = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (data / "serve.log").read_text()[-3000:]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, "orchestrator not ready"
            time.sleep(0.3)
        subprocess.run(
            [*cli, "create-user", "bench-admin", "--role", "admin", "--password-stdin"],
            cwd=ROOT, env=env, input=ADMIN_PASSWORD, text=True, check=True, capture_output=True,
        )  # fmt: skip
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def big_file() -> Iterator[tuple[Path, list[str]]]:
    """One file per run (different bytes: the store keeps one copy of identical content)."""
    folder = Path(tempfile.mkdtemp(prefix="crs3b-file-", dir="/tmp"))
    block = bytearray(os.urandom(8 * 1024 * 1024))
    path = folder / "big.mov"
    with path.open("wb") as f:
        for i in range(SIZE // len(block)):
            block[:16] = hashlib.md5(i.to_bytes(4, "big")).digest()
            f.write(block)
    shas = []
    for run in range(RUNS):  # each run rewrites the first 8 bytes: new content, same cost
        with path.open("r+b") as f:
            f.write(run.to_bytes(8, "big"))
        shas.append(hashlib.file_digest(path.open("rb"), "sha256").hexdigest())
    yield path, shas
    shutil.rmtree(folder, ignore_errors=True)


def new_upload(url: str, file_id: str) -> str:
    meta = "fileId " + base64.b64encode(file_id.encode()).decode()
    headers = {**TUS, "X-API-Key": KEY, "Upload-Length": str(SIZE), "Upload-Metadata": meta}
    r = httpx.post(f"{url}/uploads/", headers=headers)
    assert r.status_code == 201, r.text
    return url + r.headers["Location"]


def report_and_queue(url: str, name: str, sha: str) -> str:
    with httpx.Client(headers={"X-API-Key": KEY}) as daemon:
        data = gql(
            daemon, url, "mutation($i: ReportFileInput!){ reportFile(input: $i){ id } }",
            {"i": {"site": "tustin", "path": f"bench/{name}", "sizeBytes": SIZE, "sha256": sha}},
        )  # fmt: skip
    file_id = str(data["reportFile"]["id"])  # type: ignore[index]
    with httpx.Client() as admin:
        gql(admin, url, "mutation($u: String!, $p: String!){ login(username: $u, password: $p){ id } }",
            {"u": "bench-admin", "p": ADMIN_PASSWORD})  # fmt: skip
        gql(admin, url, "mutation($id: ID!){ validateFile(id: $id){ id } }", {"id": file_id})
        gql(admin, url, 'mutation($id: ID!){ queueFile(id: $id, destinationSite: "nashville"){ id } }', {"id": file_id})
    return file_id


@pytest.mark.timeout(1800)
def test_one_gib_through_the_s3_store_vs_boto3(
    s3_orchestrator: str, seaweed: Seaweed, big_file: tuple[Path, list[str]], tmp_path: Path
) -> None:
    import boto3
    from boto3.s3.transfer import TransferConfig

    from daemon.downloader import BlobDownloader
    from daemon.uploader import TusClient

    url = s3_orchestrator
    path, shas = big_file
    s3 = boto3.client(
        "s3", endpoint_url=seaweed.endpoint, region_name=REGION,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
    )  # fmt: skip
    with contextlib.suppress(Exception):
        s3.create_bucket(Bucket=BUCKET)
    boto_config = TransferConfig(multipart_chunksize=16 * 1024 * 1024)
    times: dict[str, list[float]] = {"ours_up": [], "boto3_up": [], "ours_down": [], "boto3_down": []}
    for run in range(RUNS):
        with path.open("r+b") as f:
            f.write(run.to_bytes(8, "big"))
        file_id = report_and_queue(url, f"big-{run}.mov", shas[run])
        upload_url = new_upload(url, file_id)

        async def up(upload_url: str = upload_url) -> None:
            async with httpx.AsyncClient(headers={"X-API-Key": KEY}, timeout=600) as http:
                sent = await TusClient(http, url).send(upload_url, path, 0, SIZE)
            assert sent.offset == SIZE

        t0 = time.perf_counter()
        asyncio.run(up())
        times["ours_up"].append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        s3.upload_file(str(path), BUCKET, f"boto3/{run}", Config=boto_config)
        times["boto3_up"].append(time.perf_counter() - t0)

        target = tmp_path / f"ours-{run}"
        t0 = time.perf_counter()
        fetched = asyncio.run(BlobDownloader(url, KEY).fetch(file_id, target, SIZE, shas[run]))
        times["ours_down"].append(time.perf_counter() - t0)
        assert fetched.sha256 == shas[run]
        target.unlink()

        target = tmp_path / f"boto3-{run}"
        t0 = time.perf_counter()
        s3.download_file(BUCKET, f"boto3/{run}", str(target), Config=boto_config)
        times["boto3_down"].append(time.perf_counter() - t0)
        target.unlink()

    def mb_s(seconds: float) -> float:
        return SIZE / seconds / 1e6

    mib = SIZE // (1024 * 1024)
    for direction in ("up", "down"):
        ours, base = mb_s(min(times[f"ours_{direction}"])), mb_s(min(times[f"boto3_{direction}"]))
        runs = ",".join(f"{mb_s(s):.0f}" for s in times[f"ours_{direction}"])
        bench(f"s3_{direction}load_{mib}mib_hub", ours, "MB/s", baseline=f"boto3:{base:.1f}",
              ratio=f"{ours / base:.2f}", goal=">=0.8", runs=runs)  # fmt: skip
