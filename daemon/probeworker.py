"""Probing at arm's length: a worker process per slot, JSON lines over its stdin/stdout, a deadline per file.

ffmpeg on a truncated or hostile file can spin, block on a stalled network read, or crash outright. None of that
may stop the daemon, so probes never run in its process: each slot owns one long-lived worker
(``python -m daemon.probeworker``, which imports PyAV once). A probe that misses its deadline gets the worker
killed and replaced, and the file gets ``probeError: "probe timed out after N s"``; a worker that dies mid-probe
gives ``probeError: "probe crashed ..."``. Either way the next file is probed by a fresh worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Sequence

from daemon.logs import event
from daemon.mediainfo import MediaInfo

_LINE_LIMIT = 1 << 20


class _Worker:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def ask(self, path: str) -> MediaInfo | None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"path": path}).encode() + b"\n")
        await self.proc.stdin.drain()
        line = await self.proc.stdout.readline()
        if not line:
            raise EOFError(f"exit code {await self.proc.wait()}")
        answer = json.loads(line)
        if answer.get("none"):
            return None
        return MediaInfo.from_json(answer["info"])

    async def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        await self.proc.wait()


class ProbePool:
    """``probe(path)`` with at most ``workers`` probes at once, each bounded by ``timeout`` seconds."""

    def __init__(self, workers: int, timeout: float, command: Sequence[str] | None = None) -> None:
        self._command = list(command or [sys.executable, "-m", "daemon.probeworker"])
        self._timeout = timeout
        self._idle: asyncio.Queue[_Worker | None] = asyncio.Queue()
        for _ in range(workers):
            self._idle.put_nowait(None)  # started on first use
        self._all: set[_Worker] = set()

    async def _start(self) -> _Worker:
        proc = await asyncio.create_subprocess_exec(
            *self._command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=_LINE_LIMIT,
        )
        worker = _Worker(proc)
        self._all.add(worker)
        return worker

    async def _retire(self, worker: _Worker) -> None:
        self._all.discard(worker)
        await worker.kill()

    async def probe(self, path: str) -> MediaInfo | None:
        worker = await self._idle.get()
        try:
            if worker is None or worker.proc.returncode is not None:
                worker = await self._start()
            try:
                async with asyncio.timeout(self._timeout):
                    info = await worker.ask(path)
            except TimeoutError:
                event("media.probe_timeout", logging.WARNING, path=path, seconds=self._timeout)
                await self._retire(worker)
                worker = None
                return MediaInfo(probe_error=f"probe timed out after {self._timeout:g} s")
            except (EOFError, ConnectionError, json.JSONDecodeError, KeyError) as exc:
                event("media.probe_crashed", logging.WARNING, path=path, error=str(exc))
                await self._retire(worker)
                worker = None
                return MediaInfo(probe_error=f"probe crashed ({exc})")
            return info
        except BaseException:
            if worker is not None:
                await self._retire(worker)
                worker = None
            raise
        finally:
            self._idle.put_nowait(worker)

    async def close(self) -> None:
        for worker in list(self._all):
            await self._retire(worker)


def main() -> None:
    """The worker: one JSON request per line in, one answer per line out, until stdin closes."""
    from daemon.probe import probe_file

    with contextlib.suppress(OSError):
        os.nice(10)  # probing is background work: hashing and reporting come first
    for line in sys.stdin:
        path = json.loads(line)["path"]
        try:
            info = probe_file(path)
        except Exception as exc:  # a PyAV surprise is this file's problem, not the worker's
            info = MediaInfo(probe_error=f"probe failed: {type(exc).__name__}: {exc}"[:500])
        answer = {"none": True} if info is None else {"info": info.as_json()}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
