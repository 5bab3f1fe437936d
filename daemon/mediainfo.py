"""What a colorist needs to know about a clip, as the daemon probes it and sends it (``MediaInfo``).

Shared by the probe worker process (which fills it) and the daemon (which stores and sends it): plain data,
JSON both ways. :func:`plausible` is the last word on absurd values, whichever parser produced them: a header
that claims a 1,000,000-pixel-wide frame is reported as a ``probeError``, not passed on as a fact.
"""

from __future__ import annotations

import math
import posixpath
import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

#: Extensions the daemon probes, by what reads them. Anything else gets no media info at all.
AV_EXTENSIONS = frozenset({".mov", ".mp4", ".m4v", ".mxf", ".avi", ".mkv"})
IMAGE_EXTENSIONS = frozenset({".dpx", ".exr"})
RAW_EXTENSIONS = frozenset({".r3d", ".braw", ".ari"})
PROBED_EXTENSIONS = AV_EXTENSIONS | IMAGE_EXTENSIONS | RAW_EXTENSIONS

MAX_DIMENSION = 65_536  # larger than any camera or film scan; beyond it a header is lying
MAX_FRAME_RATE = 1_000.0
MAX_CHANNELS = 256
MAX_DURATION = 7 * 24 * 3600.0
_TIMECODE = re.compile(r"^\d{2}:[0-5]\d:[0-5]\d[:;.]\d{2}$")
_RATIONAL = re.compile(r"^\d{1,9}/\d{1,9}$")


@dataclass(frozen=True)
class MediaInfo:
    container: str | None = None
    codec: str | None = None
    profile: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    frame_rate_exact: str | None = None  # "24000/1001": the float alone cannot tell 23.976 from 23.98
    duration_seconds: float | None = None
    frame_count: int | None = None
    start_timecode: str | None = None
    bit_depth: int | None = None
    audio_channels: int | None = None
    partial: bool = False  # only what the container tells (RAW formats ffmpeg cannot read)
    probe_error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediaInfo:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def as_input(self) -> dict[str, Any]:
        """The GraphQL ``MediaInfoInput`` (camelCase)."""
        return {_camel(k): v for k, v in asdict(self).items()}

    def failed(self, why: str) -> MediaInfo:
        return replace(self, probe_error=why if self.probe_error is None else f"{self.probe_error}; {why}")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def kind_of(path: str) -> str | None:
    """``av``, ``image``, ``raw`` or ``None`` (not probed) by extension."""
    ext = posixpath.splitext(path)[1].lower()
    if ext in AV_EXTENSIONS:
        return "av"
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in RAW_EXTENSIONS:
        return "raw"
    return None


def format_timecode(hh: int, mm: int, ss: int, ff: int, *, drop: bool = False) -> str:
    return f"{hh:02d}:{mm:02d}:{ss:02d}{';' if drop else ':'}{ff:02d}"


def plausible(info: MediaInfo) -> MediaInfo:
    """Clear values no real clip has and say so in ``probe_error``; keep the rest."""
    problems: list[str] = []
    changes: dict[str, Any] = {}

    def drop(name: str, why: str) -> None:
        changes[name] = None
        problems.append(why)

    for name in ("width", "height"):
        value = getattr(info, name)
        if value is not None and not (0 < value <= MAX_DIMENSION):
            drop(name, f"implausible {name} {value}")
    if info.frame_rate is not None and not (math.isfinite(info.frame_rate) and 0 < info.frame_rate <= MAX_FRAME_RATE):
        drop("frame_rate", f"implausible frame rate {info.frame_rate}")
        changes["frame_rate_exact"] = None
    if info.frame_rate_exact is not None and not _RATIONAL.match(info.frame_rate_exact):
        drop("frame_rate_exact", f"implausible frame rate {info.frame_rate_exact!r}")
    dur = info.duration_seconds
    if dur is not None and not (math.isfinite(dur) and 0 <= dur <= MAX_DURATION):
        drop("duration_seconds", f"implausible duration {dur}")
    if info.frame_count is not None and not (0 <= info.frame_count <= MAX_DURATION * MAX_FRAME_RATE):
        drop("frame_count", f"implausible frame count {info.frame_count}")
    if info.bit_depth is not None and not (0 < info.bit_depth <= 64):
        drop("bit_depth", f"implausible bit depth {info.bit_depth}")
    if info.audio_channels is not None and not (0 <= info.audio_channels <= MAX_CHANNELS):
        drop("audio_channels", f"implausible audio channel count {info.audio_channels}")
    if info.start_timecode is not None and not _TIMECODE.match(info.start_timecode):
        drop("start_timecode", f"implausible timecode {info.start_timecode!r}")
    for name in ("container", "codec", "profile"):
        value = getattr(info, name)
        if value is not None:
            changes[name] = str(value)[:64]
    out = replace(info, **changes)
    for why in problems:
        out = out.failed(why)
    if out.probe_error is not None:
        out = replace(out, probe_error=out.probe_error[:500])
    return out
