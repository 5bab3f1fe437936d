"""Filesystem events from watchdog, handed to the event loop and nothing else.

The callbacks run on watchdog's thread and only do ``loop.call_soon_threadsafe(queue.put_nowait, item)``:
no stat, no hashing, no logging per event. Everything else happens in the pipeline, which also rescans after
anything that may have dropped events: an inotify queue overflow (watchdog logs it and rebuilds its watches,
but the events are gone) or an observer thread that died.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from watchdog.events import (
    DirCreatedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from daemon.logs import event

# (absolute path, is_directory): a directory means "scan below it", a file means "settle it".
WatchItem = tuple[str, bool]
Mode = Literal["inotify", "polling"]

# Created, closed-after-write, modified (writers that never close, e.g. over NFS) and moved-in.
EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileClosedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirMovedEvent,
]

# errno values for "the kernel will not give us more inotify watches/instances".
_LIMIT_ERRNOS = {errno.ENOSPC, errno.EMFILE}


class _Enqueue(FileSystemEventHandler):
    def __init__(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[WatchItem]) -> None:
        self._loop = loop
        self._queue = queue

    def on_any_event(self, ev: FileSystemEvent) -> None:
        if isinstance(ev, FileMovedEvent | DirMovedEvent):
            path = ev.dest_path
        elif isinstance(ev, FileCreatedEvent | FileClosedEvent | FileModifiedEvent | DirCreatedEvent):
            path = ev.src_path
        else:
            return
        if not path:
            return
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, (os.fsdecode(path), ev.is_directory))
        except RuntimeError:  # the loop closed while we were shutting down
            pass


class _OverflowSpotter(logging.Handler):
    """watchdog reports a kernel queue overflow only through its logger; turn that line into a rescan."""

    def __init__(self, on_overflow: Callable[[], None]) -> None:
        super().__init__(logging.WARNING)
        self._on_overflow = on_overflow

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self._on_overflow()


ObserverFactory = Callable[[Mode, float], BaseObserver]


def default_observer(mode: Mode, poll_interval: float) -> BaseObserver:
    return PollingObserver(timeout=poll_interval) if mode == "polling" else Observer()


class Watcher:
    """Own one observer; fall back to polling when inotify runs out of watches; report when it dies."""

    def __init__(
        self,
        root: Path,
        loop: asyncio.AbstractEventLoop,
        queue: asyncio.Queue[WatchItem],
        *,
        poll: bool = False,
        poll_interval: float = 5.0,
        request_rescan: Callable[[str], None],
        observer_factory: ObserverFactory = default_observer,
    ) -> None:
        self._root = root
        self._loop = loop
        self._handler = _Enqueue(loop, queue)
        self.mode: Mode = "polling" if poll else "inotify"
        self._poll_interval = poll_interval
        self._request_rescan = request_rescan
        self._factory = observer_factory
        self._observer: BaseObserver | None = None
        self._spotter = _OverflowSpotter(self._overflowed)

    def _overflowed(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._request_rescan, "inotify queue overflow")
        except RuntimeError:
            pass

    def start(self) -> None:
        """Blocking (adding recursive inotify watches walks the tree): call it from a worker thread."""
        try:
            self._observer = self._start(self.mode)
        except OSError as exc:
            if self.mode != "inotify" or exc.errno not in _LIMIT_ERRNOS:
                raise
            event(
                "watch.fallback_polling",
                logging.WARNING,
                error=str(exc),
                hint="raise fs.inotify.max_user_watches / max_user_instances, or pass --poll",
                poll_interval=self._poll_interval,
            )
            self.mode = "polling"
            self._observer = self._start("polling")
        for name in ("watchdog.observers.inotify", "watchdog.observers.inotify_c"):
            logging.getLogger(name).addHandler(self._spotter)
        event("watch.started", path=str(self._root), mode=self.mode)

    def _start(self, mode: Mode) -> BaseObserver:
        observer = self._factory(mode, self._poll_interval)
        try:
            observer.schedule(self._handler, os.fspath(self._root), recursive=True, event_filter=EVENT_TYPES)
            observer.start()
        except BaseException:
            observer.stop()  # releases the inotify fd thread the constructor started
            raise
        return observer

    def alive(self) -> bool:
        observer = self._observer
        if observer is None or not observer.is_alive():
            return False
        return all(emitter.is_alive() for emitter in observer.emitters) and bool(observer.emitters)

    def restart(self) -> None:
        """Replace a dead observer (blocking, like :meth:`start`)."""
        self.stop()
        self.start()

    def stop(self) -> None:
        for name in ("watchdog.observers.inotify", "watchdog.observers.inotify_c"):
            logging.getLogger(name).removeHandler(self._spotter)
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            if observer.is_alive():
                observer.join(timeout=10)
