"""A restart that finds a card delivered (renamed into place) but its transfer not completed reports the card's
custody again, against a real orchestrator: the records stored with the job before the rename — so a FAILED
record, which leaves nothing of ours in the delivered history, still reaches the chain of custody — or, for a job
stored before they were kept, this site's generation read back from the delivered history."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from daemon_harness import Orchestrator
from test_daemon_custody import sealed_card
from transfer_harness import Operator

from daemon import custody
from daemon.agent import FileToFetch, TransferAgent
from daemon.destcustody import records_to_json, seal_delivery
from daemon.packagefetch import package_destination, place_package, report_delivered_custody
from daemon.packages import manifest_sha256
from daemon.transferjobs import Work

STAGE = "mutation($input: StagePackageMembersInput!) { stagePackageMembers(input: $input) }"
REPORT = "mutation($input: ReportFileInput!) { reportFile(input: $input) { id } }"
ACCEPT = "mutation($id: ID!, $r: String!) { acceptIntegrityRisk(id: $id, reason: $r) { id } }"
START = "mutation($id: ID!) { startTransfer(id: $id) { transfers { id status } } }"
FILE = """query($id: ID!) { file(id: $id) { state transfers { status }
  custody { action hashFormat tool generation site { code } } } }"""


@pytest.fixture(scope="module")
def operator(orchestrator: Orchestrator) -> Iterator[Operator]:
    op = Operator.create(orchestrator)
    yield op
    op.close()


def members(card: Path) -> list[dict[str, Any]]:
    return [
        {"path": p.relative_to(card).as_posix(), "sizeBytes": p.stat().st_size,
         "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
        for p in sorted(card.rglob("*")) if p.is_file()
    ]  # fmt: skip


def report_at_tustin(orch: Orchestrator, operator: Operator, card: Path, path: str) -> tuple[FileToFetch, str]:
    """Tustin verifies the card (``source_outcome``: its generation, or FAILED) and reports it with its custody;
    an admin accepts a failing card's risk and queues it to Nashville, whose agent claims it."""
    history = custody.read_history(card)
    media = [m["path"] for m in members(card)]
    outcome = custody.source_outcome(
        card, custody.digest_members(card, media, history), site="tustin", read_only=False, host="tustin-host"
    )
    listed = members(card)
    sha = manifest_sha256((m["path"], m["sizeBytes"], m["sha256"]) for m in listed)
    rid = str(uuid.uuid4())
    orch.query(STAGE, {"input": {"site": "tustin", "reportId": rid, "members": listed}})
    verdict = {"custody": [r.to_json() for r in outcome.records], "integrityError": outcome.integrity_error}
    package = {"kind": "FOLDER", "memberCount": len(listed), "filename": card.name, **verdict}
    size = sum(m["sizeBytes"] for m in listed)
    given = {"site": "tustin", "path": path, "sizeBytes": size, "sha256": sha, "reportId": rid, "package": package}
    file_id = str(orch.query(REPORT, {"input": given})["reportFile"]["id"])
    if outcome.integrity_error:
        operator.gql(ACCEPT, {"id": file_id, "r": "re-offloaded from the camera; the producer signed off"})
    operator.queue(file_id)
    transfers = orch.query(START, {"id": file_id})["startTransfer"]["transfers"]
    transfer_id = max(str(t["id"]) for t in transfers if t["status"] == "RUNNING")
    return FileToFetch(file_id, path, sha, size, "FOLDER"), transfer_id


def deliver(agent: TransferAgent, tmp_path: Path, card: Path, f: FileToFetch, orch: Orchestrator) -> Any:
    """What the agent does with the verified card before the crash: seal it in staging (with the custody the
    orchestrator holds) and rename it into the incoming folder."""
    staged = tmp_path / "stage" / card.name
    shutil.copytree(card, staged)
    known = orch.query("query($id: ID!) { file(id: $id) { custody { at action hashFormat host tool location"
                       " generation site { code } } } }", {"id": f.file_id})["file"]  # fmt: skip
    records = [custody.Record.from_json({**r, "site": (r["site"] or {}).get("code")}) for r in known["custody"]]
    sealed = seal_delivery(staged, [m["path"] for m in members(card)], records, "nashville", host="nashville-host")
    dest = package_destination(agent._incoming, f)
    assert dest is not None
    place_package(staged, f, agent._incoming, dest)
    return sealed


def ours(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Nashville's ASC MHL records (completeTransfer adds its SHA-256 verification, not the agent's to report)."""
    return [r for r in node["custody"] if (r["site"] or {}).get("code") == "nashville" and r["hashFormat"] != "sha256"]


def hops(node: dict[str, Any]) -> list[tuple[str, int | None]]:
    return [(r["action"], r["generation"]) for r in ours(node)]


async def test_a_restart_reports_the_stored_failed_record_the_delivered_history_lacks(
    orchestrator: Orchestrator, operator: Operator, agent: TransferAgent, tmp_path: Path
) -> None:
    card = sealed_card(tmp_path / "dit" / "C003", {"C003C001.mxf": os.urandom(6000), "C003C002.mxf": b"ok" * 900})
    data = bytearray((card / "C003C001.mxf").read_bytes())
    data[1234] ^= 0x01  # one bit flipped after the DIT sealed the card: its history disagrees from then on
    (card / "C003C001.mxf").write_bytes(bytes(data))
    f, transfer_id = report_at_tustin(orchestrator, operator, card, f"restart/{uuid.uuid4().hex[:8]}/C003")
    sealed = deliver(agent, tmp_path, card, f, orchestrator)
    assert sealed.error is not None and [(r.action, r.generation) for r in sealed.records] == [("FAILED", None)]
    delivered = package_destination(agent._incoming, f)
    assert delivered is not None and custody.read_history(delivered).records[-1].site != "nashville"
    # The agent died after the rename, before recordCustody was answered: the job is left "delivered".
    await agent._state.put_job(f.as_job(transfer_id, "delivered", 0, records_to_json(sealed.records)))
    assert hops(operator.gql(FILE, {"id": f.file_id})["file"]) == []

    await report_delivered_custody(agent, f)  # say the first report went through, and only completion was lost
    await agent._handle_claimed(Work("complete", f, transfer_id, 0), None)  # the restart's path

    node = operator.gql(FILE, {"id": f.file_id})["file"]
    assert hops(node) == [("FAILED", None)], "the destination's FAILED record, once"
    assert "no generation written" in ours(node)[0]["tool"]
    assert node["transfers"][-1]["status"] == "COMPLETED"
    assert await agent._state.job(f.file_id) is None


async def test_a_job_stored_without_its_records_reports_from_the_delivered_history(
    orchestrator: Orchestrator, operator: Operator, agent: TransferAgent, tmp_path: Path
) -> None:
    card = sealed_card(tmp_path / "dit" / "A001", {"A001C001.mxf": os.urandom(6000), "A001C002.mxf": b"fine" * 300})
    f, transfer_id = report_at_tustin(orchestrator, operator, card, f"restart/{uuid.uuid4().hex[:8]}/A001")
    sealed = deliver(agent, tmp_path, card, f, orchestrator)
    assert sealed.error is None and sealed.generation == 3  # DIT → Tustin → Nashville
    await agent._state.put_job(f.as_job(transfer_id, "delivered", 0))  # as a daemon before AgentJob.custody did

    await report_delivered_custody(agent, f)

    assert hops(operator.gql(FILE, {"id": f.file_id})["file"]) == [("VERIFIED", 3)]
