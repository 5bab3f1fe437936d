"""The one reconciliation check every fault test ends with.

Given the database (and, where a daemon was involved, its watch folder and its outbox), check that:

* files on disk, outbox rows and database rows match one-to-one (by relative path and SHA-256), each outbox
  row is ``sent`` and names the database row it created (its ``reportId`` and ``file_id``);
* every hash is right: ``hashlib.sha256`` of the bytes on disk equals the SHA-256 stored (and the size);
* each file's audit trail replays to its current state: its lifecycle rows, in id order, start with REPORT
  (nothing -> DETECTED), each row's ``from_state`` is the previous row's ``to_state``, the last ``to_state`` is
  ``files.state``, and there are exactly ``version - 1`` of them after REPORT; audit rows that record no change
  (a failed MAM delivery) keep the state as it was;
* every lifecycle row was announced by exactly one ``file`` event, and no event names an audit row that does not
  exist (nothing applied twice, nothing announced twice, nothing announced that did not happen).

Where bytes moved, also (each only when asked for):

* ``blobs`` (the orchestrator's blob store): every file's content is there under its SHA-256 and hashes to it,
  the file says ``contentAvailable``, exactly one tus upload of it completed and exactly one UPLOAD_COMPLETED
  audit row says so, and no partial upload file is left for it; with ``state_dir`` too, the daemon's own
  ``uploads`` table has exactly one ``done`` row per outbox row, naming the same file;
* ``incoming`` + ``destination`` (the destination agent's folder): every file routed to ``destination`` arrived
  (TRANSFERRED or later) and is in ``incoming`` under its path with the right SHA-256 and size, nothing else is
  there, nothing partial is left in ``.colorroute-partial``; each file has exactly one COMPLETED transfer job,
  every other job of it ended FAILED, and exactly one COMPLETE_TRANSFER audit row; with ``agent_state`` (the
  agent's state dir), the agent holds no job any more (everything it delivered was acknowledged).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from app.domain.states import FileAction

#: Audit actions written by the one transition function (plus REPORT, which creates the file).
LIFECYCLE = frozenset(a.value for a in FileAction)
#: States a file is in once its transfer completed.
ARRIVED = frozenset({"TRANSFERRED", "COLORIST_ASSIGNED", "IN_PROGRESS", "DELIVERED_TO_MAM", "ARCHIVED"})
PARTIALS = ".colorroute-partial"


@dataclass(frozen=True)
class Reconciled:
    files: int
    transitions: int  # lifecycle audit rows after REPORT, over all files
    events: int  # ``file`` events over all files
    on_disk: int | None = None
    in_outbox: int | None = None
    blobs: int | None = None  # files whose content was checked in the blob store
    delivered: int | None = None  # files checked in the destination's incoming folder


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def disk_files(watch: Path, skip: str | None = None) -> dict[str, tuple[str, int]]:
    """Relative POSIX path -> (sha256, size) for every regular file under ``watch`` (outside folder ``skip``)."""
    out: dict[str, tuple[str, int]] = {}
    for path in sorted(watch.rglob("*")):
        rel = path.relative_to(watch).as_posix()
        if skip is not None and (rel == skip or rel.startswith(skip + "/")):
            continue
        if path.is_file() and not path.is_symlink():
            out[rel] = (_sha256(path), path.stat().st_size)
    return out


def _state_rows(state_dir: Path, sql: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(f"file:{state_dir / 'outbox.sqlite3'}?mode=ro", uri=True)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def outbox_rows(state_dir: Path) -> list[dict[str, Any]]:
    """The daemon's outbox (``reports`` table of ``outbox.sqlite3``), read-only."""
    return _state_rows(state_dir, "SELECT report_id, path, size_bytes, sha256, status, file_id FROM reports")


def upload_rows(state_dir: Path) -> list[dict[str, Any]]:
    """The daemon's uploads (``uploads`` table beside the outbox), read-only."""
    return _state_rows(state_dir, "SELECT report_id, file_id, url, status, last_error FROM uploads")


