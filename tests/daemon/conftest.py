"""Fixtures for the daemon tests; the machinery lives in ``daemon_harness``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from daemon_harness import API_KEY, DaemonProcess, Orchestrator, free_port, orchestrator_on

from daemon.agent import TransferAgent
from daemon.client import OrchestratorClient
from daemon.config import graphql_ws_url
from daemon.downloader import BlobDownloader
from daemon.transferstate import TransferState


@pytest.fixture(scope="session")
def orchestrator() -> Iterator[Orchestrator]:
    with orchestrator_on(free_port()) as orch:
        yield orch


@pytest.fixture
def daemon_factory(tmp_path: Path) -> Iterator[Callable[..., DaemonProcess]]:
    started: list[DaemonProcess] = []

    def make(
        site: str, watch: Path, orchestrator_url: str, *extra: str, state: str = "state", api_key: str = API_KEY
    ) -> DaemonProcess:
        d = DaemonProcess(
            site=site,
            watch=watch,
            state_dir=tmp_path / state,
            orchestrator_url=orchestrator_url,
            log_path=tmp_path / f"daemon-{len(started)}.log",
            api_key=api_key,
            extra=list(extra),
        )
        started.append(d)
        return d

    yield make
    for d in started:
        d.kill()


@pytest.fixture
async def agent(orchestrator: Orchestrator, tmp_path: Path) -> AsyncIterator[TransferAgent]:
    """A real transfer agent at Nashville (its own state, a live link to the shared orchestrator), driven
    directly by tests of what it does at a given step."""
    client = OrchestratorClient(graphql_ws_url(orchestrator.url), API_KEY)
    await client.start()
    await asyncio.wait_for(client.link_up.wait(), 60)
    state = await TransferState.open(tmp_path / "transfers.sqlite3")
    try:
        yield TransferAgent(
            client,
            state,
            BlobDownloader(orchestrator.url, API_KEY),
            site="nashville",
            incoming=tmp_path / "incoming",
            max_attempts=3,
            ready=asyncio.Event(),
        )
    finally:
        await state.close()
        await client.close()
