"""Two real daemons move a file Tustin → Nashville through an orchestrator whose store is S3 (a real SeaweedFS):
the Tustin daemon's tus upload becomes a multipart upload, the Nashville agent follows the hub's redirect to a
presigned URL, and the file arrives verified; the orchestrator's disk holds none of it. Over plain http, and over
https with a certificate the hub (``AWS_CA_BUNDLE``) and the agent (``SSL_CERT_FILE``) trust, as production
endpoints are."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from daemon_harness import DaemonProcess, Orchestrator, free_port, orchestrator_on, wait_until
from transfer_harness import MIB, Operator, blob_path

from tests.support import sha256_of, write_random
from tests.transfers.seaweed import ACCESS_KEY, REGION, SECRET_KEY, Seaweed, running_seaweed, seaweed

__all__ = ["seaweed"]  # the session fixture, imported so pytest finds it here

BUCKET = "colorroute-tests"


@pytest.fixture(scope="module")
def seaweed_https() -> Iterator[Seaweed]:
    with running_seaweed(tls=True) as server:
        yield server


@pytest.fixture(params=["http", "https"])
def store(request: pytest.FixtureRequest) -> Seaweed:
    return request.getfixturevalue("seaweed" if request.param == "http" else "seaweed_https")  # type: ignore[no-any-return]


@pytest.fixture
def s3_orchestrator(store: Seaweed, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Orchestrator, str]]:
    prefix = f"daemons-{uuid.uuid4().hex[:10]}"
    trust = {"AWS_CA_BUNDLE": str(store.ca_file), "SSL_CERT_FILE": str(store.ca_file)} if store.ca_file else {}
    for name, value in {
        "COLORROUTE_BLOB_STORE": f"s3://{BUCKET}/{prefix}",
        "AWS_ENDPOINT_URL": store.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
        "COLORROUTE_S3_PART_BYTES": str(5 * MIB),
        **trust,
    }.items():
        monkeypatch.setenv(name, value)  # the orchestrator and the daemons inherit the environment
    with orchestrator_on(free_port()) as orch:
        yield orch, prefix


def test_two_daemons_move_a_file_tustin_to_nashville_through_the_s3_store(
    s3_orchestrator: tuple[Orchestrator, str],
    daemon_factory: Callable[..., DaemonProcess],
    tmp_path: Path,
    store: Seaweed,
) -> None:
    orch, prefix = s3_orchestrator
    operator = Operator.create(orch)
    try:
        watch = tmp_path / "watch"
        watch.mkdir()
        incoming = tmp_path / "incoming"
        (tmp_path / "nashville-watch").mkdir()
        source = daemon_factory("tustin", watch, orch.url, state="tustin-state").start()
        agent = daemon_factory(
            "nashville", tmp_path / "nashville-watch", orch.url, "--incoming", str(incoming), state="nashville-state"
        ).start()
        digest = write_random(watch / "s3" / "A001.MOV", 13 * MIB + 5)
        files = wait_until(lambda: orch.files("s3/", site="tustin"), 60, what="the report")
        file_id = str(files[0]["id"])
        operator.queue(file_id)
        wait_until(lambda: operator.file(file_id)["state"] == "TRANSFERRED", 120, what="TRANSFERRED")

        assert sha256_of(incoming / "s3" / "A001.MOV") == digest
        [done] = agent.events("transfer.completed")
        assert done["sha256"] == digest
        key = f"{prefix}/sha256/{digest[:2]}/{digest}"
        assert store.client().head_object(Bucket=BUCKET, Key=key)["ContentLength"] == 13 * MIB + 5
        assert not blob_path(orch, digest).exists()
        assert not (orch.data_dir / "blobs" / "partial").exists() or not any(
            (orch.data_dir / "blobs" / "partial").iterdir()
        )
        assert source.stop() == 0 and agent.stop() == 0
    finally:
        operator.close()
