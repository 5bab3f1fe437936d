"""The package part of the files contract: FileKind, FileMember and the staging mutation's input."""

from __future__ import annotations

import strawberry

from app.domain.packages import FileKind, Member
from graphql_schema.common import PageInfo
from graphql_schema.files.custody import CustodyRecordInput
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
    hash_format: str | None = strawberry.field(
        default=None,
        description="The format of hash: the member's card's ASC MHL history's (xxh64, ...); a single file's, the "
        "one its source took beside sha256.",
    )
    hash: str | None = strawberry.field(
        default=None, description="The member's hash in an ASC MHL format (its card history's, or its source's)."
    )

    @classmethod
    def of(cls, member: Member) -> FileMember:
        return cls(
            path=member.path,
            size_bytes=BigInt(member.size_bytes),
            sha256=member.sha256,
            hash_format=member.mhl_format,
            hash=member.mhl_hash,
        )


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
    hash_format: str | None = strawberry.field(
        default=None, description="The member's hash in its card's ASC MHL history: xxh64, xxh3, xxh128, md5, sha1, c4."
    )
    hash: str | None = None


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
    custody: list[CustodyRecordInput] | None = strawberry.field(
        default=None, description="A card's custody: its ASC MHL generations and the daemon's verification."
    )
    integrity_error: str | None = strawberry.field(
        default=None, description="Set when members failed verification against the card's ASC MHL history."
    )


@strawberry.input
class StagePackageMembersInput:
    site: str
    report_id: str
    members: list[FileMemberInput]
