"""Fetching a package (a frame sequence, a clip folder) into the incoming folder, member by member.

The hub holds a package's bytes as ONE stream: its members one after another in manifest order. The agent
fetches the manifest (``/blobs/{fileId}/manifest``, one request; its SHA-256 must be the package's ``sha256``),
then GETs the stream with ``Range`` from the first member not yet verified and cuts it on the fly
(:class:`MemberSink`): each member is written under a staging folder that mirrors the package's layout
(``.colorroute-partial/<fileId>.pkg/<top>/...``), hashed while written and checked against its manifest line the
moment its last byte lands. A member whose hash differs is deleted at once and the transfer fails naming it: the
destination never holds a member whose hash differs.

Verified members are written down in the state dir (``agent_members``) after a ``syncfs`` of the staging disk,
a batch at a time, so after a SIGKILL the agent resumes at the first unverified member and verified members are
not fetched again. When every member is verified the package's top folder is renamed into place (one atomic
rename; see :func:`place_package` for a sequence whose folder already exists), then the job completes with the
package's ``sha256``, as for a file. A camera card gets this site's ASC MHL generation in staging, after its
members are verified and before the rename (:mod:`daemon.destcustody`), reported with ``recordCustody``; the
records to report are written down with the job before the rename, so a restart re-sends them all the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from daemon import destcustody
from daemon.backoff import Backoff
from daemon.client import RECORD_CUSTODY, ReportRejectedError
from daemon.custody import Record, record_custody_input
from daemon.destcustody import FILE_CUSTODY
from daemon.downloader import DownloadError, DownloadLinkError
from daemon.logs import event, progress_bar
from daemon.packagesink import (
    ManifestError,
    ManifestMember,
    MemberMismatchError,
    MemberSink,
    first_unverified,
    parse_manifest,
    sync_disk,
)

if TYPE_CHECKING:
    from daemon.agent import FileToFetch, Outcome, TransferAgent

#: How often verified members are synced to disk and written down (a SIGKILL refetches at most this much).
FLUSH_SECONDS = 0.5
_SEQUENCE_TOP = "frames"


def staging_top(f: FileToFetch) -> str:
    """The staged package's top folder: the clip folder's own name, or a folder holding a sequence's frames."""
    return PurePosixPath(f.path).name if f.kind == "FOLDER" else _SEQUENCE_TOP


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def place_package(staged: Path, f: FileToFetch, incoming: Path, dest: Path) -> None:
    """Move the verified package into place.

    A clip folder, or a sequence whose folder does not exist yet, appears in one ``rename`` of its top folder. A
    clip folder already there (an earlier version) is set aside first and deleted after, so the new one replaces
    it. A sequence whose folder already holds other files (or that lives at the top of the incoming folder)
    cannot appear in one rename: its verified frames are renamed in one by one, replacing frames of the same
    name."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if f.kind == "FOLDER" or not dest.exists():
        old = staged.parent / "replaced"
        if dest.exists():
            os.replace(dest, old)
        os.replace(staged, dest)
        _fsync_dir(dest.parent)
        shutil.rmtree(old, ignore_errors=True)
        return
    for entry in os.scandir(staged):
        os.replace(entry.path, dest / entry.name)
    _fsync_dir(dest)


def package_destination(incoming: Path, f: FileToFetch) -> Path | None:
    """The top folder the package lands as: the clip folder, or the sequence's folder (None: outside incoming)."""
    from daemon.agent import destination_for

    if f.kind == "FOLDER":
        return destination_for(incoming, f.path)
    parent = str(PurePosixPath(f.path).parent)
    if parent in ("", "."):
        return incoming
    return destination_for(incoming, parent)


