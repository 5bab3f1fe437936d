"""Daemon configuration: one frozen dataclass, validated once before anything starts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_ORCHESTRATOR = "http://localhost:5000"


class ConfigError(Exception):
    """A setting that makes starting pointless (missing folder, bad URL, no key): exit code 2."""


@dataclass(frozen=True)
class DaemonConfig:
    site: str
    watch: Path
    api_key: str
    orchestrator: str = DEFAULT_ORCHESTRATOR
    state_dir: Path = Path(".daemon-state")
    incoming: Path | None = None
    metadata_only: bool = False
    poll: bool = False
    poll_interval: float = 5.0
    settle_seconds: float = 5.0
    rescan_interval: float = 300.0
    heartbeat_interval: float = 30.0
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    hash_workers: int = 2
    send_concurrency: int = 4
    report_batch: int = 16
    retry_failed: bool = False
    max_transfer_attempts: int = 3
    transfer_rate_limit: float = 0.0  # MB/s per upload or download; 0 = unlimited
    probe: bool = True  # probe media files and send their media info (--no-probe: off)
    probe_workers: int = 1
    probe_timeout: float = 60.0
    extra_skip_dirs: tuple[Path, ...] = field(default=())
    # -- packages (daemon/packages.py) --
    packages: bool = True
    package_globs: tuple[str, ...] = ()  # added to the defaults (*.RDC, folders holding ascmhl/)
    min_sequence_frames: int = 3
    # -- chain of custody (daemon/cards.py, daemon/custody.py) --
    mhl: bool = True  # verify card folders against their ASC MHL history and add a generation (--no-mhl: off)
    mhl_read_only: bool = False  # never write into a card's ascmhl/ (read-only camera media): the destination does

    @property
    def graphql_ws_url(self) -> str:
        return graphql_ws_url(self.orchestrator)

    @property
    def http_url(self) -> str:
        """Base URL for the byte endpoints (``/uploads/``, ``/blobs/``)."""
        return http_base_url(self.orchestrator)

    @property
    def outbox_path(self) -> Path:
        return self.state_dir / "outbox.sqlite3"

    def skip_dirs(self) -> tuple[Path, ...]:
        """Folders inside the watch tree that are ours, not the cameras': never report them."""
        dirs = [self.state_dir.resolve()]
        if self.incoming is not None:
            dirs.append(self.incoming.resolve())
        return (*dirs, *self.extra_skip_dirs)

    def validate(self) -> None:
        if not self.site.strip():
            raise ConfigError("--site must not be empty")
        if not self.watch.exists():
            raise ConfigError(f"watch folder does not exist: {self.watch}")
        if not self.watch.is_dir():
            raise ConfigError(f"watch path is not a folder: {self.watch}")
        if not os.access(self.watch, os.R_OK | os.X_OK):
            raise ConfigError(f"watch folder is not readable: {self.watch}")
        if not self.api_key:
            raise ConfigError("no API key: pass --api-key or set DAEMON_API_KEY")
        graphql_ws_url(self.orchestrator)
        for name in ("settle_seconds", "poll_interval", "rescan_interval", "heartbeat_interval"):
            value = getattr(self, name)
            if value < 0 or (name != "settle_seconds" and value == 0):
                raise ConfigError(f"--{name.replace('_', '-')} must be positive, got {value}")
        if self.hash_workers < 1 or self.send_concurrency < 1:
            raise ConfigError("--hash-workers and --send-concurrency must be at least 1")
        if not 1 <= self.report_batch <= 64:  # the orchestrator refuses documents with more aliases
            raise ConfigError("--report-batch must be between 1 and 64")
        if self.max_transfer_attempts < 1:
            raise ConfigError("--max-transfer-attempts must be at least 1")
        if self.probe_workers < 1 or self.probe_timeout <= 0:
            raise ConfigError("--probe-workers must be at least 1 and --probe-timeout positive")
        if self.transfer_rate_limit < 0:
            raise ConfigError("--transfer-rate-limit must not be negative")
        if self.min_sequence_frames < 2:
            raise ConfigError("--min-sequence-frames must be at least 2")
        if any(not g.strip() or "/" in g for g in self.package_globs):
            raise ConfigError("--package takes a folder-name glob such as '*.RDC' (no '/')")
        if self.incoming is not None:
            self._validate_incoming(self.incoming)

    def _validate_incoming(self, incoming: Path) -> None:
        if incoming.exists() and not incoming.is_dir():
            raise ConfigError(f"incoming path is not a folder: {incoming}")
        inc, watch = incoming.resolve(), self.watch.resolve()
        if inc == watch or inc in watch.parents:
            # Incoming is never reported: as the watch folder (or above it) it would hide every camera file.
            raise ConfigError(f"--incoming must not be the watch folder or contain it: {incoming}")
        existing = next((p for p in (inc, *inc.parents) if p.exists()), None)
        if existing is None or not os.access(existing, os.W_OK | os.X_OK):
            raise ConfigError(f"incoming folder is not writable: {incoming}")


def http_base_url(orchestrator: str) -> str:
    """The orchestrator's HTTP base (``http[s]://host:port[/prefix]``) from any form :func:`graphql_ws_url` takes."""
    ws = urlsplit(graphql_ws_url(orchestrator))
    scheme = "https" if ws.scheme == "wss" else "http"
    return urlunsplit((scheme, ws.netloc, ws.path.removesuffix("/graphql"), "", ""))


def graphql_ws_url(orchestrator: str) -> str:
    """Map the orchestrator base URL (http[s]://host:port[/prefix]) to its GraphQL WebSocket endpoint.

    A URL already ending in ``/graphql`` or already ``ws[s]://`` is accepted as is, so operators may paste
    either form.
    """
    parts = urlsplit(orchestrator.strip())
    schemes = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
    if parts.scheme not in schemes:
        raise ConfigError(f"orchestrator URL must start with http://, https://, ws:// or wss://: {orchestrator!r}")
    if not parts.hostname:
        raise ConfigError(f"orchestrator URL has no host: {orchestrator!r}")
    try:
        _ = parts.port
    except ValueError as exc:
        raise ConfigError(f"orchestrator URL has a bad port: {orchestrator!r}") from exc
    if parts.query or parts.fragment:
        raise ConfigError(f"orchestrator URL must not carry a query or fragment: {orchestrator!r}")
    path = parts.path.rstrip("/")
    if not path.endswith("/graphql"):
        path += "/graphql"
    return urlunsplit((schemes[parts.scheme], parts.netloc, path, "", ""))
