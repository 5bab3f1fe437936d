"""``MediaInfo``: what the site daemon probed about a clip, and the input it reports it with."""

from __future__ import annotations

from typing import Any

import strawberry

from app.domain.media import MediaInfo as DomainMediaInfo
from graphql_schema.scalars import BigInt


@strawberry.type(description="Technical metadata probed at the source. Null fields: unknown.")
class MediaInfo:
    container: str | None
    codec: str | None = strawberry.field(description="ffmpeg's codec name, lower case: prores, h264, dpx, exr...")
    profile: str | None = strawberry.field(description='e.g. "4444 XQ" for ProRes, "High" for H.264.')
    width: int | None
    height: int | None
    frame_rate: float | None
    frame_rate_exact: str | None = strawberry.field(description='The exact rational, e.g. "24000/1001".')
    duration_seconds: float | None
    frame_count: int | None
    start_timecode: str | None = strawberry.field(description="HH:MM:SS:FF (; before the frames: drop frame).")
    bit_depth: int | None
    audio_channels: int | None
    partial: bool = strawberry.field(description="Only what the container tells (RAW formats ffmpeg cannot read).")
    probe_error: str | None = strawberry.field(description="Why probing failed or what looked wrong.")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediaInfo:
        info = DomainMediaInfo.from_json(data)
        return cls(**info.as_json())


@strawberry.input(description="Daemon: media info for a file it reported (site, fileId and sha256 must agree).")
class MediaInfoReportInput:
    site: str
    file_id: strawberry.ID
    sha256: str
    container: str | None = None
    codec: str | None = None
    profile: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    frame_rate_exact: str | None = None
    duration_seconds: float | None = None
    frame_count: BigInt | None = None
    start_timecode: str | None = None
    bit_depth: int | None = None
    audio_channels: int | None = None
    partial: bool = False
    probe_error: str | None = None

    def to_domain(self) -> DomainMediaInfo:
        return DomainMediaInfo(
            container=self.container,
            codec=self.codec,
            profile=self.profile,
            width=self.width,
            height=self.height,
            frame_rate=self.frame_rate,
            frame_rate_exact=self.frame_rate_exact,
            duration_seconds=self.duration_seconds,
            frame_count=int(self.frame_count) if self.frame_count is not None else None,
            start_timecode=self.start_timecode,
            bit_depth=self.bit_depth,
            audio_channels=self.audio_channels,
            partial=self.partial,
            probe_error=self.probe_error,
        )
