from __future__ import annotations

import strawberry

from app.repositories.pagination import encode_cursor
from app.services import reads
from graphql_schema.common import PageInfo
from graphql_schema.context import Info
from graphql_schema.enums import FileState
from graphql_schema.files.types import File, FileConnection, FileEdge, FileFilter, StateCount, Stats
from graphql_schema.permissions import AUTHENTICATED


@strawberry.type
class FileQueries:
    @strawberry.field(permission_classes=AUTHENTICATED, description="Newest first; Relay cursor pagination.")
    async def files(
        self, info: Info, filter: FileFilter | None = None, first: int | None = 50, after: str | None = None
    ) -> FileConnection:
        ctx = info.context
        f = filter or FileFilter()
        query = await reads.file_query(
            ctx.db,
            ctx.actor,
            reads.FileListQuery(
                states=tuple(s for s in f.states or ()),
                site_code=f.site_code,
                colorist_id=f.colorist_id,
                search=f.search,
                codecs=tuple(f.codecs or ()),
                min_width=f.min_width,
                kinds=tuple(k.value for k in f.kinds or ()),
            ),
        )
        page = await reads.list_files(ctx.db, query, 50 if first is None else first, after)
        edges = [FileEdge(node=File.from_row(r), cursor=encode_cursor("file", r.id)) for r in page.items]
        for row in page.items:
            ctx.loaders.file.prime(row.id, row)

        async def count() -> int:
            return await reads.count_files(ctx.db, query)

        return FileConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
            _count=count,
        )

    @strawberry.field(permission_classes=AUTHENTICATED)
    async def file(self, info: Info, id: strawberry.ID) -> File | None:
        row = await reads.get_file(info.context.db, info.context.actor, id)
        return File.from_row(row) if row else None

    @strawberry.field(permission_classes=AUTHENTICATED)
    async def stats(self, info: Info) -> Stats:
        view = await reads.stats(info.context.db, info.context.actor)
        return Stats(
            total_files=view.total_files,
            by_state=[StateCount(state=FileState(s), count=n) for s, n in view.by_state.items()],
            active_transfers=view.active_transfers,
            sites_online=view.sites_online,
            sites_total=view.sites_total,
        )
