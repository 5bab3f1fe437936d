"""Byte movement as one unit for the service: the uploader (unless ``--metadata-only``), the transfer agent (with
``--incoming``), and what they share — the state tables beside the outbox, and one keep-alive HTTP client (the
uploader's; downloads run on their own threads, see ``daemon.downloader``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from daemon import __version__
from daemon.agent import TransferAgent
from daemon.client import OrchestratorClient
from daemon.config import DaemonConfig
from daemon.downloader import BlobDownloader
from daemon.transferstate import TransferState
from daemon.uploader import TusClient, Uploader


def http_client(api_key: str) -> httpx.AsyncClient:
    """The client both directions use: the key on every request, long reads (the last PATCH of a big file
    waits while the orchestrator hashes, fsyncs and commits), no overall deadline on a stream."""
    return httpx.AsyncClient(
        headers={"X-API-Key": api_key, "User-Agent": f"colorroute-daemon/{__version__}"},
        timeout=httpx.Timeout(30.0, read=300.0),
        limits=httpx.Limits(max_connections=8, max_keepalive_connections=8),
    )


class Transfers:
    def __init__(
        self, state: TransferState, http: httpx.AsyncClient, uploader: Uploader | None, agent: TransferAgent | None
    ) -> None:
        self._state = state
        self._http = http
        self.uploader = uploader
        self.agent = agent

    @classmethod
    async def open(
        cls, cfg: DaemonConfig, client: OrchestratorClient, root: Path, *, ready: asyncio.Event
    ) -> Transfers:
        state = await TransferState.open(cfg.outbox_path)
        http = http_client(cfg.api_key)
        rate = cfg.transfer_rate_limit * 1e6
        uploader = None
        if not cfg.metadata_only:
            uploader = Uploader(state, TusClient(http, cfg.http_url, rate_limit=rate), root, ready=ready)
        agent = None
        if cfg.incoming is not None:
            agent = TransferAgent(
                client,
                state,
                BlobDownloader(cfg.http_url, cfg.api_key, rate_limit=rate),
                site=cfg.site,
                incoming=cfg.incoming,
                max_attempts=cfg.max_transfer_attempts,
                ready=ready,
            )
            await agent.prepare()
        return cls(state, http, uploader, agent)

    def reported(self, report_ids: Sequence[str]) -> None:
        """The outbox's listener: acknowledged reports whose bytes can go up now."""
        if self.uploader is not None:
            self.uploader.reported(report_ids)

    def tasks(self) -> dict[str, Callable[[], object]]:
        named: dict[str, Callable[[], object]] = {}
        if self.uploader is not None:
            named.update(self.uploader.tasks())
        if self.agent is not None:
            named.update(self.agent.tasks())
        return named

    async def close(self) -> None:
        """After the tasks are cancelled: keep the agent's cursor, release the connections and the database."""
        if self.uploader is not None:
            self.uploader.close()
        if self.agent is not None:
            await self.agent.flush()
        await self._http.aclose()
        await self._state.close()
