"""Issue 16 through real processes: the daemon probes what lands (ProRes 4444 at 23.976 from 01:00:10:00, H.264
720p25, a DPX frame with header timecode, a truncated clip, a sound-only file, a text file), the file is reported
first and its media info follows, the API shows it, and a routing rule on codec acts once the codec is known."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from daemon_harness import DaemonProcess, Orchestrator, wait_until
from transfer_harness import Operator

from tests.media_clips import audio_only, bcd_timecode, h264_720p25, prores_4444, write_dpx

DaemonFactory = Callable[..., DaemonProcess]
MEDIA_QUERY = """
query($s: String){ files(first: 100, filter: {search: $s}){ edges { node { id path state
  destinationSite { code }
  media { container codec profile width height frameRate frameRateExact durationSeconds frameCount
          startTimecode bitDepth audioChannels partial probeError } } } } }
"""


@pytest.fixture(scope="module")
def operator(orchestrator: Orchestrator) -> Iterator[Operator]:
    op = Operator.create(orchestrator)
    yield op
    op.close()


def _files(orch: Orchestrator, prefix: str) -> dict[str, dict[str, Any]]:
    edges = orch.query(MEDIA_QUERY, {"s": prefix})["files"]["edges"]
    return {e["node"]["path"]: e["node"] for e in edges if e["node"]["path"].startswith(prefix)}


def test_clips_probed_at_the_source_and_routed_on_codec(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    rule = operator.gql(
        "mutation($i: RoutingRuleInput!){ createRoutingRule(input:$i){ id } }",
        {
            "i": {
                "name": "media-test-prores-to-nashville",
                "priority": 1,
                "sourceSite": "tustin",
                "pattern": "mt/*",
                "codecs": ["prores"],
                "destinationSite": "nashville",
                "autoValidate": True,
                "autoQueue": True,
            }
        },
    )["createRoutingRule"]["id"]
    watch = tmp_path / "watch"
    watch.mkdir()
    daemon = daemon_factory("tustin", watch, orchestrator.url, state="media-tustin").start()
    try:
        daemon.wait_event("heartbeat.ok")
        prores_4444(watch / "mt" / "A001C003.mov")
        h264_720p25(watch / "mt" / "ref.mp4")
        write_dpx(watch / "mt" / "seq" / "A001.0086400.dpx", timecode=bcd_timecode(1, 0, 10, 0), tv_rate=24.0)
        full = prores_4444(tmp_path / "full.mov").read_bytes()
        (watch / "mt" / "cut.mov").write_bytes(full[: len(full) // 2])
        audio_only(watch / "mt" / "sound.mov")
        (watch / "mt" / "notes.txt").write_text("scene 1, take 3")
        media_paths = ["mt/A001C003.mov", "mt/ref.mp4", "mt/seq/A001.0086400.dpx", "mt/cut.mov", "mt/sound.mov"]
        files = wait_until(
            lambda: (
                (got := _files(orchestrator, "mt/"))
                and all(got.get(p, {}).get("media") for p in media_paths)
                and "mt/notes.txt" in got
                and got
            ),
            120,
            what="media info for every clip",
        )
        prores = wait_until(
            lambda: (f := _files(orchestrator, "mt/A001C003.mov")["mt/A001C003.mov"])["state"] == "QUEUED" and f,
            60,
            what="the ProRes clip routed on its codec",
        )
        alive = daemon.proc is not None and daemon.proc.poll() is None
    finally:
        operator.gql("mutation($id:ID!){ deleteRoutingRule(id:$id) }", {"id": rule})
        daemon.stop()
        # The clip routed to Nashville must not wait in QUEUED for the next test's Nashville agent (the daemon tests
        # share one orchestrator): it would collect it and count one transfer too many.
        routed = _files(orchestrator, "mt/A001C003.mov").get("mt/A001C003.mov")
        if routed is not None and routed["state"] == "QUEUED":
            operator.gql(
                "mutation($id:ID!,$r:String!){ rejectFile(id:$id, reason:$r){ id } }",
                {"id": routed["id"], "r": "test over: not for the next test's agent"},
            )

    assert alive
    m = prores["media"]
    assert (m["container"], m["codec"], m["profile"], m["width"], m["height"]) == ("mov", "prores", "4444", 1920, 1080)
    assert m["frameRateExact"] == "24000/1001" and abs(m["frameRate"] - 23.976) < 1e-3
    assert m["startTimecode"] == "01:00:10:00" and m["frameCount"] == 3 and m["audioChannels"] == 2
    assert m["probeError"] is None and m["partial"] is False
    assert prores["destinationSite"] == {"code": "nashville"}

    ref = files["mt/ref.mp4"]
    assert (ref["media"]["codec"], ref["media"]["width"], ref["media"]["height"]) == ("h264", 1280, 720)
    assert ref["media"]["frameRate"] == 25.0 and ref["media"]["frameRateExact"] == "25/1"
    assert ref["state"] == "DETECTED"  # the rule is for ProRes only; nothing else routes it

    dpx = files["mt/seq/A001.0086400.dpx"]["media"]
    assert (dpx["codec"], dpx["width"], dpx["height"], dpx["bitDepth"]) == ("dpx", 4096, 2160, 10)
    assert dpx["startTimecode"] == "01:00:10:00" and dpx["frameRate"] == 24.0

    cut = files["mt/cut.mov"]
    assert cut["media"]["codec"] is None and "not a readable media file" in cut["media"]["probeError"]
    assert cut["state"] == "DETECTED"
    assert files["mt/sound.mov"]["media"]["probeError"] == "no video stream"
    assert files["mt/notes.txt"]["media"] is None
    assert not [e for e in daemon.events("media.probed") if e["path"] == "mt/notes.txt"]

    # The report never waits for the probe: each file was reported before its media info was sent.
    log = daemon.events()
    for path in media_paths:
        reported = next(i for i, e in enumerate(log) if e.get("event") == "file.reported" and e["path"] == path)
        sent = next(i for i, e in enumerate(log) if e.get("event") == "media.reported" and e["path"] == path)
        assert reported < sent, path


def test_a_probe_past_its_deadline_is_a_probe_error_and_the_daemon_goes_on(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    """A deadline no worker can meet (it cannot even start in 1 ms): every probe is cut off, reported as such,
    and the files themselves are reported all the same."""
    watch = tmp_path / "watch"
    watch.mkdir()
    daemon = daemon_factory(
        "tustin", watch, orchestrator.url, "--probe-timeout", "0.001", state="media-deadline"
    ).start()
    try:
        daemon.wait_event("heartbeat.ok")
        h264_720p25(watch / "dl" / "one.mov")
        h264_720p25(watch / "dl" / "two.mov")
        files = wait_until(
            lambda: (
                (got := _files(orchestrator, "dl/")) and len(got) == 2 and all(f["media"] for f in got.values()) and got
            ),
            90,
            what="both files reported with a probe error",
        )
        alive = daemon.proc is not None and daemon.proc.poll() is None
    finally:
        code = daemon.stop()
    assert alive and code == 0
    for f in files.values():
        assert f["media"]["probeError"] == "probe timed out after 0.001 s" and f["media"]["codec"] is None
    assert len(daemon.events("media.probe_timeout")) == 2
