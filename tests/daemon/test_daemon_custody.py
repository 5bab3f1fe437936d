"""Chain of custody end to end: cards sealed by the real ``ascmhl`` CLI (the DIT), dropped at a real daemon
watching for a real orchestrator; the history is verified in the hashing pass, the source's generation written,
and the destination's (``write_destination_generation``) accepted by the reference tool. A changed byte and a
broken history are reported with ``integrityError`` (nothing lost, the daemon keeps running), and a failing
card cannot be validated until an engineer accepts the risk with a reason."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from ascmhl import hashlist_xml_parser
from daemon_harness import VENV_BIN, DaemonProcess, Orchestrator, wait_until

from daemon.custody import Record, write_destination_generation

DaemonFactory = Callable[..., DaemonProcess]

CARD_QUERY = """
query($search: String) {
  files(first: 50, filter: { search: $search }) { edges { node {
    id path kind memberCount state integrityError integrityAcceptedReason allowedActions
    custody { at action hashFormat host tool location generation site { code } }
    members(first: 100) { edges { node { path sha256 hashFormat hash } } }
  } } }
}
"""
VALIDATE = "mutation($id: ID!){ validateFile(id: $id){ id state } }"
ACCEPT = """mutation($id: ID!, $reason: String!){
  acceptIntegrityRisk(id: $id, reason: $reason){ id integrityAcceptedReason } }"""
AUDIT = "query($id: ID!){ audit(fileId: $id, first: 20){ edges { node { action actor details } } } }"


def ascmhl(*args: str | Path) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "ascmhl"), *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"ascmhl {args}: {done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def generations(card: Path) -> int:
    return ascmhl("info", card).count("Generation ")


def sealed_card(folder: Path, clips: dict[str, bytes]) -> Path:
    """A camera card offloaded and sealed on set, the way a DIT does it: ``ascmhl create -h xxh64``."""
    for name, data in clips.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    ascmhl("create", "-h", "xxh64", folder)
    return folder


def card(orch: Orchestrator, path: str) -> dict[str, Any] | None:
    """The card as reported, with its custody from the card's history and the source daemon (the hub's record,
    added once the source's upload of the card completes, is left out: that races with these checks)."""
    edges = orch.query(CARD_QUERY, {"search": path})["files"]["edges"]
    found = [e["node"] for e in edges if e["node"]["path"] == path]
    if not found:
        return None
    latest = found[-1]
    return {**latest, "custody": [r for r in latest["custody"] if r["location"] != "hub"]}


