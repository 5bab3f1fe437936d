"""Media info as the orchestrator accepts it: what a daemon probed, checked before it is stored.

The daemon already refuses absurd header values; this is the contract's own check, for any caller.
"""

from __future__ import annotations

import math
import posixpath
import re
from dataclasses import asdict, dataclass
from typing import Any

from app.domain.errors import BadInput

#: Extensions the site daemons probe. A file with any other extension never gets media info, so a routing
#: rule with media conditions never waits for it.
PROBED_EXTENSIONS = frozenset({".mov", ".mp4", ".m4v", ".mxf", ".avi", ".mkv", ".dpx", ".exr", ".r3d", ".braw", ".ari"})
_TIMECODE = re.compile(r"^\d{2}:[0-5]\d:[0-5]\d[:;.]\d{2}$")
_RATIONAL = re.compile(r"^\d{1,9}/\d{1,9}$")


def probed(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in PROBED_EXTENSIONS


@dataclass(frozen=True)
class MediaInfo:
    container: str | None = None
    codec: str | None = None
    profile: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    frame_rate_exact: str | None = None
    duration_seconds: float | None = None
    frame_count: int | None = None
    start_timecode: str | None = None
    bit_depth: int | None = None
    audio_channels: int | None = None
    partial: bool = False
    probe_error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediaInfo:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


def _range(value: float | None, low: float, high: float, field: str) -> None:
    # Compare before any float conversion: a BigInt frame count may be far beyond a float's range.
    if value is not None and not (low <= value <= high and (isinstance(value, int) or math.isfinite(value))):
        raise BadInput(f"{field} must be between {low:g} and {high:g}", field=field)


def check_media(info: MediaInfo) -> MediaInfo:
    """Refuse values no clip has; normalise codec names to lower case (what filters and rules compare)."""
    for value, field in ((info.container, "container"), (info.codec, "codec"), (info.profile, "profile")):
        if value is not None and not (0 < len(value.strip()) and len(value) <= 64):
            raise BadInput(f"{field} must be 1-64 characters", field=field)
    _range(info.width, 1, 65_536, "width")
    _range(info.height, 1, 65_536, "height")
    _range(info.frame_rate, 0.001, 1000, "frameRate")
    _range(info.duration_seconds, 0, 7 * 24 * 3600, "durationSeconds")
    _range(info.frame_count, 0, 10**9, "frameCount")
    _range(info.bit_depth, 1, 64, "bitDepth")
    _range(info.audio_channels, 0, 256, "audioChannels")
    if info.frame_rate_exact is not None and not _RATIONAL.match(info.frame_rate_exact):
        raise BadInput('frameRateExact must be a rational such as "24000/1001"', field="frameRateExact")
    if info.start_timecode is not None and not _TIMECODE.match(info.start_timecode):
        raise BadInput("startTimecode must be HH:MM:SS:FF (or ; for drop frame)", field="startTimecode")
    if info.probe_error is not None and not (0 < len(info.probe_error) <= 1000):
        raise BadInput("probeError must be 1-1000 characters", field="probeError")
    data = info.as_json()
    data["codec"] = info.codec.strip().lower() if info.codec else None
    return MediaInfo(**data)
