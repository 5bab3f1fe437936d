"""``colorroute serve`` stops the embedded PostgreSQL it started when it is stopped — by SIGTERM (``kill``,
systemd) as by Ctrl-C — unless another of our processes still uses that server; and a server left behind by a
process that could not clean up (SIGKILL) is stopped by the next one that ends.

Real ``colorroute serve`` processes on their own short /tmp data dir (unix-socket path limits) and free ports;
the PostgreSQL processes are found by their data directory, as an operator would with ``ps``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest

from tests.daemon.daemon_harness import wait_until
from tests.support import free_port

pytestmark = pytest.mark.slow

VENV_BIN = Path(sys.executable).parent


def alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def postgres_of(pgdata: Path) -> list[psutil.Process]:
    """The postmaster serving ``pgdata`` (its command line names the directory) and its children."""
    found: list[psutil.Process] = []
    for p in psutil.process_iter(["name", "cmdline"]):
        if p.info["name"] == "postgres" and str(pgdata) in (p.info["cmdline"] or []):
            found.append(p)
            with contextlib.suppress(psutil.NoSuchProcess):
                found += p.children(recursive=True)
    return [p for p in found if alive(p)]


@dataclass
class Serve:
    """``colorroute serve`` with the embedded database in ``data_dir`` (no DATABASE_URL)."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        path = self.data_dir / f"serve-{self.port}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def ready(self) -> bool:
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200
        return False

    def start(self, timeout: float = 180) -> Serve:
        env = {
            **os.environ,
            "COLORROUTE_DATA_DIR": str(self.data_dir),
            "COLORROUTE_LOG_LEVEL": "WARNING",
            "COLORROUTE_PASSWORD_ROUNDS": "4",
            "COLORROUTE_FRONTEND_DIST": str(self.data_dir / "no-ui"),
        }
        env.pop("DATABASE_URL", None)
        with open(self.data_dir / f"serve-{self.port}.log", "ab") as log:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "colorroute"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"colorroute serve exited early:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"colorroute serve not ready after {timeout}s:\n{self.log()}")
            time.sleep(0.2)
        return self

    def stop(self, sig: signal.Signals, timeout: float = 90) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"colorroute serve still running {timeout}s after {sig.name}:\n{self.log()}") from None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="crs-", dir="/tmp"))
    yield root
    # Never leave a server behind, whatever the test did: stop the postmaster as pg_ctl's fast mode does.
    for p in postgres_of((root / "pgdata").resolve()):
        with contextlib.suppress(psutil.NoSuchProcess):
            if str(root) in " ".join(p.cmdline()):
                p.send_signal(signal.SIGINT)
    wait_until(lambda: not postgres_of((root / "pgdata").resolve()), 60, what="leftover postgres to stop")
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_serve_stops_the_embedded_postgres_it_started(data_dir: Path, sig: signal.Signals) -> None:
    pgdata = (data_dir / "pgdata").resolve()
    serve = Serve(data_dir)
    try:
        serve.start()
        assert postgres_of(pgdata), "the embedded server should be running"
        code = serve.stop(sig)
        wait_until(lambda: not postgres_of(pgdata), 60, what=f"postgres of {pgdata} to stop")
        if sig == signal.SIGTERM:
            assert code == -signal.SIGTERM, "still ends as killed by SIGTERM (a clean stop for systemd)"
    finally:
        serve.kill()


def test_the_database_stays_up_while_another_serve_uses_it_and_stops_with_the_last(data_dir: Path) -> None:
    pgdata = (data_dir / "pgdata").resolve()
    first, second = Serve(data_dir), Serve(data_dir)
    try:
        first.start()
        second.start()
        postmaster = {p.pid for p in postgres_of(pgdata) if str(pgdata) in p.cmdline()}
        assert len(postmaster) == 1, "the second serve joins the running server"

        first.stop(signal.SIGTERM)  # its exit (and its cleanup) is complete when wait() returns
        assert {p.pid for p in postgres_of(pgdata)} >= postmaster
        assert second.ready(), "the other serve still has its database"

        second.stop(signal.SIGTERM)
        wait_until(lambda: not postgres_of(pgdata), 60, what=f"postgres of {pgdata} to stop")
    finally:
        first.kill()
        second.kill()


def test_a_server_left_by_a_killed_serve_is_stopped_by_the_next_one(data_dir: Path) -> None:
    pgdata = (data_dir / "pgdata").resolve()
    first, second = Serve(data_dir), Serve(data_dir)
    try:
        first.start()
        first.kill()  # SIGKILL: no cleanup runs, the database keeps running and the dead pid stays registered
        assert postgres_of(pgdata)
        second.start()
        second.stop(signal.SIGTERM)
        wait_until(lambda: not postgres_of(pgdata), 60, what=f"postgres of {pgdata} to stop")
    finally:
        first.kill()
        second.kill()
