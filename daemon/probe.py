"""Read one file's technical metadata: PyAV (ffmpeg) for QuickTime/MXF/MP4, header parsers for DPX/EXR, the
container's own words for RAW formats ffmpeg cannot decode. Runs inside the probe worker process
(:mod:`daemon.probeworker`), never in the daemon's own: ffmpeg on a hostile file may hang or crash, and the
daemon must keep running.
"""

from __future__ import annotations

import posixpath
from fractions import Fraction
from typing import Any

from daemon.imageheaders import DPX_HEADER_BYTES, EXR_HEADER_BYTES, HeaderError, parse_dpx, parse_exr
from daemon.mediainfo import MediaInfo, kind_of, plausible

_PRORES_PROFILES = {
    "Proxy": "422 Proxy",
    "LT": "422 LT",
    "Standard": "422",
    "HQ": "422 HQ",
    "4444": "4444",
    "XQ": "4444 XQ",
}


def probe_file(path: str) -> MediaInfo | None:
    """Media info for ``path``; ``None`` for files that are not media; problems are in ``probe_error``."""
    kind = kind_of(path)
    if kind is None:
        return None
    ext = posixpath.splitext(path)[1].lower()
    try:
        if kind == "image":
            info = _image(path, ext)
        elif kind == "raw":
            info = _raw(path, ext)
        else:
            info = probe_av(path)
    except HeaderError as exc:
        info = MediaInfo(container=ext.lstrip("."), probe_error=str(exc))
    except OSError as exc:
        info = MediaInfo(container=ext.lstrip("."), probe_error=f"cannot read: {exc.strerror or exc}")
    return plausible(info)


def _read_head(path: str, n: int) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def _image(path: str, ext: str) -> MediaInfo:
    if ext == ".dpx":
        return parse_dpx(_read_head(path, DPX_HEADER_BYTES))
    return parse_exr(_read_head(path, EXR_HEADER_BYTES))


def _raw(path: str, ext: str) -> MediaInfo:
    """R3D and ARRIRAW: recognise the container by its magic, mark partial. BRAW is QuickTime: ffmpeg reads the
    container (size, rate, timecode) though it cannot decode the codec."""
    if ext == ".braw":
        info = probe_av(path, decode=False)
        return MediaInfo(**{**info.as_json(), "codec": info.codec or "braw", "partial": True})
    head = _read_head(path, 16)
    if ext == ".r3d":
        if head[4:8] not in (b"RED1", b"RED2"):
            raise HeaderError("not an R3D file (no RED1/RED2 marker)")
        return MediaInfo(container="r3d", codec="redcode", partial=True)
    if head[:4] not in (b"\x78\x56\x34\x12", b"\x12\x34\x56\x78"):
        raise HeaderError("not an ARRIRAW file (bad magic)")
    return MediaInfo(container="ari", codec="arriraw", partial=True)


def _container_name(names: str, path: str) -> str:
    ext = posixpath.splitext(path)[1].lower().lstrip(".")
    options = names.split(",")
    return ext if ext in options else options[0]


def _timecode(container: Any) -> str | None:
    for stream in container.streams:
        tc = stream.metadata.get("timecode")
        if tc:
            return str(tc)
    tc = container.metadata.get("timecode")
    return str(tc) if tc else None


def _bit_depth(ctx: Any) -> int | None:
    raw = getattr(ctx, "bits_per_raw_sample", 0) or 0
    if raw > 0:
        return int(raw)
    fmt = ctx.format
    if fmt is None or not fmt.components:
        return None
    return int(max(c.bits for c in fmt.components))


def probe_av(path: str, *, decode: bool = True) -> MediaInfo:
    import av  # in the worker only: the daemon process never loads ffmpeg

    container_name = posixpath.splitext(path)[1].lower().lstrip(".")
    try:
        container = av.open(path, metadata_errors="ignore")
    except av.FFmpegError as exc:
        why = getattr(exc, "strerror", None) or str(exc)  # without the path: the file is known
        return MediaInfo(container=container_name, probe_error=f"not a readable media file: {why}")
    with container:
        container_name = _container_name(container.format.name, path)
        channels = sum(int(s.codec_context.channels or 0) for s in container.streams.audio)
        seconds = container.duration / av.time_base if container.duration else None
        base = MediaInfo(
            container=container_name,
            audio_channels=channels,
            duration_seconds=round(seconds, 3) if seconds is not None else None,
            start_timecode=_timecode(container),
        )
        if not container.streams.video:
            return base.failed("no video stream")
        video = container.streams.video[0]
        ctx = video.codec_context
        codec = ctx.name if ctx.codec is not None else (ctx.codec_tag or None)
        profile = ctx.profile
        if codec == "prores" and profile in _PRORES_PROFILES:
            profile = _PRORES_PROFILES[profile]
        rate: Fraction | None = video.average_rate or video.guessed_rate or video.base_rate
        if video.duration and video.time_base:
            seconds = float(video.duration * video.time_base)
        frames = int(video.frames) if video.frames else None
        if frames is None and rate and seconds:
            frames = round(seconds * rate)
        info = MediaInfo(
            **{
                **base.as_json(),
                "codec": codec,
                "profile": profile,
                "width": ctx.width or None,
                "height": ctx.height or None,
                "frame_rate": float(rate) if rate else None,
                "frame_rate_exact": f"{rate.numerator}/{rate.denominator}" if rate else None,
                "duration_seconds": round(seconds, 3) if seconds is not None else None,
                "frame_count": frames,
                "bit_depth": _bit_depth(ctx),
            }
        )
        if decode:
            info = _first_frame(container, info)
        return info


def _first_frame(container: Any, info: MediaInfo) -> MediaInfo:
    """Decode one frame: a clip whose header parses but whose pictures do not is not ready for a colorist."""
    import av

    container.streams.video[0].codec_context.thread_count = 1  # one frame: threads cost more than they save
    try:
        for _frame in container.decode(video=0):
            return info
    except (av.FFmpegError, ValueError) as exc:
        return info.failed(f"cannot decode the first frame: {exc}")
    return info.failed("no decodable video frame")
