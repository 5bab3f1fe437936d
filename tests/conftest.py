"""Shared fixtures: one real embedded PostgreSQL per test session, a fresh database per test cloned from a
migrated template, and a real uvicorn serving the app on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from app.config import Settings
from app.db import migrate
from app.db.embedded import start_embedded
from app.db.engine import SessionFactory, make_engine, make_session_factory
from app.services.security import configure_password_cost
from tests.support import GLOBAL_KEY, Api, on_loopback, with_database

TEMPLATE = "colorroute"


@pytest.fixture(scope="session")
def pg_root() -> Iterator[str]:
    """Start the embedded server and migrate the template database once per session."""
    root = Path(tempfile.mkdtemp(prefix="crt", dir="/tmp"))
    url = start_embedded(root / "pgdata")
    migrate.upgrade(url)
    yield url
    with contextlib.suppress(Exception):
        shutil.rmtree(root / "blobs", ignore_errors=True)


@pytest.fixture
async def db_url(pg_root: str) -> AsyncIterator[str]:
    """A fresh database per test: a template clone is ~50 ms and isolates everything, NOTIFY included."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(with_database(pg_root, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    finally:
        await admin.close()
    yield with_database(pg_root, name)
    admin = await asyncpg.connect(with_database(pg_root, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path / "data",
        daemon_api_key=GLOBAL_KEY,
        frontend_dist=tmp_path / "no-ui",
        event_poll_seconds=2.0,
        login_max_attempts=5,
        login_window_seconds=60,
        password_rounds=4,
        webhook_poll_seconds=3600,  # tests drive dispatch_once themselves
        webhook_allow_private=("127.0.0.0/8", "::1"),  # the tests' receivers listen on loopback
    )


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[SessionFactory]:
    engine = make_engine(db_url, pool_size=5)
    yield make_session_factory(engine)
    await engine.dispose()


@dataclass
class Server:
    url: str
    app: object
    settings: Settings
    db_url: str

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    def api(self) -> Api:
        return Api(self.url)


@pytest.fixture
async def server(settings: Settings, db_url: str) -> AsyncIterator[Server]:
    """The real app on a real uvicorn, on 127.0.0.1, in this test's event loop."""
    from app.main import create_app

    app = create_app(settings, db_url)
    async with on_loopback(app, settings) as url:
        yield Server(url=url, app=app, settings=settings, db_url=db_url)


os.environ.setdefault("COLORROUTE_LOG_LEVEL", "WARNING")
os.environ.setdefault("COLORROUTE_PASSWORD_ROUNDS", "4")
configure_password_cost(4)