def engineer(orch: Orchestrator) -> httpx.Client:
    """A signed-in engineer (created with the real CLI on the orchestrator's data dir)."""
    env = {**os.environ, "COLORROUTE_DATA_DIR": str(orch.data_dir)}
    env.pop("DATABASE_URL", None)
    command = ["create-user", "eng", "--role", "engineer", "--site", "tustin", "--password-stdin"]
    subprocess.run(
        [str(VENV_BIN / "colorroute"), *command],
        input="engineer-test-pass\n", text=True, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    client = httpx.Client(base_url=orch.url, timeout=30)
    login = 'mutation{ login(username: "eng", password: "engineer-test-pass"){ id } }'
    assert not client.post("/graphql", json={"query": login}).json().get("errors")
    return client


def gql(client: httpx.Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = client.post("/graphql", json={"query": query, "variables": variables}).json()
    return body


def test_a_sealed_card_is_verified_at_the_source_and_delivered_with_three_generations(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    staging = tmp_path / "dit"
    clips = {"CLIPS/A001C001.mxf": os.urandom(300_000), "CLIPS/A001C002.mxf": os.urandom(200_000), "A001.xml": b"<x/>"}
    sealed = sealed_card(staging / "A001", clips)
    watch = tmp_path / "watch"
    watch.mkdir()
    shutil.copytree(sealed, watch / "cards" / "A001")  # the card lands at Tustin

    d = daemon_factory("tustin", watch, orchestrator.url).start()
    found = wait_until(lambda: card(orchestrator, "cards/A001"), 120, what="the card reported")
    assert found["kind"] == "FOLDER" and found["integrityError"] is None
    actions = [(r["action"], r["generation"], (r["site"] or {}).get("code")) for r in found["custody"]]
    assert actions == [("ORIGINAL", 1, None), ("VERIFIED", 2, "tustin")], found["custody"]
    assert found["custody"][0]["tool"] == "ascmhl 1.2" and found["custody"][1]["location"] == "tustin"
    assert {r["hashFormat"] for r in found["custody"]} == {"xxh64"}
    # the source generation is on the card, written before the manifest: its files are members of the report
    assert generations(watch / "cards" / "A001") == 2
    members = {m["node"]["path"]: m["node"] for m in found["members"]["edges"]}
    history_files = [p for p in members if p.startswith("ascmhl/")]
    assert len(history_files) == 3 and found["memberCount"] == len(clips) + 3, members.keys()
    assert members["CLIPS/A001C001.mxf"]["hashFormat"] == "xxh64" and len(members["CLIPS/A001C001.mxf"]["hash"]) == 16
    assert d.events("custody.generation") and not d.events("custody.rehash"), "one read pass: no second read"
    # Our own write coming back through the watcher is not a new version, and is not written again. Whether the
    # watcher sees that write as new activity (package.unchanged) or within the first listing depends on timing;
    # either way a file dropped after it and reported means the daemon has worked through the events before it.
    (watch / "custody-sentinel.txt").write_bytes(b"a file dropped after the card")
    wait_until(
        lambda: d.events("package.unchanged") or orchestrator.files("custody-sentinel.txt"),
        240,
        what="our generation seen again, or a later file reported",
    )
    assert len(d.events("custody.generation")) == 1 and len(d.events("package.queued")) == 1

    # The destination (Nashville) receives the card and adds its generation: DIT → source → destination.
    delivered = tmp_path / "nashville" / "A001"
    shutil.copytree(watch / "cards" / "A001", delivered)
    written = write_destination_generation(delivered, found["custody"], "nashville")
    assert [(r.action, r.generation, r.site) for r in written] == [("VERIFIED", 3, "nashville")]
    info = ascmhl("info", "-v", delivered)
    assert generations(delivered) == 3 and "nashville" in info and "tustin" in info, info
    ascmhl("create", "-h", "xxh64", delivered)  # the reference tool verifies the whole chain: exit 0
    assert d.stop() == 0


def test_read_only_media_is_untouched_and_the_destination_writes_the_source_generation(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    sealed = sealed_card(watch / "ro" / "B002", {"B002C001.mov": os.urandom(100_000)})
    before = sorted(p.name for p in (sealed / "ascmhl").iterdir())
    d = daemon_factory("tustin", watch, orchestrator.url, "--mhl-read-only").start()
    found = wait_until(lambda: card(orchestrator, "ro/B002"), 120, what="the read-only card")
    assert sorted(p.name for p in (sealed / "ascmhl").iterdir()) == before, "the source was not written to"
    assert [(r["action"], r["generation"]) for r in found["custody"]] == [("ORIGINAL", 1), ("VERIFIED", None)]
    delivered = tmp_path / "dest" / "B002"
    shutil.copytree(sealed, delivered)
    records = [Record.from_json({**r, "site": (r["site"] or {}).get("code")}) for r in found["custody"]]
    written = write_destination_generation(delivered, records, "nashville")
    assert [(r.site, r.generation) for r in written] == [("tustin", 2), ("nashville", 3)]
    assert generations(delivered) == 3
    assert d.stop() == 0


def test_a_changed_byte_fails_validation_until_the_risk_is_accepted_with_a_reason(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    sealed = sealed_card(tmp_path / "dit" / "C003", {"C003C001.mxf": os.urandom(50_000), "C003C002.mxf": b"ok" * 500})
    data = bytearray((sealed / "C003C001.mxf").read_bytes())
    data[1234] ^= 0xFF  # one byte flipped after sealing
    (sealed / "C003C001.mxf").write_bytes(bytes(data))
    shutil.copytree(sealed, watch / "bad" / "C003")
    broken = sealed_card(tmp_path / "dit" / "D004", {"D004C001.mxf": os.urandom(1000)})
    chain = broken / "ascmhl" / "ascmhl_chain.xml"
    chain.write_bytes(chain.read_bytes()[: len(chain.read_bytes()) // 2])  # truncated XML
    shutil.copytree(broken, watch / "bad" / "D004")

    d = daemon_factory("tustin", watch, orchestrator.url).start()
    failing = wait_until(lambda: card(orchestrator, "bad/C003"), 120, what="the tampered card, still reported")
    assert failing["integrityError"].startswith("C003C001.mxf: xxh64 mismatch"), failing["integrityError"]
    assert "C003C002" not in failing["integrityError"]
    assert [r["action"] for r in failing["custody"]] == ["ORIGINAL", "FAILED"]
    assert generations(watch / "bad" / "C003") == 1, "a failing card gets no generation"
    truncated = wait_until(lambda: card(orchestrator, "bad/D004"), 120, what="the card with a truncated history")
    assert truncated["integrityError"].startswith("ascmhl: the history cannot be read"), truncated["integrityError"]
    # the daemon keeps running: a good card after the bad ones is reported
    sealed_card(tmp_path / "dit" / "E005", {"E005C001.mxf": b"fine" * 100})
    shutil.copytree(tmp_path / "dit" / "E005", watch / "bad" / "E005")
    assert wait_until(lambda: card(orchestrator, "bad/E005"), 120, what="a good card after")["integrityError"] is None

    eng = engineer(orchestrator)
    assert "VALIDATE" not in failing["allowedActions"]
    refused = gql(eng, VALIDATE, {"id": failing["id"]})
    assert refused["errors"][0]["extensions"]["code"] == "INTEGRITY_FAILED", refused
    assert "C003C001.mxf" in refused["errors"][0]["extensions"]["integrityError"]
    no_reason = gql(eng, ACCEPT, {"id": failing["id"], "reason": "  "})
    assert no_reason["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    accepted = gql(eng, ACCEPT, {"id": failing["id"], "reason": "re-offloaded from the camera; producer signed off"})
    assert accepted["data"]["acceptIntegrityRisk"]["integrityAcceptedReason"].startswith("re-offloaded"), accepted
    assert gql(eng, VALIDATE, {"id": failing["id"]})["data"]["validateFile"]["state"] == "VALIDATED"
    trail = gql(eng, AUDIT, {"id": failing["id"]})["data"]["audit"]["edges"]
    entry = next(e["node"] for e in trail if e["node"]["action"] == "ACCEPT_INTEGRITY_RISK")
    assert entry["actor"] == "eng" and "C003C001.mxf" in entry["details"]["integrityError"]
    assert d.stop() == 0


def test_a_single_file_is_exported_as_an_asc_mhl_manifest_with_the_hash_ascmhl_computes(
    orchestrator: Orchestrator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    """A clip dropped alone gets its xxh64 in the source's hashing pass; the orchestrator's export of it lists the
    hash that the reference tool computes for the same bytes, and ascmhl's own reader parses it."""
    watch = tmp_path / "watch"
    data = os.urandom(5 * 1024 * 1024 + 321)  # several read buffers
    (watch / "single").mkdir(parents=True)
    (watch / "single" / "B004_C002.mov").write_bytes(data)
    d = daemon_factory("tustin", watch, orchestrator.url).start()
    found = wait_until(lambda: card(orchestrator, "single/B004_C002.mov"), 60, what="the report")
    d.stop()
    assert found["kind"] == "FILE"
    [member] = [e["node"] for e in found["members"]["edges"]]
    assert member["hashFormat"] == "xxh64"

    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "B004_C002.mov").write_bytes(data)
    ascmhl("create", "-h", "xxh64", reference)  # the ASC's own tool hashes the same bytes
    [generation] = (reference / "ascmhl").glob("0001_*.mhl")
    theirs = hashlist_xml_parser.parse(str(generation))
    [(path, expected)] = [(m.path, m.hash_entries[0].hash_string) for m in theirs.media_hashes]
    assert (path, member["hash"]) == ("B004_C002.mov", expected)

    r = httpx.get(f"{orchestrator.url}/files/{found['id']}/mhl", headers={"X-API-Key": orchestrator.api_key})
    assert r.status_code == 200, r.text
    exported = tmp_path / "export" / "ascmhl" / "0001_export.mhl"
    exported.parent.mkdir(parents=True)
    exported.write_bytes(r.content)
    ours = hashlist_xml_parser.parse(str(exported))
    assert [(m.path, m.file_size, m.hash_entries[0].hash_format, m.hash_entries[0].hash_string)
            for m in ours.media_hashes] == [("B004_C002.mov", len(data), "xxh64", expected)]  # fmt: skip
