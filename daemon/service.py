"""Wire the daemon together and run it until SIGTERM/SIGINT, a rejected key, or a crash.

Start order matters: the watcher starts before the first scan so nothing created during the scan is missed.
Stop order matters too: the watcher and producers stop first, hashed-but-unrecorded files and acknowledged-
but-unmarked reports are flushed to the outbox last, so a clean stop loses no work at all (and a SIGKILL only
loses work the outbox was designed to redo).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import time
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import IO

from daemon import __version__
from daemon.cards import CardKeeper
from daemon.client import AuthRejectedError, OrchestratorClient
from daemon.config import ConfigError, DaemonConfig
from daemon.filters import PathFilter
from daemon.logs import event
from daemon.media import MediaReporter
from daemon.outbox import Outbox
from daemon.packages import PackageRules, with_defaults
from daemon.pipeline import Detector
from daemon.reporter import Reporter, SiteRejectedError
from daemon.transfers import Transfers
from daemon.watcher import ObserverFactory, Watcher, default_observer

_HEALTH_INTERVAL = 5.0


class ExitCode(IntEnum):
    OK = 0
    CRASHED = 1
    CONFIG = 2
    REJECTED = 3


def _lock_state_dir(state_dir: Path) -> IO[bytes]:
    """Two daemons on one outbox would send everything twice; the second one refuses to start."""
    state_dir.mkdir(parents=True, exist_ok=True)
    handle = open(state_dir / "daemon.lock", "ab")  # held open for the daemon's lifetime
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise ConfigError(f"another daemon is already using state dir {state_dir}") from exc
    return handle


class Service:
    def __init__(self, config: DaemonConfig, *, observer_factory: ObserverFactory = default_observer) -> None:
        self.config = config
        self._observer_factory = observer_factory
        self._stop = asyncio.Event()
        self._stop_reason = ""
        self.crashed: BaseException | None = None

    def stop(self, reason: str) -> None:
        if not self._stop.is_set():
            self._stop_reason = reason
            self._stop.set()

    async def run(self) -> ExitCode:
        cfg = self.config
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop, signal.Signals(sig).name)
        root = cfg.watch.resolve()
        lock = _lock_state_dir(cfg.state_dir)
        try:
            outbox = await Outbox.open(cfg.outbox_path, site=cfg.site, watch=str(root))
            try:
                return await self._run(root, outbox)
            finally:
                await outbox.close()
        finally:
            lock.close()
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)

    async def _run(self, root: Path, outbox: Outbox) -> ExitCode:
        cfg = self.config
        if cfg.retry_failed:
            event("outbox.retry_failed", rows=await outbox.retry_failed())
        counts = await outbox.counts()
        event(
            "daemon.started",
            version=__version__,
            site=cfg.site,
            watch=str(root),
            orchestrator=cfg.graphql_ws_url,
            state_dir=str(cfg.state_dir),
            settle_seconds=cfg.settle_seconds,
            mode="poll" if cfg.poll else "watch",
            uploads="off (--metadata-only)" if cfg.metadata_only else "on",
            incoming=str(cfg.incoming) if cfg.incoming is not None else None,
            pid=os.getpid(),
            **{f"outbox_{k}": v for k, v in counts.items()},
        )
        client = OrchestratorClient(cfg.graphql_ws_url, cfg.api_key)

        def recorded() -> None:  # new outbox rows: report them, and probe them
            reporter.outbox_changed()
            media.recorded()

        detector = Detector(
            root,
            outbox,
            path_filter=PathFilter(cfg.include, cfg.exclude),
            settle_seconds=cfg.settle_seconds,
            rescan_interval=cfg.rescan_interval,
            hash_workers=cfg.hash_workers,
            skip_dirs=cfg.skip_dirs(),
            on_recorded=recorded,
            packages=PackageRules(cfg.packages, with_defaults(cfg.package_globs), cfg.min_sequence_frames),
            cards=CardKeeper(cfg.site, read_only=cfg.mhl_read_only) if cfg.mhl and cfg.packages else None,
            mhl=cfg.mhl,
        )
        reporter = Reporter(
            outbox,
            client,
            site=cfg.site,
            watch=root,
            concurrency=cfg.send_concurrency,
            batch=cfg.report_batch,
            heartbeat_interval=cfg.heartbeat_interval,
            metadata_only=cfg.metadata_only,
            in_pipeline=lambda: detector.in_flight,
        )
        watcher = Watcher(
            root,
            asyncio.get_running_loop(),
            detector.events,
            poll=cfg.poll,
            poll_interval=cfg.poll_interval,
            request_rescan=detector.request_rescan,
            observer_factory=self._observer_factory,
        )
        transfers = await Transfers.open(cfg, client, root, ready=reporter.verified)
        outbox.on_sent(transfers.reported)
        media = await MediaReporter.open(
            cfg.outbox_path,
            client,
            root,
            site=cfg.site,
            workers=cfg.probe_workers,
            probe_seconds=cfg.probe_timeout,
            ready=reporter.verified,
            busy=lambda: detector.in_flight > 0 or reporter.busy,
        )
        outbox.on_sent(media.reported)
        try:
            await client.start()
            try:
                return await self._serve(client, detector, reporter, watcher, outbox, transfers, media)
            finally:
                await client.close()
        finally:
            await media.close()
            await transfers.close()

    async def _serve(
        self,
        client: OrchestratorClient,
        detector: Detector,
        reporter: Reporter,
        watcher: Watcher,
        outbox: Outbox,
        transfers: Transfers,
        media: MediaReporter,
    ) -> ExitCode:
        cfg = self.config
        try:
            await asyncio.to_thread(watcher.start)
        except OSError as exc:
            # Keep going on scans alone; the health check retries the observer.
            event("watch.failed", logging.ERROR, error=str(exc), fallback="periodic rescans")

        producers = {**detector.tasks(), "watch-health": lambda: self._watch_health(watcher, detector)}
        producer_tasks = [self._spawn(name, fn) for name, fn in producers.items()]
        senders = {**reporter.tasks(), **transfers.tasks(), **(media.tasks() if cfg.probe else {})}
        sender_tasks = [self._spawn(name, fn) for name, fn in senders.items()]
        recorder = self._spawn("recorder", detector.recorder)
        marker = self._spawn("marker", reporter.marker)

        waits = [
            asyncio.create_task(self._stop.wait()),
            asyncio.create_task(reporter.fatal_event.wait()),
            asyncio.create_task(client.auth_rejected.wait()),
        ]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for w in waits:
            w.cancel()
        fatal = client.auth_error or reporter.fatal

        # -- orderly stop -----------------------------------------------------------------------------
        reason = self._stop_reason or repr(fatal)
        event("daemon.stopping", reason=reason)
        await asyncio.to_thread(watcher.stop)
        for task in producer_tasks + sender_tasks:
            task.cancel()
        await asyncio.gather(*producer_tasks, *sender_tasks, return_exceptions=True)
        await detector.stop()
        detector.finish_recording()
        reporter.finish_marking()
        await asyncio.gather(recorder, marker, return_exceptions=True)
        reporter.close()
        await client.close()
        counts = await outbox.counts()
        event("daemon.stopped", reported_this_run=reporter.reported, **{f"outbox_{k}": v for k, v in counts.items()})

        if isinstance(fatal, AuthRejectedError):
            event("daemon.exit", logging.ERROR, code=int(ExitCode.REJECTED), error=f"API key rejected: {fatal}")
            return ExitCode.REJECTED
        if isinstance(fatal, SiteRejectedError):
            code = ExitCode.REJECTED if fatal.code == "FORBIDDEN" else ExitCode.CONFIG
            event("daemon.exit", logging.ERROR, code=int(code), error=f"site {cfg.site!r} rejected: {fatal}")
            return code
        if self.crashed is not None:
            return ExitCode.CRASHED
        return ExitCode.OK

    def _spawn(self, name: str, fn: Callable[[], object]) -> asyncio.Task[None]:
        async def guarded() -> None:
            try:
                result = fn()
                assert asyncio.iscoroutine(result)
                await result
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.crashed = exc
                event("daemon.crashed", logging.CRITICAL, task=name, error=repr(exc), exc_info=True)
                self.stop(f"task {name} crashed")

        return asyncio.create_task(guarded(), name=name)

    async def _watch_health(self, watcher: Watcher, detector: Detector) -> None:
        """Replace a dead observer and rescan, since whatever happened meanwhile produced no events."""
        failing_since: float | None = None
        while True:
            await asyncio.sleep(_HEALTH_INTERVAL)
            if watcher.alive():
                failing_since = None
                continue
            try:
                await asyncio.to_thread(watcher.restart)
            except OSError as exc:
                if failing_since is None:
                    failing_since = time.monotonic()
                    event("watch.restart_failed", logging.ERROR, error=str(exc), retry_every=_HEALTH_INTERVAL)
                continue
            failing_since = None
            event("watch.restarted", logging.WARNING, mode=watcher.mode)
            detector.request_rescan("observer restarted")
