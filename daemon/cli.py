"""``colorroute-daemon`` / ``python -m daemon``: parse flags, validate, run, map the outcome to an exit code.

Exit codes: 0 stopped cleanly, 1 crashed, 2 bad configuration (missing folder, bad URL, no key, state dir in
use, unknown site), 3 the orchestrator rejected the key (or the key is not allowed for this site). systemd
units should not restart on 2 or 3: see ``deploy/colorroute-daemon.service``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from daemon import __version__
from daemon.config import DEFAULT_ORCHESTRATOR, ConfigError, DaemonConfig
from daemon.logs import configure, event
from daemon.service import ExitCode, Service


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="colorroute-daemon",
        description="Watch a folder for finished camera files and report them to the Color Routing orchestrator.",
    )
    p.add_argument("--site", "-s", required=True, help="site code, e.g. tustin")
    p.add_argument("--watch", "-w", type=Path, default=None, help="folder to watch (default: ./watch/SITE)")
    p.add_argument(
        "--orchestrator",
        "-o",
        default=os.environ.get("COLORROUTE_ORCHESTRATOR", DEFAULT_ORCHESTRATOR),
        help=f"orchestrator base URL (default: {DEFAULT_ORCHESTRATOR}, env COLORROUTE_ORCHESTRATOR)",
    )
    p.add_argument("--api-key", "-k", default=None, help="daemon API key (default: env DAEMON_API_KEY)")
    p.add_argument("--metadata-only", action="store_true", help="report files without uploading their bytes")
    p.add_argument(
        "--incoming",
        type=Path,
        default=None,
        help="run the transfer agent: files queued to this site arrive in this folder (never reported)",
    )
    p.add_argument("--max-transfer-attempts", type=int, default=3, help="automatic attempts per queued transfer (3)")
    p.add_argument(
        "--transfer-rate-limit",
        type=float,
        default=0.0,
        metavar="MB/S",
        help="cap each upload and download at this many MB/s (0: no cap)",
    )
    p.add_argument("--state-dir", type=Path, default=None, help="outbox location (default: ./.daemon-state/SITE)")
    p.add_argument("--poll", action="store_true", help="poll instead of inotify (NFS/SMB shares)")
    p.add_argument("--poll-interval", type=float, default=5.0, help="seconds between polls with --poll (5)")
    p.add_argument("--settle-seconds", type=float, default=5.0, help="size+mtime must hold this long (5)")
    p.add_argument("--rescan-interval", type=float, default=300.0, help="seconds between full rescans (300)")
    p.add_argument("--heartbeat-interval", type=float, default=30.0, help="seconds between heartbeats (30)")
    p.add_argument("--include", action="append", default=[], metavar="GLOB", help="only report matching files")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="never report matching paths")
    p.add_argument("--hash-workers", type=int, default=2, help="files hashed in parallel (2)")
    p.add_argument("--no-probe", action="store_true", help="do not probe media files (no codec, size, timecode)")
    p.add_argument("--probe-workers", type=int, default=1, help="media probes at once, one worker process each (1)")
    p.add_argument("--probe-timeout", type=float, default=60.0, help="seconds before a hanging probe is killed (60)")
    p.add_argument("--send-concurrency", type=int, default=4, help="report operations in flight at once (4)")
    p.add_argument("--report-batch", type=int, default=16, help="files per report operation (16, max 64)")
    p.add_argument(
        "--package",
        action="append",
        default=[],
        metavar="GLOB",
        help="a folder whose name matches is one package (repeatable; added to the defaults: *.RDC and any folder"
        " holding an ascmhl/ history)",
    )
    p.add_argument(
        "--min-sequence-frames", type=int, default=3, help="name.####.ext frames that make a sequence package (3)"
    )
    p.add_argument("--no-packages", action="store_true", help="report every file alone (no sequences or folders)")
    p.add_argument(
        "--mhl-read-only",
        action="store_true",
        help="verify card folders against their ASC MHL history but never write into them (read-only camera media):"
        " the source's generation is recorded for the destination to write",
    )
    p.add_argument(
        "--no-mhl",
        action="store_true",
        help="no chain of custody: neither verify nor write ASC MHL histories, no xxh64 for single files",
    )
    p.add_argument("--retry-failed", action="store_true", help="resend reports the orchestrator once rejected")
    p.add_argument(
        "--log-format",
        choices=["auto", "text", "json", "rich"],
        default="auto",
        help="rich: lines and progress bars for a terminal; text: key=value lines; json: one object per line;"
        " auto: rich on a terminal, else text (auto)",
    )
    p.add_argument(
        "--log-level",
        default=os.environ.get("COLORROUTE_DAEMON_LOG_LEVEL", "info"),
        help="debug, info, warning or error; debug adds every HTTP request (info, env COLORROUTE_DAEMON_LOG_LEVEL)",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def config_from_args(args: argparse.Namespace) -> DaemonConfig:
    site = args.site.strip()
    return DaemonConfig(
        site=site,
        watch=args.watch if args.watch is not None else Path("watch") / site,
        api_key=args.api_key or os.environ.get("DAEMON_API_KEY", ""),
        orchestrator=args.orchestrator,
        state_dir=args.state_dir if args.state_dir is not None else Path(".daemon-state") / site,
        incoming=args.incoming,
        metadata_only=args.metadata_only,
        poll=args.poll,
        poll_interval=args.poll_interval,
        settle_seconds=args.settle_seconds,
        rescan_interval=args.rescan_interval,
        heartbeat_interval=args.heartbeat_interval,
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        hash_workers=args.hash_workers,
        send_concurrency=args.send_concurrency,
        report_batch=args.report_batch,
        retry_failed=args.retry_failed,
        max_transfer_attempts=args.max_transfer_attempts,
        transfer_rate_limit=args.transfer_rate_limit,
        probe=not args.no_probe,
        probe_workers=args.probe_workers,
        probe_timeout=args.probe_timeout,
        packages=not args.no_packages,
        package_globs=tuple(args.package),
        min_sequence_frames=args.min_sequence_frames,
        mhl=not args.no_mhl,
        mhl_read_only=args.mhl_read_only,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure(args.log_format, args.log_level)
    try:
        config = config_from_args(args)
        config.validate()
        return int(asyncio.run(Service(config).run()))
    except ConfigError as exc:
        event("daemon.config_error", 40, error=str(exc))
        print(f"colorroute-daemon: error: {exc}", file=sys.stderr)
        return int(ExitCode.CONFIG)
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        return 130