async def attempt_package(
    agent: TransferAgent,
    f: FileToFetch,
    transfer_id: str,
    attempts: int,
    members_ahead: asyncio.Task[list[ManifestMember]] | None = None,
) -> tuple[Outcome, str]:
    """One attempt at a claimed package job (the package counterpart of ``TransferAgent._attempt``);
    ``members_ahead``: its manifest, fetched while the claim was answered."""
    from daemon.agent import _Progress

    dest = package_destination(agent._incoming, f)
    if dest is None:
        error = f"refused to write {f.path!r}: it would land outside the incoming folder"
        await agent._fail(transfer_id, error)
        return "fatal", error
    stage = agent._partials / f"{f.file_id}.pkg"
    root = stage / staging_top(f)
    t0 = time.monotonic()
    progress = _Progress(agent._client, transfer_id, agent._progress_interval, 0)
    reporter = asyncio.create_task(progress.run(), name=f"progress-{transfer_id}")
    try:
        members = await (members_ahead if members_ahead is not None else manifest_members(agent, f))
        await asyncio.to_thread(root.mkdir, parents=True, exist_ok=True)
        with progress_bar(f"download {PurePosixPath(f.path).name}", f.size) as bar:

            def moved(position: int) -> None:
                progress.update(position)
                if bar is not None:
                    bar.to(position)

            fetched = await _fetch_members(agent, f, members, root, progress, moved)
    except (DownloadError, ManifestError, MemberMismatchError, OSError, ValueError) as exc:
        error = f"download failed: {exc}"
        level = logging.ERROR
        event("transfer.download_failed", level, file_id=f.file_id, transfer_id=transfer_id, error=error)
        await agent._fail(transfer_id, error)
        return "failed", error
    finally:
        reporter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reporter
    if fetched is None:
        await agent._state.drop_job(f.file_id)
        await asyncio.to_thread(shutil.rmtree, stage, True)
        reason = f"the orchestrator stopped the job: {progress.gone_reason}"
        event("transfer.abandoned", logging.WARNING, file_id=f.file_id, transfer_id=transfer_id, reason=reason)
        return "dropped", ""
    sealed = await _seal(agent, f, members, root)  # the card's ASC MHL generation, before it appears
    to_report = None if sealed is None else destcustody.records_to_json(sealed.records)
    if to_report is not None:
        # Written down before the rename: a FAILED record (or a VERIFIED one without a generation) leaves nothing
        # of ours in the delivered history, so a restart could not find it there (report_delivered_custody).
        await agent._state.put_job(f.as_job(transfer_id, "running", attempts, to_report))
    try:
        await asyncio.to_thread(place_package, root, f, agent._incoming, dest)
    except OSError as exc:
        error = f"cannot place the package at {dest}: {exc}"
        event("transfer.place_failed", logging.ERROR, file_id=f.file_id, error=error)
        await agent._fail(transfer_id, error)
        return "failed", error
    await asyncio.to_thread(shutil.rmtree, stage, True)
    event("transfer.package_placed", file_id=f.file_id, path=f.path, members=fetched.members,
          already_verified=fetched.skipped, received=fetched.received)  # fmt: skip
    await agent._state.put_job(f.as_job(transfer_id, "delivered", attempts, to_report))
    if to_report is not None:  # read back from what was stored: exactly what a restart would send
        await _report_custody(agent, f, destcustody.records_from_json(to_report))
    return await agent._finish(f, transfer_id, t0, None), ""


async def _seal(
    agent: TransferAgent, f: FileToFetch, members: Sequence[ManifestMember], root: Path
) -> destcustody.Sealed | None:
    """Add this site's generation to a verified card's history in staging (daemon/destcustody.py); None when the
    package carries no ASC MHL history (a sequence, a folder from a ``--no-mhl`` source)."""
    if f.kind != "FOLDER":
        return None
    try:
        node = await agent._call_until_answered(FILE_CUSTODY, {"id": f.file_id}, "file")
    except ReportRejectedError as exc:
        event("custody.unknown", logging.WARNING, file_id=f.file_id, error=str(exc))
        node = None
    records = destcustody.records_from_api(node)
    if not await asyncio.to_thread(destcustody.should_carry_history, f.kind, root, records):
        return None
    paths = [m.path for m in members]
    sealed = await asyncio.to_thread(destcustody.seal_delivery, root, paths, records, agent._site)
    destcustody.log_sealed(f.file_id, f.path, sealed)
    return sealed


async def report_delivered_custody(agent: TransferAgent, f: FileToFetch) -> None:
    """A restart found the card delivered (renamed into place) but the transfer not completed: report again the
    records stored with the job before the rename — the same ones, so the orchestrator adds them once — or, for a
    job stored before they were kept, this site's generation read back from the delivered history."""
    dest = package_destination(agent._incoming, f)
    if f.kind != "FOLDER" or dest is None:
        return
    job = await agent._state.job(f.file_id)
    if job is not None and job.custody is not None:
        records = destcustody.records_from_json(job.custody)
    else:
        records = await asyncio.to_thread(destcustody.delivered_records, dest, agent._site)
    if records:
        await _report_custody(agent, f, records)


