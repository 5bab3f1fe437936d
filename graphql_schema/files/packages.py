"""The package part of the files contract: FileKind, FileMember and the staging mutation's input."""

from __future__ import annotations

import strawberry

from app.domain.packages import FileKind
from graphql_schema.common import PageInfo
from graphql_schema.scalars import BigInt

strawberry.enum(
    FileKind,
    description="FILE: one file. SEQUENCE: an image sequence (one file per frame). FOLDER: a clip or card folder.",
)


@strawberry.type(description="One file inside a package; path is relative to the package root.")
class FileMember:
    path: str
    size_bytes: BigInt
    sha256: str


@strawberry.type
class FileMemberEdge:
    node: FileMember
    cursor: str


@strawberry.type
class FileMemberConnection:
    edges: list[FileMemberEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class FileMemberInput:
    path: str
    size_bytes: BigInt
    sha256: str


@strawberry.input(
    description="Makes a reportFile a package: its members were staged first with stagePackageMembers under the "
    "same reportId; sha256 is the SHA-256 of the canonical manifest (see docs/packages.md)."
)
class PackageReportInput:
    kind: FileKind
    member_count: int
    filename: str
    frame_range: str | None = None
    missing_frames: str | None = None


@strawberry.input
class StagePackageMembersInput:
    site: str
    report_id: str
    members: list[FileMemberInput]
