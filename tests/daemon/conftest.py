"""Fixtures for the daemon tests; the machinery lives in ``daemon_harness``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from daemon_harness import API_KEY, DaemonProcess, Orchestrator, free_port, orchestrator_on


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
