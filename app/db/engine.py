"""Engine and session factory. The context hands out the *factory*; every unit of work opens its own."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.config import Settings
from app.db.embedded import start_embedded

SessionFactory = async_sessionmaker[AsyncSession]


def plain_url(url: str) -> str:
    """The libpq-style URL (for asyncpg's own connections and for pgbench/psql)."""
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def async_url(url: str) -> str:
    return "postgresql+asyncpg://" + plain_url(url)[len("postgresql://") :]


def resolve_database_url(settings: Settings) -> str:
    """DATABASE_URL if set, else the embedded server (started on demand). Returns a plain URL."""
    if settings.database_url:
        return plain_url(settings.database_url)
    return start_embedded(settings.pgdata)


def make_engine(url: str, pool_size: int = 10, pool_timeout: float = 30.0) -> AsyncEngine:
    """No pre-ping: asyncpg's costs BEGIN, a query and ROLLBACK, three round trips on every checkout, which
    were most of a transition's. A connection broken by a database restart fails once instead (answered as
    SERVICE_UNAVAILABLE, retryable); SQLAlchemy sees the disconnect and invalidates the whole pool. A request
    that waits ``pool_timeout`` seconds for a connection is answered SERVICE_UNAVAILABLE too."""
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout,
        pool_recycle=1800,
    )


_MEMORY = "colorroute.memory"
_READER = "colorroute.reader"


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    """``create_app`` makes one per app, and with it the app's memory (see ``memory``) and its autocommit twin
    (see ``reader``), which shares that memory."""
    info: dict[str, Any] = {_MEMORY: {}}
    factory = async_sessionmaker(engine, expire_on_commit=False, info=info)
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    info[_READER] = async_sessionmaker(autocommit, expire_on_commit=False, info=info)
    return factory


def memory(of: SessionFactory | AsyncSession) -> dict[type, Any]:
    """What the app remembers between requests about rows that rarely or never change (the site directory,
    the routing rules), one entry per kind, keyed by its class. It belongs to the session factory the app
    built, and travels with it (and with each session it opens), so two apps in one process never share it
    and nothing is kept at module level. Who keeps something here also says what invalidates it."""
    info = of.info if isinstance(of, AsyncSession) else of.kw["info"]
    found: dict[type, Any] = info[_MEMORY]
    return found


def reader(db: SessionFactory) -> SessionFactory:
    """Sessions in autocommit for work that is one statement (lookups, DataLoader batches, pages): a statement
    is atomic on its own, and without a transaction there is no BEGIN and no COMMIT to wait for. Built with the
    factory (``make_session_factory``), so nothing is kept at module level; a reader's reader is itself."""
    found: SessionFactory = db.kw["info"][_READER]
    return found
