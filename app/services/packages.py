"""Reading a package's members (the caller already holds the File, so it may see them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.db.engine import SessionFactory, reader
from app.domain.packages import Member
from app.repositories import packages as packages_repo
from app.repositories.pagination import Page, check_first


async def members_page(db: SessionFactory, file_id: int, first: int, after: str | None) -> Page[Member]:
    after_path = packages_repo.decode_member_cursor(after)
    async with reader(db)() as session:
        return await packages_repo.members_page(session, file_id, check_first(first), after_path)


#: Members staged for a report that never came (a daemon whose outbox was wiped mid-package) are dropped after a
#: day; a daemon resending the package stages them again (staging is idempotent).
STALE_STAGING = timedelta(days=1)


async def forget_stale_staging(db: SessionFactory, older_than: timedelta) -> int:
    async with db() as session, session.begin():
        return await packages_repo.forget_staged_before(session, datetime.now(UTC) - older_than)
