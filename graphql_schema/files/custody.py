"""The chain-of-custody part of the files contract (docs/custody.md): CustodyAction, CustodyRecord, its inputs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from app.domain.custody import CustodyAction
from app.domain.custody import CustodyRecord as CustodyRow
from graphql_schema.context import Info
from graphql_schema.loaders import ready, then
from graphql_schema.sites.types import Site

strawberry.enum(
    CustodyAction,
    description="ORIGINAL: the first hash of the bytes (the DIT sealing the card). VERIFIED: hashed again and "
    "equal to the original. FAILED: hashed again and different, or the history could not be trusted.",
)


@strawberry.type(description="One verification of a file's bytes: who, where, when, with which hash.")
class CustodyRecord:
    at: datetime
    action: CustodyAction
    hash_format: str = strawberry.field(description="xxh64, xxh3, xxh128, md5, sha1, c4 or sha256.")
    host: str | None
    tool: str | None
    location: str | None = strawberry.field(description="The ASC MHL history's <location> of this generation.")
    generation: int | None = strawberry.field(
        description="Its generation in the package's ascmhl/ history; null when not written there (yet)."
    )
    _site_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: CustodyRow) -> CustodyRecord:
        return cls(
            at=row.at,
            action=row.action,
            hash_format=row.hash_format,
            host=row.host,
            tool=row.tool,
            location=row.location,
            generation=row.generation,
            _site_id=row.site_id,
        )

    @strawberry.field(description="The site of ours that made it; null for the card's own history (the DIT).")
    def site(self, info: Info) -> Site | None:
        if self._site_id is None:
            return None
        return then(ready(info.context.loaders.site, self._site_id), Site.maybe_from_row)


@strawberry.input(description="A custody record a daemon reports (its site is the reporting site when it made it).")
class CustodyRecordInput:
    action: CustodyAction
    hash_format: str
    at: datetime | None = None
    host: str | None = None
    tool: str | None = None
    location: str | None = None
    generation: int | None = None
    site: str | None = strawberry.field(
        default=None, description="reportFile only: the reporting site's code when the record is its own."
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "hash_format": self.hash_format,
            "at": self.at,
            "host": self.host,
            "tool": self.tool,
            "location": self.location,
            "generation": self.generation,
        }


@strawberry.input
class RecordCustodyInput:
    file_id: strawberry.ID
    site: str = strawberry.field(description="The site whose daemon verified the bytes (its key must act for it).")
    records: list[CustodyRecordInput]
