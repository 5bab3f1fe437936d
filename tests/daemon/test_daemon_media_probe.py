"""The probe's parts on real files: PyAV on clips made here, the DPX/EXR header parsers on bytes written here,
the absurd-value check, and the worker pool's deadline against a worker that really hangs or dies."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from daemon.imageheaders import HeaderError, parse_dpx, parse_exr, smpte_timecode
from daemon.mediainfo import MediaInfo, plausible
from daemon.probe import probe_file
from daemon.probeworker import ProbePool
from tests.media_clips import (
    audio_only,
    bcd_timecode,
    dpx_header,
    exr_header,
    h264_720p25,
    prores_4444,
    write_dpx,
)


def test_prores_4444_clip(tmp_path: Path) -> None:
    info = probe_file(str(prores_4444(tmp_path / "A001C003.mov")))
    assert info is not None and info.probe_error is None
    assert (info.container, info.codec, info.profile) == ("mov", "prores", "4444")
    assert (info.width, info.height) == (1920, 1080)
    assert info.frame_rate_exact == "24000/1001" and info.frame_rate == pytest.approx(23.976, abs=1e-3)
    assert info.frame_count == 3 and info.duration_seconds == pytest.approx(3 * 1001 / 24000, abs=2e-3)
    assert info.start_timecode == "01:00:10:00"
    assert info.audio_channels == 2 and info.bit_depth is not None and info.bit_depth >= 10


def test_h264_clip(tmp_path: Path) -> None:
    info = probe_file(str(h264_720p25(tmp_path / "ref.mp4")))
    assert info is not None and info.probe_error is None
    assert (info.container, info.codec, info.width, info.height) == ("mp4", "h264", 1280, 720)
    assert (info.frame_rate, info.frame_rate_exact, info.frame_count) == (25.0, "25/1", 5)
    assert info.start_timecode is None and info.audio_channels == 0 and info.bit_depth == 8


def test_truncated_clip_is_a_probe_error(tmp_path: Path) -> None:
    clip = prores_4444(tmp_path / "full.mov")
    cut = tmp_path / "cut.mov"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    info = probe_file(str(cut))
    assert info is not None and info.codec is None
    assert info.probe_error is not None and "not a readable media file" in info.probe_error
    assert str(tmp_path) not in info.probe_error  # the path is known; the message says what is wrong


def test_garbage_and_no_video(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mxf"
    junk.write_bytes(os.urandom(64 * 1024))
    info = probe_file(str(junk))
    assert info is not None and info.probe_error is not None
    sound = probe_file(str(audio_only(tmp_path / "sound.mov")))
    assert sound is not None and sound.probe_error == "no video stream"
    assert sound.audio_channels == 1 and sound.codec is None


def test_not_media_is_not_probed(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a clip")
    assert probe_file(str(notes)) is None


def test_dpx_header_fields(tmp_path: Path) -> None:
    tc = bcd_timecode(1, 0, 10, 0)
    info = parse_dpx(dpx_header(width=4096, height=2160, bits=10, timecode=tc, tv_rate=24.0))
    assert (info.width, info.height, info.bit_depth) == (4096, 2160, 10)
    assert info.start_timecode == "01:00:10:00" and info.frame_rate == 24.0
    little = parse_dpx(dpx_header(big_endian=False, timecode=bcd_timecode(23, 59, 59, 23), tv_rate=None, film_rate=25))
    assert little.start_timecode == "23:59:59:23" and little.frame_rate == 25.0
    undefined = parse_dpx(dpx_header(timecode=None, tv_rate=None))
    assert undefined.start_timecode is None and undefined.frame_rate is None
    # Through the file path too (as the worker reads it).
    frame = probe_file(str(write_dpx(tmp_path / "seq" / "A001.0086400.dpx", timecode=tc)))
    assert frame is not None and frame.start_timecode == "01:00:10:00" and frame.probe_error is None


def test_dpx_bad_headers() -> None:
    with pytest.raises(HeaderError, match="not a DPX"):
        parse_dpx(b"JUNK" + bytes(4000))
    with pytest.raises(HeaderError, match="cut short"):
        parse_dpx(dpx_header()[:1000])
    bad_bcd = parse_dpx(dpx_header(timecode=0x0A000000))
    assert bad_bcd.start_timecode is None and bad_bcd.probe_error is not None
    absurd = plausible(parse_dpx(dpx_header(width=0x7FFFFFF0, height=2160)))
    assert absurd.width is None and absurd.height == 2160
    assert absurd.probe_error is not None and "implausible width" in absurd.probe_error


def test_exr_header_fields() -> None:
    info = parse_exr(exr_header(width=3840, height=2160, fps=(24000, 1001), timecode=bcd_timecode(10, 0, 0, 0)))
    assert (info.width, info.height, info.bit_depth) == (3840, 2160, 16)
    assert info.frame_rate_exact == "24000/1001" and info.start_timecode == "10:00:00:00"
    with pytest.raises(HeaderError):
        parse_exr(exr_header(width=16, height=16)[:40])


def test_smpte_timecode_undefined_and_drop_frame() -> None:
    assert smpte_timecode(0xFFFFFFFF) is None
    assert smpte_timecode(bcd_timecode(0, 1, 0, 2) | 1 << 30) == "00:01:00;02"


def test_plausible_clears_absurd_values() -> None:
    info = plausible(MediaInfo(width=1920, height=-5, frame_rate=1e9, frame_rate_exact="1e9/1", audio_channels=9999))
    assert (info.width, info.height, info.frame_rate, info.frame_rate_exact, info.audio_channels) == (
        1920, None, None, None, None,
    )  # fmt: skip
    assert info.probe_error is not None and "implausible height -5" in info.probe_error


def _fake_worker(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(body))
    return [sys.executable, str(script)]


async def test_pool_bounds_a_hanging_probe_and_carries_on(tmp_path: Path) -> None:
    """A worker that never answers for one file is killed at the deadline; the next file gets a fresh worker."""
    worker = _fake_worker(
        tmp_path,
        """
        import json, sys, time
        for line in sys.stdin:
            path = json.loads(line)["path"]
            if "hang" in path:
                time.sleep(3600)
            print(json.dumps({"info": {"codec": "fake", "width": 8}}), flush=True)
        """,
    )
    pool = ProbePool(1, 1.0, command=worker)
    try:
        t0 = time.monotonic()
        hung = await pool.probe("/x/hang.mov")
        assert hung is not None and hung.probe_error == "probe timed out after 1 s"
        assert time.monotonic() - t0 < 10
        ok = await pool.probe("/x/fine.mov")
        assert ok == MediaInfo(codec="fake", width=8)
    finally:
        await pool.close()


async def test_pool_survives_a_crashing_worker(tmp_path: Path) -> None:
    worker = _fake_worker(
        tmp_path,
        """
        import json, os, sys
        for line in sys.stdin:
            if "crash" in json.loads(line)["path"]:
                os._exit(139)
            print(json.dumps({"none": True}), flush=True)
        """,
    )
    pool = ProbePool(1, 30.0, command=worker)
    try:
        crashed = await pool.probe("/x/crash.mov")
        assert crashed is not None and crashed.probe_error is not None and "probe crashed" in crashed.probe_error
        assert await pool.probe("/x/notes.txt") is None
    finally:
        await pool.close()


async def test_real_worker_process(tmp_path: Path) -> None:
    """The daemon's own worker (``python -m daemon.probeworker``) end to end."""
    pool = ProbePool(1, 60.0)
    try:
        info = await pool.probe(str(h264_720p25(tmp_path / "a.mov")))
        assert info is not None and (info.codec, info.width) == ("h264", 1280)
    finally:
        await pool.close()


def test_raw_formats_ffmpeg_cannot_read_are_partial(tmp_path: Path) -> None:
    r3d = tmp_path / "A001_C001.R3D"
    r3d.write_bytes(b"\x00\x00\x01\x00RED2" + os.urandom(4096))
    info = probe_file(str(r3d))
    assert info is not None and (info.container, info.codec, info.partial) == ("r3d", "redcode", True)
    ari = tmp_path / "A001C001.0000001.ari"
    ari.write_bytes(b"\x12\x34\x56\x78" + os.urandom(4096))
    info = probe_file(str(ari))
    assert info is not None and (info.codec, info.partial, info.probe_error) == ("arriraw", True, None)
    fake = tmp_path / "fake.r3d"
    fake.write_bytes(os.urandom(64))
    info = probe_file(str(fake))
    assert info is not None and info.probe_error is not None and "not an R3D" in info.probe_error