def agent_jobs(state_dir: Path) -> list[dict[str, Any]]:
    """What a transfer agent holds (``agent_jobs`` beside the outbox), read-only."""
    return _state_rows(state_dir, "SELECT file_id, transfer_id, path, status, attempts, last_error FROM agent_jobs")


def replay(file: dict[str, Any], audit: list[dict[str, Any]]) -> int:
    """Fold the file's audit rows (id order) from REPORT; returns the number of transitions after REPORT."""
    fid = file["id"]
    lifecycle = [r for r in audit if r["action"] in LIFECYCLE or r["action"] == "REPORT"]
    assert lifecycle, f"file {fid}: no audit rows"
    first = lifecycle[0]
    assert (first["action"], first["from_state"], first["to_state"]) == ("REPORT", None, "DETECTED"), (
        f"file {fid}: the trail does not start with REPORT -> DETECTED: {first}"
    )
    assert [r["action"] for r in lifecycle].count("REPORT") == 1, f"file {fid}: reported twice: {lifecycle}"
    state = "DETECTED"
    for row in audit:
        if row["id"] == first["id"] or row["to_state"] is None:
            continue
        assert row["from_state"] == state, f"file {fid}: {row['action']} from {row['from_state']}, was {state}"
        if row["action"] not in LIFECYCLE:
            assert row["to_state"] == state, f"file {fid}: {row['action']} changed the state without a transition"
        state = row["to_state"]
    assert state == file["state"], f"file {fid}: the trail ends at {state}, the row says {file['state']}"
    transitions = len(lifecycle) - 1
    assert transitions == file["version"] - 1, (
        f"file {fid}: {transitions} transitions after REPORT but version {file['version']}"
    )
    return transitions


