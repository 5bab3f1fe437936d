from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from app.db.models import File as FileRow
from app.repositories.pagination import encode_cursor
from app.services import reads
from graphql_schema.common import PageInfo
from graphql_schema.context import Info
from graphql_schema.enums import FileState
from graphql_schema.files.types import File, FileConnection, FileEdge, FileFilter, StateCount, Stats
from graphql_schema.permissions import AUTHENTICATED


def _selected(selections: Sequence[Selection], path: tuple[str, ...]) -> set[str]:
    """Field names selected at ``path`` below these selections, through fragments."""
    names: set[str] = set()
    for selection in selections:
        if not isinstance(selection, SelectedField):
            names |= _selected(selection.selections, path)
        elif not path:
            names.add(selection.name)
        elif selection.name == path[0]:
            names |= _selected(selection.selections, path[1:])
    return names


async def _prefetch(info: Info, rows: Sequence[FileRow]) -> None:
    """Load what the page's nodes will ask for in one batch each, up front, so each node's related fields
    resolve synchronously (graphql-core then makes no coroutine or task per field: ~4x fewer CPU cycles)."""
    wanted = _selected(info.selected_fields, ("files", "edges", "node"))
    loaders = info.context.loaders
    batches: list[Awaitable[object]] = []
    if wanted & {"site", "destinationSite", "allowedActions"}:
        site_ids = {r.site_id for r in rows} | {r.destination_site_id for r in rows if r.destination_site_id}
        batches.append(loaders.site.load_many(sorted(site_ids)))
    if "colorist" in wanted:
        batches.append(loaders.user.load_many(sorted({r.colorist_id for r in rows if r.colorist_id})))
    if "transfers" in wanted:
        batches.append(loaders.transfers_by_file.load_many([r.id for r in rows]))
    await asyncio.gather(*batches)


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
        await _prefetch(info, page.items)

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
