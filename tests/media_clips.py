"""Real clips for the media tests, made on the spot with PyAV (ffmpeg), and DPX/EXR headers written byte by byte."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import av

NTSC_FILM = Fraction(24000, 1001)


def write_clip(
    path: Path,
    *,
    codec: str,
    width: int,
    height: int,
    rate: Fraction,
    frames: int = 3,
    pix_fmt: str = "yuv420p",
    options: dict[str, str] | None = None,
    timecode: str | None = None,
    audio_channels: int = 0,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")  # the daemon ignores *.part: it sees the clip only when complete
    with av.open(str(tmp), "w", format={".mov": "mov", ".mp4": "mp4", ".mxf": "mxf"}[path.suffix]) as out:
        if timecode:
            out.metadata["timecode"] = timecode
        video = out.add_stream(codec, rate=rate)
        video.width, video.height, video.pix_fmt = width, height, pix_fmt
        video.options = options or {}
        audio = None
        if audio_channels:
            layout = {1: "mono", 2: "stereo"}[audio_channels]
            audio = out.add_stream("pcm_s16le", rate=48000, layout=layout)
        for _ in range(frames):
            for packet in video.encode(av.VideoFrame(width, height, pix_fmt)):
                out.mux(packet)
        for packet in video.encode():
            out.mux(packet)
        if audio is not None:
            frame = av.AudioFrame(format="s16", layout=audio.layout.name, samples=2000)
            frame.sample_rate = 48000
            for packet in [*audio.encode(frame), *audio.encode()]:
                out.mux(packet)
    tmp.rename(path)
    return path


def prores_4444(path: Path) -> Path:
    """ProRes 4444 (prores_ks profile 4), 1920x1080 at 23.976, starting at 01:00:10:00, stereo."""
    return write_clip(
        path,
        codec="prores_ks",
        width=1920,
        height=1080,
        rate=NTSC_FILM,
        pix_fmt="yuv444p10le",
        options={"profile": "4"},
        timecode="01:00:10:00",
        audio_channels=2,
    )


def h264_720p25(path: Path) -> Path:
    return write_clip(path, codec="libx264", width=1280, height=720, rate=Fraction(25), frames=5)


def audio_only(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with av.open(str(tmp), "w", format="mov") as out:
        audio = out.add_stream("pcm_s16le", rate=48000, layout="mono")
        frame = av.AudioFrame(format="s16", layout="mono", samples=4800)
        frame.sample_rate = 48000
        for packet in [*audio.encode(frame), *audio.encode()]:
            out.mux(packet)
    tmp.rename(path)
    return path


def bcd_timecode(hh: int, mm: int, ss: int, ff: int) -> int:
    def bcd(n: int) -> int:
        return (n // 10) << 4 | n % 10

    return bcd(hh) << 24 | bcd(mm) << 16 | bcd(ss) << 8 | bcd(ff)


def dpx_header(
    *,
    width: int = 4096,
    height: int = 2160,
    bits: int = 10,
    timecode: int | None = None,
    tv_rate: float | None = 24.0,
    film_rate: float | None = None,
    big_endian: bool = True,
) -> bytes:
    """A 2048-byte SMPTE 268M header (the fields we read; everything else undefined, as cameras leave it)."""
    o = ">" if big_endian else "<"
    head = bytearray(b"\xff" * 2048)
    head[0:4] = b"SDPX" if big_endian else b"XPDS"
    struct.pack_into(o + "I", head, 4, 2048)  # image data offset
    head[8:16] = b"V2.0\0\0\0\0"
    struct.pack_into(o + "HHII", head, 768, 0, 1, width, height)  # orientation, elements, pixels, lines
    head[803] = bits
    undefined = b"\xff\xff\xff\xff"
    head[1724:1728] = struct.pack(o + "f", film_rate) if film_rate is not None else undefined
    head[1920:1924] = struct.pack(o + "I", timecode) if timecode is not None else undefined
    head[1940:1944] = struct.pack(o + "f", tv_rate) if tv_rate is not None else undefined
    return bytes(head)


def write_dpx(path: Path, **header: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(dpx_header(**header) + b"\0" * 4096)  # type: ignore[arg-type]
    tmp.rename(path)
    return path


def exr_header(*, width: int, height: int, fps: tuple[int, int] | None = None, timecode: int | None = None) -> bytes:
    def attr(name: str, kind: str, value: bytes) -> bytes:
        return name.encode() + b"\0" + kind.encode() + b"\0" + struct.pack("<i", len(value)) + value

    channels = b"".join(c + b"\0" + struct.pack("<iB3xii", 1, 0, 1, 1) for c in (b"B", b"G", b"R")) + b"\0"
    body = attr("channels", "chlist", channels)
    body += attr("compression", "compression", b"\0")
    body += attr("dataWindow", "box2i", struct.pack("<4i", 0, 0, width - 1, height - 1))
    if fps is not None:
        body += attr("framesPerSecond", "rational", struct.pack("<iI", *fps))
    if timecode is not None:
        body += attr("timeCode", "timecode", struct.pack("<II", timecode, 0))
    return struct.pack("<II", 0x01312F76, 2) + body + b"\0"