async def reconcile(
    db_url: str,
    *,
    site: str | None = None,
    prefix: str = "",
    watch: Path | None = None,
    state_dir: Path | None = None,
    expect_files: int | None = None,
    blobs: Path | None = None,
    incoming: Path | None = None,
    destination: str | None = None,
    agent_state: Path | None = None,
) -> Reconciled:
    """Run every check over the files of ``site`` whose path starts with ``prefix``; raise AssertionError."""
    assert (incoming is None) == (destination is None), "incoming and destination go together"
    conn = await asyncpg.connect(db_url, timeout=30)
    try:
        files = [
            dict(r)
            for r in await conn.fetch(
                "SELECT f.id, f.path, f.sha256, f.size_bytes, f.state, f.version, f.report_id, f.content_available, "
                "s.code AS site, d.code AS destination "
                "FROM files f JOIN sites s ON s.id = f.site_id LEFT JOIN sites d ON d.id = f.destination_site_id "
                "WHERE ($1::text IS NULL OR s.code = $1) AND left(f.path, length($2)) = $2 ORDER BY f.id",
                site,
                prefix,
            )
        ]
        ids = [f["id"] for f in files]
        audit_rows = await conn.fetch(
            "SELECT id, file_id, action, from_state, to_state FROM audit_logs WHERE file_id = ANY($1::bigint[]) "
            "ORDER BY file_id, id",
            ids,
        )
        event_rows = await conn.fetch(
            "SELECT id, payload FROM events WHERE topic = 'file' AND (payload->>'fileId')::bigint = ANY($1::bigint[]) "
            "ORDER BY id",
            ids,
        )
        upload_rows_db = await conn.fetch(
            'SELECT id, file_id, length, "offset", completed_at FROM uploads WHERE file_id = ANY($1::bigint[])', ids
        )
        job_rows = await conn.fetch(
            "SELECT id, file_id, status, attempts FROM transfer_jobs WHERE file_id = ANY($1::bigint[]) ORDER BY id",
            ids,
        )
    finally:
        await conn.close()

    if expect_files is not None:
        assert len(files) == expect_files, f"{len(files)} files in the database, expected {expect_files}"
    by_key = Counter((f["site"], f["path"], f["sha256"]) for f in files)
    doubles = [k for k, n in by_key.items() if n > 1]
    assert not doubles, f"the same file recorded more than once: {doubles[:5]}"

    audit: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in audit_rows:
        audit[int(row["file_id"])].append(dict(row))
    announced: dict[int, Counter[int]] = defaultdict(Counter)
    for row in event_rows:
        payload = row["payload"] if isinstance(row["payload"], dict) else json.loads(row["payload"])
        announced[int(payload["fileId"])][int(payload["auditId"])] += 1

    transitions = 0
    for file in files:
        trail = audit[file["id"]]
        transitions += replay(file, trail)
        trail_ids = {r["id"] for r in trail}
        events = announced[file["id"]]
        assert set(events) <= trail_ids, f"file {file['id']}: events for audit rows that do not exist"
        assert all(n == 1 for n in events.values()), f"file {file['id']}: an audit row announced twice: {events}"
        lifecycle_ids = {r["id"] for r in trail if r["action"] in LIFECYCLE or r["action"] == "REPORT"}
        assert lifecycle_ids <= set(events), f"file {file['id']}: transitions never announced"

    on_disk = in_outbox = None
    in_db = {f["path"]: f for f in files}
    if watch is not None:
        disk = {p: v for p, v in disk_files(watch).items() if p.startswith(prefix)}
        on_disk = len(disk)
        assert sorted(disk) == sorted(in_db), (
            f"disk and database differ: only on disk {sorted(set(disk) - set(in_db))[:5]}, "
            f"only in the database {sorted(set(in_db) - set(disk))[:5]}"
        )
        for path, (digest, size) in disk.items():
            row = in_db[path]
            assert (row["sha256"], row["size_bytes"]) == (digest, size), f"{path}: database {row}, disk {digest}"
    if state_dir is not None:
        rows = [r for r in outbox_rows(state_dir) if str(r["path"]).startswith(prefix)]
        in_outbox = len(rows)
        paths = Counter(str(r["path"]) for r in rows)
        assert all(n == 1 for n in paths.values()), f"outbox rows repeated: {[p for p, n in paths.items() if n > 1]}"
        assert sorted(paths) == sorted(in_db), (
            f"outbox and database differ: only in the outbox {sorted(set(paths) - set(in_db))[:5]}, "
            f"only in the database {sorted(set(in_db) - set(paths))[:5]}"
        )
        for row in rows:
            file = in_db[str(row["path"])]
            assert row["status"] == "sent", f"outbox row not sent: {row}"
            assert row["sha256"] == file["sha256"] and row["size_bytes"] == file["size_bytes"], (row, file)
            assert row["report_id"] == file["report_id"], f"{row['path']}: outbox {row}, database {file}"
            assert str(row["file_id"]) == str(file["id"]), f"{row['path']}: outbox {row}, database {file}"
    checked_blobs = delivered = None
    if blobs is not None:
        checked_blobs = _check_blobs(blobs, files, audit, [dict(r) for r in upload_rows_db])
        if state_dir is not None:
            _check_daemon_uploads(state_dir, prefix, in_db)
    if incoming is not None and destination is not None:
        delivered = _check_incoming(incoming, destination, files, audit, [dict(r) for r in job_rows])
    if agent_state is not None:
        held = agent_jobs(agent_state)
        assert not held, f"the agent still holds jobs: {held}"
    return Reconciled(
        files=len(files),
        transitions=transitions,
        events=sum(sum(c.values()) for c in announced.values()),
        on_disk=on_disk,
        in_outbox=in_outbox,
        blobs=checked_blobs,
        delivered=delivered,
    )


def _actions(trail: list[dict[str, Any]], action: str) -> int:
    return sum(1 for r in trail if r["action"] == action)


