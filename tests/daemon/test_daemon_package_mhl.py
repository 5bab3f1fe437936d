"""Packages without a card history exported as ASC MHL: a frame sequence dropped at a real daemon gets each
frame's xxh64 in the source's hashing pass, staged with the frames; the orchestrator's ``GET /files/{id}/mhl``
lists every frame with the hash the ASC's own ``ascmhl`` computes for the same bytes. A member staged with both a
card hash and its own sends the card's."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import xxhash
from ascmhl import hashlist_xml_parser
from daemon_harness import DaemonProcess, Orchestrator, wait_until
from test_daemon_client import connected_client
from test_daemon_custody import ascmhl

from daemon.client import FileReport, PackageReport, ReportedFile
from daemon.packages import manifest_sha256

DaemonFactory = Callable[..., DaemonProcess]

FILES_QUERY = """
query($search: String) {
  files(first: 50, filter: { search: $search }) { edges { node {
    id path kind memberCount
    members(first: 100) { edges { node { path sizeBytes hashFormat hash } } }
  } } }
}
"""
MEMBERS_QUERY = "query($id: ID!){ file(id: $id){ members(first: 10){ edges { node { path hashFormat hash } } } } }"


def reported(orch: Orchestrator, path: str, kind: str) -> dict[str, Any] | None:
    edges = orch.query(FILES_QUERY, {"search": path})["files"]["edges"]
    found = [e["node"] for e in edges if e["node"]["path"] == path and e["node"]["kind"] == kind]
    return found[-1] if found else None


def exported(orch: Orchestrator, file_id: str, into: Path) -> list[tuple[str, int, str, str]]:
    """``GET /files/{id}/mhl``, read back with ascmhl's own parser: ``(path, size, format, hash)`` per member."""
    r = httpx.get(f"{orch.url}/files/{file_id}/mhl", headers={"X-API-Key": orch.api_key}, timeout=30)
    assert r.status_code == 200, r.text
    manifest = into / "ascmhl" / "0001_export.mhl"
    manifest.parent.mkdir(parents=True)
    manifest.write_bytes(r.content)
    hashes = hashlist_xml_parser.parse(str(manifest)).media_hashes
    return sorted((m.path, m.file_size, m.hash_entries[0].hash_format, m.hash_entries[0].hash_string) for m in hashes)


def reference(folder: Path, files: dict[str, bytes]) -> list[tuple[str, int, str, str]]:
    """A copy of the same bytes sealed by the ASC's reference tool: ``ascmhl create -h xxh64``."""
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    ascmhl("create", "-h", "xxh64", folder)
    [generation] = (folder / "ascmhl").glob("0001_*.mhl")
    hashes = hashlist_xml_parser.parse(str(generation)).media_hashes
    return sorted(
        (m.path, m.file_size, m.hash_entries[0].hash_format, m.hash_entries[0].hash_string)
        for m in hashes
        if not m.is_directory
    )


