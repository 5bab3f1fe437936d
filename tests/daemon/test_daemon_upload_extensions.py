"""A file whose extension ``validateFile`` refuses is reported (people see it, and why it is refused) but its
bytes stay home: the daemon asks the orchestrator which extensions it accepts, real processes on both sides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from daemon_harness import DaemonProcess, Orchestrator, wait_until
from transfer_harness import MIB, state_rows

from tests.support import write_random

CONTENT = "query($id: ID!) { file(id: $id) { filename contentAvailable } }"


def test_a_file_validation_would_refuse_is_reported_but_not_uploaded(
    orchestrator: Orchestrator, daemon_factory: Callable[..., DaemonProcess], tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    write_random(watch / "ext" / "notes.zip", MIB)
    write_random(watch / "ext" / "C001.mov", MIB)
    source = daemon_factory("tustin", watch, orchestrator.url, state="tustin-state").start()

    files = wait_until(lambda: (f := orchestrator.files("ext/", site="tustin")) and len(f) == 2 and f, 60, what="2")
    ids = {Path(f["path"]).name: str(f["id"]) for f in files}
    [skipped] = source.wait_event("upload.skipped", timeout=60)
    [done] = source.wait_event("upload.done", timeout=60)
    assert skipped["path"] == "ext/notes.zip" and "extension .zip is not accepted" in skipped["reason"]
    assert done["path"] == "ext/C001.mov"
    assert source.events("upload.started") == [e for e in source.events("upload.started") if e["path"].endswith(".mov")]
    assert orchestrator.query(CONTENT, {"id": ids["C001.mov"]})["file"]["contentAvailable"] is True
    assert orchestrator.query(CONTENT, {"id": ids["notes.zip"]})["file"]["contentAvailable"] is False
    rows = dict(state_rows(source.state_dir, "SELECT file_id, status FROM uploads"))
    assert rows == {ids["notes.zip"]: "skipped", ids["C001.mov"]: "done"}
    assert source.stop() == 0