def _check_blobs(
    blobs: Path, files: list[dict[str, Any]], audit: dict[int, list[dict[str, Any]]], uploads: list[dict[str, Any]]
) -> int:
    """Every file's content is in the store, verified, and was uploaded exactly once."""
    by_file: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for u in uploads:
        by_file[int(u["file_id"])].append(u)
    for file in files:
        fid, sha = file["id"], file["sha256"]
        assert file["content_available"], f"file {fid} ({file['path']}): no content on the hub"
        blob = blobs / sha[:2] / sha[2:4] / sha
        assert blob.is_file(), f"file {fid}: no blob at {blob}"
        assert (_sha256(blob), blob.stat().st_size) == (sha, file["size_bytes"]), f"file {fid}: the blob differs"
        completed = [u for u in by_file[fid] if u["completed_at"] is not None]
        assert len(completed) == 1, f"file {fid}: {len(completed)} completed uploads: {by_file[fid]}"
        assert completed[0]["offset"] == completed[0]["length"] == file["size_bytes"], completed[0]
        assert not (blobs / "partial" / completed[0]["id"]).exists(), f"file {fid}: partial upload left behind"
        n = _actions(audit[fid], "UPLOAD_COMPLETED")
        assert n == 1, f"file {fid}: {n} UPLOAD_COMPLETED audit rows"
    return len(files)


def _check_daemon_uploads(state_dir: Path, prefix: str, in_db: dict[str, dict[str, Any]]) -> None:
    """The daemon's upload bookkeeping agrees: one finished upload per report, for the file the report made."""
    reports = {r["report_id"]: r for r in outbox_rows(state_dir) if str(r["path"]).startswith(prefix)}
    uploads = {u["report_id"]: u for u in upload_rows(state_dir) if u["report_id"] in reports}
    assert sorted(uploads) == sorted(reports), (
        f"reports without an upload row: {sorted(set(reports) - set(uploads))[:5]}"
    )
    for report_id, upload in uploads.items():
        path = str(reports[report_id]["path"])
        assert upload["status"] == "done", f"{path}: the daemon's upload is {upload}"
        assert str(upload["file_id"]) == str(in_db[path]["id"]), f"{path}: upload {upload}, file {in_db[path]}"


def _check_incoming(
    incoming: Path,
    destination: str,
    files: list[dict[str, Any]],
    audit: dict[int, list[dict[str, Any]]],
    jobs: list[dict[str, Any]],
) -> int:
    """Every file routed to ``destination`` arrived, verified, exactly once; nothing else is in ``incoming``."""
    routed = {f["path"]: f for f in files if f["destination"] == destination}
    for path, file in routed.items():
        assert file["state"] in ARRIVED, f"{path}: routed to {destination} but {file['state']}"
    arrived = disk_files(incoming, skip=PARTIALS)
    assert sorted(arrived) == sorted(routed), (
        f"incoming and database differ: only in incoming {sorted(set(arrived) - set(routed))[:5]}, "
        f"not delivered {sorted(set(routed) - set(arrived))[:5]}"
    )
    for path, (digest, size) in arrived.items():
        file = routed[path]
        assert (digest, size) == (file["sha256"], file["size_bytes"]), f"{path}: delivered {digest}/{size}, {file}"
    partials = sorted(p.name for p in (incoming / PARTIALS).glob("*")) if (incoming / PARTIALS).exists() else []
    assert not partials, f"partial downloads left behind: {partials}"
    by_file: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for job in jobs:
        by_file[int(job["file_id"])].append(job)
    for file in routed.values():
        statuses = [j["status"] for j in by_file[file["id"]]]
        assert statuses.count("COMPLETED") == 1, f"{file['path']}: transfer jobs {by_file[file['id']]}"
        assert all(s in ("COMPLETED", "FAILED") for s in statuses), f"{file['path']}: jobs still open {statuses}"
        n = _actions(audit[file["id"]], "COMPLETE_TRANSFER")
        assert n == 1, f"{file['path']}: {n} COMPLETE_TRANSFER audit rows"
    return len(routed)
