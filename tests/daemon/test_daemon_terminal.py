"""What an operator sees: the daemon run in a real terminal (tmux), its screen read back. A growing file is
waited on, then settles; its upload shows a progress bar; an unreachable orchestrator gets retry notices with
the next attempt's time."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemon_harness import API_KEY, Orchestrator, free_port, wait_until

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux missing: apt-get install tmux")


class Terminal:
    """One tmux server of our own (its own socket), one 200x50 window running the daemon."""

    def __init__(self, tmp_path: Path) -> None:
        self.socket = f"crs-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> None:
        pythonpath = shlex.quote(os.environ.get("PYTHONPATH", ""))
        env = f"DAEMON_API_KEY={shlex.quote(API_KEY)} PYTHONPATH={pythonpath} COLUMNS=200 LINES=50"
        command = f"env {env} {shlex.quote(sys.executable)} -m daemon {shlex.join(args)}; sleep 600"
        subprocess.run(
            ["tmux", "-L", self.socket, "new-session", "-d", "-s", "d", "-x", "200", "-y", "50", command],
            check=True,
            timeout=30,
        )

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, "capture-pane", "-p", "-t", "d"], capture_output=True, text=True, timeout=30
        )
        return out.stdout

    def wait_for(self, *texts: str, timeout: float = 60) -> str:
        try:
            return str(wait_until(lambda: (s := self.screen()) and all(t in s for t in texts) and s, timeout))
        except AssertionError:
            raise AssertionError(f"{texts} not on screen after {timeout}s:\n{self.screen()}") from None

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    t = Terminal(tmp_path)
    yield t
    t.close()


def test_a_growing_file_settles_and_its_upload_shows_progress(
    orchestrator: Orchestrator, terminal: Terminal, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    (watch / "term").mkdir(parents=True)
    terminal.run(
        "--site", "tustin", "--watch", str(watch), "--state-dir", str(tmp_path / "state"),
        "--orchestrator", orchestrator.url, "--settle-seconds", "1.5", "--transfer-rate-limit", "4",
    )  # fmt: skip
    terminal.wait_for("daemon.started")
    clip = watch / "term" / "T001.mov"
    chunk = os.urandom(512 * 1024)
    with clip.open("ab") as f:  # written while the daemon watches, until it says it is waiting on it
        deadline = time.monotonic() + 60
        while "file.growing" not in terminal.screen():
            assert time.monotonic() < deadline, terminal.screen()
            f.write(chunk)
            f.flush()
            time.sleep(0.2)
        while clip.stat().st_size < 24 * 1024 * 1024:
            f.write(chunk)
    screen = terminal.wait_for("file.ready", "term/T001.mov")
    assert "file.growing path=term/T001.mov" in screen
    # 4 MB/s, the bar moving per 8 MiB block sent: its bytes of the total, the speed and the time left.
    moving = re.compile(r"^upload T001\.mov ━.* (\d+\.\d)/25\.2 MB +\d+(\.\d+)? [kM]B/s +\d+:\d\d:\d\d", re.M)
    seen = wait_until(lambda: moving.search(terminal.screen()), 60, interval=0.1, what="a moving upload bar")
    assert 0 < float(seen.group(1)) < 25.2, seen.group(0)
    screen = terminal.wait_for("upload.done", timeout=90)
    assert "upload T001.mov" not in screen  # the bar goes once done
    assert "HTTP Request" not in screen  # httpx's request lines only at --log-level debug


def test_an_unreachable_orchestrator_gets_retry_notices_with_the_next_attempts_time(
    terminal: Terminal, tmp_path: Path
) -> None:
    (tmp_path / "watch").mkdir()
    terminal.run(
        "--site", "tustin", "--watch", str(tmp_path / "watch"), "--state-dir", str(tmp_path / "state"),
        "--orchestrator", f"http://127.0.0.1:{free_port()}",
    )  # fmt: skip
    screen = terminal.wait_for("orchestrator.connect_failed", "next_attempt_at=")
    wait_until(lambda: terminal.screen().count("orchestrator.connect_failed") >= 2, 60, what="a second notice")
    assert "retry_in=" in screen
