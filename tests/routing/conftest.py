from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.config import Settings
from tests.conftest import Server
from tests.support import on_loopback


@pytest.fixture
async def mam_server(settings_override: Settings, db_url: str) -> AsyncIterator[Server]:
    """The real app, configured with the stub MAM's URL and secret."""
    from app.main import create_app

    app = create_app(settings_override, db_url)
    async with on_loopback(app) as url:
        yield Server(url=url, app=app, settings=settings_override, db_url=db_url)