def test_a_frame_sequence_is_exported_as_an_asc_mhl_manifest_with_the_hashes_ascmhl_computes(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    """Four DPX frames dropped at Tustin are reported as one SEQUENCE, every frame staged with the xxh64 taken in
    its hashing pass; the orchestrator's export lists each frame with the hash the reference tool computes for a
    copy of the same bytes, and ascmhl's own reader parses it."""
    watch = tmp_path / "watch"
    frames = {f"shot.{n:04d}.dpx": os.urandom(300 * 1024 + n) for n in range(1, 5)}
    (watch / "pm1" / "reel").mkdir(parents=True)
    for name, data in frames.items():
        (watch / "pm1" / "reel" / name).write_bytes(data)
    d = daemon_factory("tustin", watch, orchestrator.url).start()
    seq = wait_until(lambda: reported(orchestrator, "pm1/reel/shot.####.dpx", "SEQUENCE"), 60, what="the sequence")
    assert d.stop() == 0

    assert seq["memberCount"] == 4
    assert {e["node"]["path"]: (e["node"]["hashFormat"], e["node"]["hash"]) for e in seq["members"]["edges"]} == {
        name: ("xxh64", xxhash.xxh64(data).hexdigest()) for name, data in frames.items()
    }
    theirs = reference(tmp_path / "reference" / "reel", frames)
    assert [(p, n, f) for p, n, f, _ in theirs] == [(name, len(frames[name]), "xxh64") for name in sorted(frames)]
    assert exported(orchestrator, str(seq["id"]), tmp_path / "export") == theirs


async def test_a_staged_member_sends_its_card_hash_before_its_own(orchestrator: Orchestrator) -> None:
    """A card's members are verified in their history's formats (daemon/cards.py): that hash is staged even when
    the member also has the xxh64 kept beside it; a member with only its own sends that; one with neither, none."""
    data = {"CLIPS/A.mxf": b"clip a", "CLIPS/B.mxf": b"clip b", "ascmhl/ascmhl_chain.xml": b"<chain/>"}
    sha = {p: hashlib.sha256(b).hexdigest() for p, b in data.items()}
    own = {p: xxhash.xxh64(b).hexdigest() for p, b in data.items()}
    card_md5 = hashlib.md5(data["CLIPS/A.mxf"], usedforsecurity=False).hexdigest()
    members = [
        ("CLIPS/A.mxf", 6, sha["CLIPS/A.mxf"], "xxh64", own["CLIPS/A.mxf"]),
        ("CLIPS/B.mxf", 6, sha["CLIPS/B.mxf"], "xxh64", own["CLIPS/B.mxf"]),
        ("ascmhl/ascmhl_chain.xml", 8, sha["ascmhl/ascmhl_chain.xml"], None, None),
    ]
    custody = {"records": [], "integrityError": None, "hashes": {"CLIPS/A.mxf": ["md5", card_md5]}}
    folder = f"pm2/{uuid.uuid4().hex[:8]}.CARD"
    report = FileReport(
        site="nashville",
        path=folder,
        size_bytes=20,
        sha256=manifest_sha256((p, n, h) for p, n, h, *_ in members),
        modified_at="2026-01-02T03:04:05+00:00",
        report_id=str(uuid.uuid4()),
        package=PackageReport("FOLDER", folder.rsplit("/", 1)[-1], members, custody=custody),
    )
    client = await connected_client(orchestrator)
    try:
        outcome = await client.report_package(report)
    finally:
        await client.close()
    assert isinstance(outcome, ReportedFile), outcome
    edges = orchestrator.query(MEMBERS_QUERY, {"id": outcome.id})["file"]["members"]["edges"]
    assert {e["node"]["path"]: (e["node"]["hashFormat"], e["node"]["hash"]) for e in edges} == {
        "CLIPS/A.mxf": ("md5", card_md5),
        "CLIPS/B.mxf": ("xxh64", own["CLIPS/B.mxf"]),
        "ascmhl/ascmhl_chain.xml": (None, None),
    }


def test_a_red_clip_folder_is_exported_without_its_own_history_files(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    """An ``.RDC`` folder gets an ``ascmhl/`` history written into it at the source (its members, with no hash of
    their own); the export lists the clip's segments only, with the hashes the reference tool computes."""
    watch = tmp_path / "watch"
    segments = {f"A002_C003_0101AB_00{n}.R3D": os.urandom(200 * 1024 + n) for n in range(1, 4)}
    clip = watch / "pm3" / "A002_C003_0101AB.RDC"
    clip.mkdir(parents=True)
    for name, data in segments.items():
        (clip / name).write_bytes(data)
    d = daemon_factory("tustin", watch, orchestrator.url).start()
    found = wait_until(lambda: reported(orchestrator, "pm3/A002_C003_0101AB.RDC", "FOLDER"), 60, what="the clip")
    assert d.stop() == 0

    paths = {e["node"]["path"] for e in found["members"]["edges"]}
    assert set(segments) < paths and any(p.startswith("ascmhl/") for p in paths), paths
    theirs = reference(tmp_path / "reference" / "A002_C003_0101AB.RDC", segments)
    assert exported(orchestrator, str(found["id"]), tmp_path / "export") == theirs
