"""Logging: one structured line per event for machines, rich output and progress bars for people.

Named ``logs`` rather than ``logging`` so that ``import logging`` inside the package never resolves here.
Every pipeline step calls :func:`event` with a dotted event name and key=value fields; the formatter decides
whether that becomes ``ts=… level=info event=file.ready path=…`` (default when stdout is not a terminal),
a JSON object (``--log-format json``, what the tests and benchmarks parse) or a rich console line.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

LogFormat = Literal["auto", "text", "json", "rich"]

logger = logging.getLogger("colorroute.daemon")

_progress: Progress | None = None
_progress_lock = threading.Lock()


def event(name: str, level: int = logging.INFO, /, **fields: Any) -> None:
    """Log one pipeline event; ``fields`` become key=value pairs (or JSON keys)."""
    if logger.isEnabledFor(level):
        exc_info = bool(fields.pop("exc_info", False))
        logger.log(level, name, exc_info=exc_info, extra={"event": name, "fields": fields})


def _iso(created: float) -> str:
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fields(record: logging.LogRecord) -> tuple[str, dict[str, Any]]:
    name = getattr(record, "event", None)
    fields = getattr(record, "fields", None)
    if isinstance(name, str) and isinstance(fields, dict):
        return name, dict(fields)
    # A plain record from a library (gql, watchdog): keep its text as ``msg``.
    return "log", {"logger": record.name, "msg": record.getMessage()}


def _kv(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if text == "" or any(c in text for c in ' "=\n\t'):
        return json.dumps(text)
    return text


class KeyValueFormatter(logging.Formatter):
    """``ts=… level=… event=… k=v`` — grep-able and easy for journald and log shippers to parse."""

    def format(self, record: logging.LogRecord) -> str:
        name, fields = _fields(record)
        parts = [f"ts={_iso(record.created)}", f"level={record.levelname.lower()}", f"event={name}"]
        parts += [f"{k}={_kv(v)}" for k, v in fields.items()]
        if record.exc_info:
            parts.append(f"exc={_kv(self.formatException(record.exc_info))}")
        return " ".join(parts)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; ``t`` is the float epoch time the benchmarks measure with."""

    def format(self, record: logging.LogRecord) -> str:
        name, fields = _fields(record)
        doc: dict[str, Any] = {"ts": _iso(record.created), "t": record.created}
        doc["level"] = record.levelname.lower()
        doc["event"] = name
        doc.update(fields)
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str)


class RichEventFormatter(logging.Formatter):
    """Human line for the terminal: ``file.ready path=a.mov reason=…`` (time and level come from rich)."""

    def format(self, record: logging.LogRecord) -> str:
        name, fields = _fields(record)
        return " ".join([name, *(f"{k}={_kv(v)}" for k, v in fields.items())])


def configure(fmt: LogFormat = "auto", level: str = "info") -> None:
    """Install one handler on the root logger; quiet chatty libraries unless debugging."""
    global _progress
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    if fmt == "auto":
        fmt = "rich" if sys.stderr.isatty() else "text"
    handler: logging.Handler
    if fmt == "rich":
        console = Console(stderr=True)
        handler = RichHandler(console=console, show_path=False, markup=False)
        handler.setFormatter(RichEventFormatter())
        _progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
        _progress = None
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    quiet = logging.DEBUG if numeric <= logging.DEBUG else logging.WARNING
    # httpx logs every request at INFO ("HTTP Request: PATCH ..."): noise on a terminal, shown at debug.
    for name in ("gql", "websockets", "watchdog", "asyncio", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(quiet)


class HashProgress:
    """A progress bar for one long hash; updated from the hashing thread (rich's Progress is thread-safe)."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def advance(self, nbytes: int) -> None:
        self._progress.update(self._task, advance=nbytes)

    def to(self, position: int) -> None:
        """Set the bar to an absolute offset (uploads and downloads report where they are, resumes included)."""
        self._progress.update(self._task, completed=position)


@contextmanager
def hash_progress(label: str, total: int) -> Iterator[HashProgress | None]:
    """Yield a bar when running on a terminal, else ``None`` (the log lines already tell the story). Uploads and
    downloads use the same bars (``progress_bar``)."""
    progress = _progress
    if progress is None:
        yield None
        return
    with _progress_lock:
        if not progress.live.is_started:
            progress.start()
        task = progress.add_task(label, total=total)
    try:
        yield HashProgress(progress, task)
    finally:
        with _progress_lock:
            progress.remove_task(task)
            if not progress.tasks:
                progress.stop()


#: Below this an upload or download is done within two 8 MiB blocks: a bar would never move.
TRANSFER_BAR_MIN_BYTES = 16 * 1024 * 1024


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[HashProgress | None]:
    """An upload's or download's bar, on the same display as the hashes'; ``None`` off a terminal or when small."""
    if total < TRANSFER_BAR_MIN_BYTES:
        yield None
        return
    with hash_progress(label, total) as bar:
        yield bar
