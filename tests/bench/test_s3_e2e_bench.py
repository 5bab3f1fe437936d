"""End to end through the S3 store: a file landing in Tustin's watch folder to verified in Nashville's incoming
folder, with an auto-routing rule (validate + queue to Nashville) — two real daemons, an orchestrator whose store
is SeaweedFS — beside ``curl`` uploading the same bytes to the same store and downloading them back (presigned
PUT and GET, in the same run). Goal: at most 1.5 times curl's up + down (``make bench``).

The store speaks plain http by default. ``CR_BENCH_E2E_TLS=1`` serves it over https instead, as production
endpoints do, with a self-signed certificate that the orchestrator (``AWS_CA_BUNDLE``), the daemons
(``SSL_CERT_FILE``) and curl (``--cacert``) trust. Both sides then pay for TLS; on this machine curl's TLS upload
costs it ~8 s of CPU per GiB (measured with ``/usr/bin/time``), which makes that baseline the easier one to beat.

``CR_BENCH_E2E_MIB`` sets the size (default 4096). The row carries the phases from the daemons' own event times
(land → settled → hashed → reported → uploaded → verified at Nashville), so a regression shows where it is;
``CR_BENCH_KEEP=1`` keeps the work folder (the daemons' logs) for a closer look.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))
from daemon_harness import DaemonProcess, Orchestrator, free_port, orchestrator_on, wait_until
from transfer_harness import Operator

from tests.bench.bench_support import bench
from tests.transfers.seaweed import ACCESS_KEY, REGION, SECRET_KEY, Seaweed, running_seaweed

pytestmark = pytest.mark.bench

SIZE = int(os.environ.get("CR_BENCH_E2E_MIB", "4096")) * 1024 * 1024
BUCKET = "colorroute-bench"
RULE = "bench-e2e-mov-to-nashville"
TLS = os.environ.get("CR_BENCH_E2E_TLS", "0") == "1"


@pytest.fixture(scope="module")
def seaweed() -> Iterator[Seaweed]:
    with running_seaweed(tls=TLS) as server:
        yield server


@pytest.fixture
def s3_orchestrator(seaweed: Seaweed, monkeypatch: pytest.MonkeyPatch) -> Iterator[Orchestrator]:
    for name, value in {
        "COLORROUTE_BLOB_STORE": f"s3://{BUCKET}/e2e-{uuid.uuid4().hex[:8]}",
        "AWS_ENDPOINT_URL": seaweed.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
        "COLORROUTE_LOG_LEVEL": "WARNING",
        # Trust the store's self-signed certificate: botocore in the hub, ``ssl`` in the daemons' agents.
        **({"AWS_CA_BUNDLE": str(seaweed.ca_file), "SSL_CERT_FILE": str(seaweed.ca_file)} if seaweed.ca_file else {}),
    }.items():
        monkeypatch.setenv(name, value)  # the orchestrator process inherits the environment
    with orchestrator_on(free_port()) as orch:
        yield orch


@pytest.fixture
def work() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="crb-e2e-", dir="/tmp"))
    yield folder
    if os.environ.get("CR_BENCH_KEEP") != "1":  # keep the daemons' logs to read the events afterwards
        shutil.rmtree(folder, ignore_errors=True)


def write_file(path: Path, size: int) -> str:
    """Random-looking bytes, cheaply (8 MiB of urandom, a counter stamped per block); their SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    block = bytearray(os.urandom(8 * 1024 * 1024))
    digest = hashlib.sha256()
    with path.open("wb") as f:
        left = size
        i = 0
        while left:
            block[:16] = hashlib.md5(i.to_bytes(8, "big") + path.name.encode()).digest()
            piece = memoryview(block)[: min(left, len(block))]
            f.write(piece)
            digest.update(piece)
            left -= len(piece)
            i += 1
        f.flush()
        os.fsync(f.fileno())
    return digest.hexdigest()


def cpu_tree(pid: int) -> float:
    """utime + stime of a process and its live descendants (the orchestrator's embedded PostgreSQL), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                continue
    tree, total = [pid], 0.0
    while tree:
        current = tree.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        tree.extend(child for child, parent in parents.items() if parent == current)
    return total


def children_cpu() -> float:
    """CPU seconds of this process's waited-for children (the curl runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def curl(seaweed: Seaweed, *args: str) -> float:
    t0 = time.perf_counter()
    trust = ["--cacert", str(seaweed.ca_file)] if seaweed.ca_file else []
    out = subprocess.run(["curl", "-sS", "-f", *trust, *args], capture_output=True, text=True, timeout=3600)
    assert out.returncode == 0, out.stderr
    return time.perf_counter() - t0


def curl_up_and_down(seaweed: Seaweed, source: Path, target: Path) -> tuple[float, float]:
    """The same bytes up to the store and back with curl (presigned URLs, one PUT and one GET)."""
    s3 = seaweed.client()
    key = f"curl/{uuid.uuid4().hex}"
    put = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=3600)
    get = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=3600)
    up = curl(seaweed, "-T", str(source), "-o", "/dev/null", put)
    down = curl(seaweed, "-o", str(target), get)
    assert target.stat().st_size == source.stat().st_size
    s3.delete_object(Bucket=BUCKET, Key=key)
    return up, down


