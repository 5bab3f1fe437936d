"""One DataLoader per access path, built per request (per event delivery on WebSockets: graphql_schema/live.py);
each batch opens its own short session, because an AsyncSession must not be shared by concurrent resolvers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from strawberry.dataloader import DataLoader

from app.db.engine import SessionFactory, reader
from app.db.models import AuditLog, File, Site, TransferJob, User
from app.repositories import audit as audit_repo
from app.repositories import files as files_repo
from app.repositories import sites as sites_repo
from app.repositories import transfers as transfers_repo
from app.repositories import uploads as uploads_repo
from app.repositories import users as users_repo

K = TypeVar("K")
R = TypeVar("R")


def _by_id(
    db: SessionFactory, fetch: Callable[..., Awaitable[Sequence[R]]]
) -> Callable[[list[int]], Awaitable[list[R | None]]]:
    async def load(ids: list[int]) -> list[R | None]:
        async with reader(db)() as session:
            rows = await fetch(session, ids)
        found = {row.id: row for row in rows}  # type: ignore[attr-defined]
        return [found.get(i) for i in ids]

    return load


def _grouped(
    db: SessionFactory, fetch: Callable[..., Awaitable[Sequence[R]]], key: str
) -> Callable[[list[int]], Awaitable[list[list[R]]]]:
    async def load(ids: list[int]) -> list[list[R]]:
        async with reader(db)() as session:
            rows = await fetch(session, ids)
        groups: dict[int, list[R]] = defaultdict(list)
        for row in rows:
            groups[getattr(row, key)].append(row)
        return [groups.get(i, []) for i in ids]

    return load


def ready(loader: DataLoader[K, R], key: K) -> R | Awaitable[R]:
    """The loaded value itself when the loader already holds it, else ``load``'s awaitable. A resolver that
    returns a plain value costs graphql-core no coroutine and no task; that is what makes a prefetched page of
    50 files, and every subscriber after the first to render an event, cheap."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        return future.result()
    return loader.load(key)


T = TypeVar("T")


async def settled(value: R | Awaitable[R]) -> R:
    """Await only what is not here yet (a shared event's row is, for every subscriber after the first)."""
    return await value if isinstance(value, Awaitable) else value


def then(value: R | Awaitable[R], convert: Callable[[R], T]) -> T:
    """``convert(value)`` now if ``value`` is here; else a coroutine that waits for it (graphql-core awaits
    whatever a resolver returns that is awaitable, so a field may be synchronous on the fast path only)."""
    if isinstance(value, Awaitable):

        async def later() -> T:
            return convert(await value)

        return cast(T, later())
    return convert(value)


def _loader(load: Callable[[list[int]], Awaitable[list[R]]]) -> DataLoader[int, R]:
    return DataLoader(load)


@dataclass
class Loaders:
    site: DataLoader[int, Site | None]
    user: DataLoader[int, User | None]
    file: DataLoader[int, File | None]
    transfer: DataLoader[int, TransferJob | None]
    audit_entry: DataLoader[int, AuditLog | None]
    transfers_by_file: DataLoader[int, list[TransferJob]]
    audit_by_file: DataLoader[int, list[AuditLog]]
    active_files_by_user: DataLoader[int, int]
    upload_offset: DataLoader[int, int]


def build_loaders(db: SessionFactory) -> Loaders:
    async def active_counts(ids: list[int]) -> list[int]:
        async with reader(db)() as session:
            counts = await users_repo.active_file_counts(session, ids)
        return [counts.get(i, 0) for i in ids]

    async def upload_offsets(ids: list[int]) -> list[int]:
        async with reader(db)() as session:
            offsets = await uploads_repo.offsets_by_file(session, ids)
        return [offsets.get(i, 0) for i in ids]

    return Loaders(
        site=_loader(_by_id(db, sites_repo.by_ids)),
        user=_loader(_by_id(db, users_repo.by_ids)),
        file=_loader(_by_id(db, files_repo.by_ids)),
        transfer=_loader(_by_id(db, transfers_repo.by_ids)),
        audit_entry=_loader(_by_id(db, audit_repo.by_ids)),
        transfers_by_file=_loader(_grouped(db, transfers_repo.by_file_ids, "file_id")),
        audit_by_file=_loader(_grouped(db, audit_repo.by_file_ids, "file_id")),
        active_files_by_user=_loader(active_counts),
        upload_offset=_loader(upload_offsets),
    )
