"""A camera card end to end with real processes: sealed by the real ``ascmhl create -h xxh64`` (the DIT), dropped
at Tustin, verified there, streamed through the hub and delivered to Nashville, whose agent adds its generation
before the card appears — the reference tool accepts the delivered folder and shows DIT → source → destination,
and the file's custody shows every hop. A card whose bytes changed after sealing is never transferred until an
engineer accepts the risk, and then arrives without a VERIFIED generation written over its failing member."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from daemon_harness import DaemonProcess, Orchestrator, wait_until
from test_daemon_custody import ascmhl, generations, sealed_card
from transfer_harness import Operator

DaemonFactory = Callable[..., DaemonProcess]

CARD = """
query($search: String) {
  files(first: 20, filter: { search: $search }) { edges { node {
    id path kind state contentAvailable integrityError
    custody { action hashFormat tool location generation site { code } }
  } } }
}
"""
VALIDATE = "mutation($id: ID!) { validateFile(id: $id) { id } }"
QUEUE = 'mutation($id: ID!) { queueFile(id: $id, destinationSite: "nashville") { id state } }'
ACCEPT = "mutation($id: ID!, $r: String!) { acceptIntegrityRisk(id: $id, reason: $r) { id } }"
AUDIT = "query($id: ID!) { audit(fileId: $id, first: 50) { edges { node { action details } } } }"


@pytest.fixture(scope="module")
def operator(orchestrator: Orchestrator) -> Iterator[Operator]:
    op = Operator.create(orchestrator)
    yield op
    op.close()


def card(op: Operator, path: str) -> dict[str, Any] | None:
    found = [e["node"] for e in op.gql(CARD, {"search": path})["files"]["edges"] if e["node"]["path"] == path]
    return found[-1] if found else None


def hops(found: dict[str, Any]) -> list[tuple[str, str, str | None, str | None, int | None]]:
    return [
        (r["action"], r["hashFormat"], (r["site"] or {}).get("code"), r["location"], r["generation"])
        for r in found["custody"]
    ]


def errors(op: Operator, query: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
    body = op.http.post("/graphql", json={"query": query, "variables": variables}).json()
    return list(body.get("errors") or [])


def media(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and not p.relative_to(root).as_posix().startswith("ascmhl/")}  # fmt: skip


def two_sites(factory: DaemonFactory, orch: Orchestrator, tmp_path: Path, *source_flags: str) -> list[DaemonProcess]:
    (tmp_path / "watch").mkdir(exist_ok=True)
    (tmp_path / "nashville-watch").mkdir(exist_ok=True)
    source = factory("tustin", tmp_path / "watch", orch.url, *source_flags, state="tustin-state")
    agent = factory("nashville", tmp_path / "nashville-watch", orch.url, "--incoming", str(tmp_path / "incoming"),
                    state="nashville-state")  # fmt: skip
    return [source.start(), agent.start()]


def reference_tool_accepts(delivered: Path, tmp_path: Path) -> str:
    """``ascmhl info`` on the delivered folder, and ``ascmhl create`` (which verifies every earlier generation)
    on a copy of it: both must exit 0."""
    info = ascmhl("info", "-v", delivered)
    copy = tmp_path / "reference-copy" / delivered.name
    shutil.copytree(delivered, copy)
    ascmhl("create", "-h", "xxh64", copy)
    return info


def test_a_sealed_card_dropped_at_tustin_arrives_in_nashville_with_the_whole_chain(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    clips = {"CLIPS/A001C001.mxf": os.urandom(400_000), "CLIPS/A001C002.mxf": os.urandom(150_000), "A001.xml": b"<x/>"}
    sealed = sealed_card(tmp_path / "dit" / "A001", clips)
    shutil.copytree(sealed, tmp_path / "watch" / "day1" / "A001")  # the DIT's card lands at Tustin
    source, agent = two_sites(daemon_factory, orchestrator, tmp_path)

    found = wait_until(lambda: (c := card(operator, "day1/A001")) and c["contentAvailable"] and c, 120,
                       what="the card reported and its stream on the hub")  # fmt: skip
    assert found["kind"] == "FOLDER" and found["integrityError"] is None
    operator.gql(VALIDATE, {"id": found["id"]})
    operator.gql(QUEUE, {"id": found["id"]})
    done = wait_until(lambda: (c := card(operator, "day1/A001")) and c["state"] == "TRANSFERRED" and c, 120,
                      what="the card TRANSFERRED")  # fmt: skip

    delivered = tmp_path / "incoming" / "day1" / "A001"
    assert media(delivered) == clips, "every clip arrived, verified, in the card's layout"
    info = reference_tool_accepts(delivered, tmp_path)
    assert generations(delivered) == 3, info
    assert "tustin" in info and "nashville" in info, info
    assert hops(done) == [
        ("ORIGINAL", "xxh64", None, None, 1),  # the DIT's seal
        ("VERIFIED", "xxh64", "tustin", "tustin", 2),  # the source daemon
        ("VERIFIED", "sha256", None, "hub", None),  # the hub, member by member while the stream arrived
        ("VERIFIED", "xxh64", "nashville", "nashville", 3),  # the destination's generation, before the rename
        ("VERIFIED", "sha256", "nashville", "destination", None),  # completeTransfer's manifest hash
    ], done["custody"]
    [generation] = agent.events("custody.generation")
    assert generation["generation"] == 3 and generation["file_id"] == str(found["id"])
    assert not list((tmp_path / "incoming" / ".colorroute-partial").iterdir()), "nothing staged is left"
    assert source.stop() == 0 and agent.stop() == 0


def test_read_only_media_arrives_with_the_source_generation_written_by_the_destination(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    sealed = sealed_card(tmp_path / "watch" / "ro-delivery" / "B002", {"B002C001.mov": os.urandom(120_000)})
    source, agent = two_sites(daemon_factory, orchestrator, tmp_path, "--mhl-read-only")
    found = wait_until(lambda: (c := card(operator, "ro-delivery/B002")) and c["contentAvailable"] and c, 120,
                       what="the read-only card on the hub")  # fmt: skip
    assert generations(sealed) == 1, "the source card was not written to"
    operator.gql(VALIDATE, {"id": found["id"]})
    operator.gql(QUEUE, {"id": found["id"]})
    done = wait_until(lambda: (c := card(operator, "ro-delivery/B002")) and c["state"] == "TRANSFERRED" and c, 120,
                      what="the card TRANSFERRED")  # fmt: skip
    delivered = tmp_path / "incoming" / "ro-delivery" / "B002"
    info = reference_tool_accepts(delivered, tmp_path)
    assert generations(delivered) == 3, info
    listed = [(r[0], r[2], r[4]) for r in hops(done) if r[1] == "xxh64"]
    # the source's record keeps no generation number; the delivered history holds it as generation 2
    assert listed == [("ORIGINAL", None, 1), ("VERIFIED", "tustin", None), ("VERIFIED", "nashville", 3)], listed
    assert source.stop() == 0 and agent.stop() == 0


def test_a_changed_byte_is_never_transferred_until_accepted_and_arrives_without_a_verified_generation(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    sealed = sealed_card(tmp_path / "dit" / "C003", {"C003C001.mxf": os.urandom(60_000), "C003C002.mxf": b"ok" * 900})
    data = bytearray((sealed / "C003C001.mxf").read_bytes())
    data[4321] ^= 0x01  # one bit flipped after the DIT sealed the card
    (sealed / "C003C001.mxf").write_bytes(bytes(data))
    shutil.copytree(sealed, tmp_path / "watch" / "bad-delivery" / "C003")
    source, agent = two_sites(daemon_factory, orchestrator, tmp_path)
    found = wait_until(lambda: (c := card(operator, "bad-delivery/C003")) and c["contentAvailable"] and c, 120,
                       what="the tampered card, reported and uploaded")  # fmt: skip
    assert found["integrityError"].startswith("C003C001.mxf: xxh64 mismatch"), found["integrityError"]

    [refused] = errors(operator, VALIDATE, {"id": found["id"]})
    assert refused["extensions"]["code"] == "INTEGRITY_FAILED", refused
    assert errors(operator, QUEUE, {"id": found["id"]}), "an unvalidated card cannot be queued"
    assert card(operator, "bad-delivery/C003")["state"] == "DETECTED"  # type: ignore[index]
    assert not (tmp_path / "incoming" / "bad-delivery").exists(), "never transferred"

    operator.gql(ACCEPT, {"id": found["id"], "r": "re-offloaded from the camera; the producer signed off"})
    operator.gql(VALIDATE, {"id": found["id"]})
    operator.gql(QUEUE, {"id": found["id"]})
    done = wait_until(lambda: (c := card(operator, "bad-delivery/C003")) and c["state"] == "TRANSFERRED" and c, 120,
                      what="the accepted card TRANSFERRED")  # fmt: skip
    delivered = tmp_path / "incoming" / "bad-delivery" / "C003"
    assert (delivered / "C003C001.mxf").read_bytes() == bytes(data), "the accepted bytes arrived as they were"
    assert generations(delivered) == 1, "no VERIFIED generation written over a failing member"
    ours = [h for h in hops(done) if h[2] == "nashville" and h[1] != "sha256"]
    assert ours == [("FAILED", "xxh64", "nashville", "nashville", None)], done["custody"]
    failed = agent.events("custody.failed")
    assert failed and "C003C001.mxf: xxh64 mismatch" in failed[0]["error"], failed
    assert not agent.events("custody.generation")
    trail = [e["node"] for e in operator.gql(AUDIT, {"id": found["id"]})["audit"]["edges"]]
    accepted = next(e for e in trail if e["action"] == "ACCEPT_INTEGRITY_RISK")
    assert accepted["details"]["reason"].startswith("re-offloaded") and "C003C001.mxf" in accepted["details"][
        "integrityError"]  # fmt: skip
    assert any(e["action"] == "RECORD_CUSTODY" for e in trail)
    assert source.stop() == 0 and agent.stop() == 0