async def _report_custody(agent: TransferAgent, f: FileToFetch, records: Sequence[Record]) -> None:
    """``recordCustody`` with the records this site made (a read-only source's generation, written here with the
    source's site, host and time, is already the source's record: it is not reported again as ours)."""
    ours = [r for r in records if r.site == agent._site]
    if not ours:
        return
    variables = {"input": record_custody_input(f.file_id, agent._site, ours)}
    try:
        await agent._call_until_answered(RECORD_CUSTODY, variables, "recordCustody")
    except ReportRejectedError as exc:
        event("custody.report_refused", logging.WARNING, file_id=f.file_id, code=exc.code, error=str(exc))


async def manifest_members(agent: TransferAgent, f: FileToFetch) -> list[ManifestMember]:
    """The package's members, from its manifest checked against the package's ``sha256`` (parsed on a thread:
    ~35 ms for a 14,400-frame reel, which the event loop does not wait out)."""
    return await asyncio.to_thread(parse_manifest, await _manifest(agent, f), f.sha256)


async def _manifest(agent: TransferAgent, f: FileToFetch) -> bytes:
    backoff = Backoff(base=1.0, cap=30.0)
    while True:
        try:
            return await agent._downloader.manifest(f.file_id)
        except DownloadLinkError as exc:
            delay = backoff.next_delay()
            event("transfer.download_interrupted", logging.WARNING, file_id=f.file_id, error=str(exc))
            await asyncio.sleep(delay)


@dataclass(frozen=True)
class FetchedPackage:
    members: int
    skipped: int  # members already verified before this attempt (not fetched again)
    received: int  # bytes over the wire


async def _fetch_members(
    agent: TransferAgent,
    f: FileToFetch,
    members: Sequence[ManifestMember],
    root: Path,
    progress: Any,
    moved: Callable[[int], None],
) -> FetchedPackage | None:
    """GET the stream from the first unverified member until every member is verified, resuming after each cut;
    None when the orchestrator stopped the job."""
    state = agent._state
    backoff = Backoff(base=1.0, cap=30.0)
    verified = await state.verified_members(f.file_id, f.sha256)
    start = await asyncio.to_thread(first_unverified, members, verified, root)
    skipped, received = start, 0
    event("transfer.download_started", file_id=f.file_id, path=f.path, members=len(members), verified=start)
    while True:
        sink = MemberSink(members, root, first_unverified(members, verified, root))
        moved(sink.length)

        async def flush(current: MemberSink = sink) -> None:
            if current.restarted:
                current.restarted = False
                verified.clear()
                await state.forget_members(f.file_id)
            taken = current.take_verified()
            if taken:
                await asyncio.to_thread(sync_disk, root)
                paths = [members[i].path for i in taken]
                await state.add_verified_members(f.file_id, f.sha256, paths)
                verified.update(paths)

        async def keep_flushing() -> None:
            while True:
                await asyncio.sleep(FLUSH_SECONDS)
                await flush()

        flusher = asyncio.create_task(keep_flushing())
        get: asyncio.Task[int] | None = None
        if not sink.done():
            get = asyncio.create_task(agent._downloader.get_into(f.file_id, sink, f.size, f.sha256, moved))
        gone = asyncio.create_task(progress.gone.wait())
        try:
            if get is not None:
                await asyncio.wait({get, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (get, gone, flusher):
                if task is not None:
                    task.cancel()
            await asyncio.gather(*(t for t in (get, gone, flusher) if t is not None), return_exceptions=True)
            sink.close()
            await flush()  # what was verified is written down whatever happened
        if sink.failure is not None:
            raise sink.failure
        if get is not None and (not get.done() or get.cancelled()):
            return None
        try:
            if get is not None:
                received += get.result()
            if sink.done():
                return FetchedPackage(len(members), skipped, received)
            raise DownloadLinkError(f"the stream ended at member {sink.index} of {len(members)}")
        except DownloadLinkError as exc:
            if progress.gone.is_set():
                return None
            delay = backoff.next_delay()
            event("transfer.download_interrupted", logging.WARNING, file_id=f.file_id, have=sink.length,
                  error=str(exc), retry_in=round(delay, 1))  # fmt: skip
            await asyncio.sleep(delay)
