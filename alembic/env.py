"""Alembic environment: async engine, URL from the app's Settings (or ``-x url=...``)."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Connection

from alembic import context
from app.db.engine import make_engine
from app.db.models import Base

target_metadata = Base.metadata


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.attributes.get("url")
    if not url:
        from app.config import Settings
        from app.db.engine import resolve_database_url

        url = resolve_database_url(Settings())
    return str(url)


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        # Two servers starting together on one database must not migrate twice at once.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7270001)")
        context.run_migrations()


async def _main() -> None:
    engine = make_engine(_url(), pool_size=1)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_main())
