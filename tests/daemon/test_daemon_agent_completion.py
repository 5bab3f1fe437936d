"""The agent's completion against a real orchestrator: it says where it placed the file (``deliveredPath``), and
an orchestrator that does not know that argument (older than it) still hears the completion, without it."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from pathlib import Path

import pytest
from daemon_harness import Orchestrator
from gql import GraphQLRequest
from transfer_harness import Operator

from daemon import jobreports
from daemon.agent import FileToFetch, TransferAgent

FILE = "query($id: ID!) { file(id: $id) { state deliveredPath transfers { status deliveredPath } } }"
#: What an orchestrator without deliveredPath makes of the agent's document: an argument it does not know.
UNKNOWN_ARGUMENT = GraphQLRequest(
    "mutation CompleteTransfer($id: ID!, $sha256: String!, $deliveredPath: String) {"
    " completeTransfer(id: $id, sha256: $sha256, placedAtFromTheFuture: $deliveredPath) { id state } }"
)


def transferring(orch: Orchestrator, operator: Operator, path: str) -> FileToFetch:
    """A file reported at Tustin, queued to Nashville and claimed by Nashville's agent (the global key)."""
    content = uuid.uuid4().hex.encode()
    sha = hashlib.sha256(content).hexdigest()
    reported = orch.query(
        "mutation($i: ReportFileInput!) { reportFile(input: $i) { id } }",
        {"i": {"site": "tustin", "path": path, "sizeBytes": len(content), "sha256": sha}},
    )["reportFile"]
    operator.queue(reported["id"])
    orch.query("mutation($id: ID!) { startTransfer(id: $id) { id } }", {"id": reported["id"]})
    return FileToFetch(str(reported["id"]), path, sha, len(content))


async def test_completion_reports_where_the_file_was_placed(
    orchestrator: Orchestrator, agent: TransferAgent, tmp_path: Path
) -> None:
    operator = Operator.create(orchestrator)
    try:
        f = transferring(orchestrator, operator, f"completion/{uuid.uuid4().hex[:8]}/A001.mov")
        node = await agent._complete_placed(f)
        assert node["state"] == "TRANSFERRED"
        file = operator.gql(FILE, {"id": f.file_id})["file"]
        placed = str((tmp_path / "incoming" / f.path).absolute())
        assert file["deliveredPath"] == placed
        assert file["transfers"] == [{"status": "COMPLETED", "deliveredPath": placed}]
    finally:
        operator.close()


async def test_an_orchestrator_without_delivered_path_still_hears_the_completion(
    orchestrator: Orchestrator, agent: TransferAgent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobreports, "COMPLETE_PLACED", UNKNOWN_ARGUMENT)
    operator = Operator.create(orchestrator)
    try:
        f = transferring(orchestrator, operator, f"completion/{uuid.uuid4().hex[:8]}/B001.mov")
        node = await asyncio.wait_for(agent._complete_placed(f), 60)  # refused, then completed without the path
        assert node["state"] == "TRANSFERRED"
        file = operator.gql(FILE, {"id": f.file_id})["file"]
        assert file["deliveredPath"] is None
        assert file["transfers"] == [{"status": "COMPLETED", "deliveredPath": None}]
    finally:
        operator.close()