def event_time(daemon: DaemonProcess, name: str, **match: object) -> float:
    found = [e for e in daemon.events(name) if all(str(e.get(k)) == str(v) for k, v in match.items())]
    assert found, f"no {name} {match} in {daemon.log_path}"
    return float(found[-1]["t"])


@pytest.mark.timeout(3600)
def test_a_file_landing_at_tustin_to_verified_at_nashville_through_s3_vs_curl(
    s3_orchestrator: Orchestrator, seaweed: Seaweed, work: Path
) -> None:
    orch = s3_orchestrator
    with_bucket = seaweed.client()
    try:
        with_bucket.create_bucket(Bucket=BUCKET)
    except with_bucket.exceptions.BucketAlreadyOwnedByYou:
        pass
    except Exception as exc:  # SeaweedFS answers BucketAlreadyExists
        assert "BucketAlreadyExists" in str(exc), exc
    operator = Operator.create(orch)
    rule = operator.gql(
        "mutation($i: RoutingRuleInput!){ createRoutingRule(input:$i){ id } }",
        {"i": {"name": RULE, "priority": 1, "sourceSite": "tustin", "pattern": "e2e-*.mov",
               "destinationSite": "nashville", "autoValidate": True, "autoQueue": True}},
    )["createRoutingRule"]["id"]  # fmt: skip
    watch, agent_watch, incoming, staging = (work / n for n in ("watch", "nash-watch", "incoming", "staging"))
    for folder in (watch, agent_watch, staging):
        folder.mkdir()
    source = DaemonProcess("tustin", watch, work / "tustin-state", orch.url, work / "tustin.log")
    agent = DaemonProcess(
        "nashville", agent_watch, work / "nashville-state", orch.url, work / "nashville.log",
        extra=["--incoming", str(incoming)],
    )  # fmt: skip
    try:
        source.start()
        agent.start()
        source.wait_event("heartbeat.ok", 60)
        agent.wait_event("heartbeat.ok", 60)

        # The curl baseline first, on the same bytes (its own copy: the store keeps one copy of equal content).
        name = f"e2e-{uuid.uuid4().hex[:8]}.mov"
        staged = staging / name
        digest = write_file(staged, SIZE)
        curl_cpu = cpu_tree(seaweed.process.pid) + children_cpu()
        curl_up, curl_down = curl_up_and_down(seaweed, staged, work / "curl-down")
        curl_cpu = cpu_tree(seaweed.process.pid) + children_cpu() - curl_cpu
        (work / "curl-down").unlink()

        # Landing: one rename into the watch folder (a copy finishing), then until the agent renamed the verified
        # file into Nashville's incoming folder.
        (watch / "bench").mkdir()
        assert orch.proc is not None and source.proc is not None and agent.proc is not None
        pids = {"weed": seaweed.process.pid, "hub": orch.proc.pid}  # the hub's tree holds its PostgreSQL
        pids |= {"tustin": source.proc.pid, "nashville": agent.proc.pid}
        cpu = {who: -cpu_tree(pid) for who, pid in pids.items()}
        landed_wall = time.time()
        t0 = time.perf_counter()
        os.rename(staged, watch / "bench" / name)
        arrived = incoming / "bench" / name
        wait_until(arrived.exists, 3000, interval=0.05, what=f"{arrived}")
        elapsed = time.perf_counter() - t0
        assert source.proc is not None and source.proc.poll() is None
        verified = wait_until(  # logged once the hub has the completion, just after the rename
            lambda: next((e["t"] for e in agent.events("transfer.completed") if e.get("sha256") == digest), None),
            120,
            what="transfer.completed",
        )
        cpu = {who: cpu[who] + cpu_tree(pid) for who, pid in pids.items()}
        ready = event_time(source, "file.ready")
        hashed = event_time(source, "file.hashed")
        reported = event_time(source, "file.reported")
        uploaded = event_time(source, "upload.done")
        fetching = event_time(agent, "transfer.download_started")
    finally:
        operator.gql("mutation($id:ID!){ deleteRoutingRule(id:$id) }", {"id": rule})
        operator.close()
        source.stop()
        agent.stop()

    mib = SIZE // (1024 * 1024)
    baseline = curl_up + curl_down
    phases = (
        f"settle:{ready - landed_wall:.2f}s,hash:{hashed - ready:.2f}s,report:{reported - hashed:.2f}s,"
        f"upload:{uploaded - reported:.2f}s,to_agent:{fetching - uploaded:.2f}s,"
        f"download+verify+complete:{verified - fetching:.2f}s"
    )
    bench(
        f"s3_e2e_{mib}mib_tustin_to_nashville", elapsed, "s",
        baseline=f"curl_up+down:{baseline:.2f}s", ratio=f"{elapsed / baseline:.2f}", goal="<=1.5",
        curl=f"up:{curl_up:.2f}s,down:{curl_down:.2f}s", phases=phases,
        mb_s=f"{SIZE / elapsed / 1e6:.0f}", store="https" if TLS else "http",
        # Both legs are CPU-bound on a small machine that also runs the store: the CPU-seconds each side needs
        # (the store's included) say how far scheduling alone could take the ratio.
        cpu_s=",".join(f"{who}:{seconds:.1f}" for who, seconds in cpu.items()),
        curl_cpu_s=f"{curl_cpu:.1f}", cpu_ratio=f"{sum(cpu.values()) / curl_cpu:.2f}",
    )  # fmt: skip
