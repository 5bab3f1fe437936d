"""What the transfer agent and the orchestrator say to each other about a ``TransferJob``: the GraphQL documents
the agent sends, a job as it arrives (:class:`JobView`) and the file it names (:class:`FileToFetch`), the work a
worker takes (:class:`Work`) and how an attempt ended (:data:`Outcome`). Data only, shared by the claim loop
(``daemon.agent``), the single-file download (``daemon.filefetch``) and the reports (``daemon.jobreports``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from gql import GraphQLRequest

from daemon.transferstate import AgentJob, JobStatus

PARTIAL_DIR = ".colorroute-partial"
HUB_TRANSPORT = "HUB"

_JOB_FIELDS = (
    "id status transport attempts error eventCursor destinationSite { code }"
    " file { id path sha256 sizeBytes contentAvailable kind }"
)
EVENTS = GraphQLRequest(
    f"subscription TransferJobs($site: String!, $after: String) {{"
    f" transferEvents(siteCode: $site, after: $after) {{ {_JOB_FIELDS} }} }}"
)
LIST = GraphQLRequest(
    f"query TransferJobs($status: TransferStatus!, $after: String) {{"
    f" transfers(status: $status, first: 200, after: $after) {{"
    f" pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {_JOB_FIELDS} }} }} }} }}"
)
START = GraphQLRequest(
    "mutation StartTransfer($id: ID!) { startTransfer(id: $id) { id state transfers { id status attempts } } }"
)
COMPLETE = GraphQLRequest(
    "mutation CompleteTransfer($id: ID!, $sha256: String!) { completeTransfer(id: $id, sha256: $sha256) { id state } }"
)
#: Completion of a placed file also says where it landed on this site's storage (the colorist's queue shows it).
COMPLETE_PLACED = GraphQLRequest(
    "mutation CompleteTransfer($id: ID!, $sha256: String!, $deliveredPath: String) {"
    " completeTransfer(id: $id, sha256: $sha256, deliveredPath: $deliveredPath) { id state } }"
)
FAIL = GraphQLRequest(
    "mutation FailTransfer($id: ID!, $error: String!) { failTransfer(transferId: $id, error: $error) { id status } }"
)
PROGRESS = GraphQLRequest(
    "mutation TransferProgress($id: ID!, $bytes: BigInt!, $rate: Float) {"
    " reportTransferProgress(transferId: $id, bytesTransferred: $bytes, rateBytesPerSecond: $rate) { id } }"
)

# The job is no longer there to run: cancelled, failed or finished by someone else, or the file moved on.
JOB_GONE = frozenset({"INVALID_TRANSITION", "NOT_FOUND"})

Outcome = Literal["done", "failed", "fatal", "dropped"]


@dataclass(frozen=True)
class FileToFetch:
    file_id: str
    path: str  # relative, POSIX: where it lands below the incoming folder
    sha256: str
    size: int
    kind: str = "FILE"  # SEQUENCE or FOLDER: a package (daemon.packagefetch)

    def as_job(self, transfer_id: str | None, status: JobStatus, attempts: int, custody: str | None = None) -> AgentJob:
        """``custody``: a card's records to report, JSON (``AgentJob.custody``)."""
        job = AgentJob(self.file_id, transfer_id, self.path, self.sha256, self.size, status, attempts, kind=self.kind)
        return replace(job, custody=custody)


@dataclass(frozen=True)
class JobView:
    """One ``TransferJob`` as the agent sees it (from an event or a list)."""

    transfer_id: str
    status: str
    transport: str
    attempts: int
    error: str | None
    cursor: str | None
    destination: str
    content_available: bool
    file: FileToFetch

    @classmethod
    def parse(cls, node: dict[str, Any]) -> JobView:
        f = node["file"]
        return cls(
            transfer_id=str(node["id"]),
            status=str(node["status"]),
            transport=str(node.get("transport") or HUB_TRANSPORT),
            attempts=int(node["attempts"]),
            error=node.get("error"),
            cursor=node.get("eventCursor"),
            destination=str(node["destinationSite"]["code"]),
            content_available=bool(f["contentAvailable"]),
            file=FileToFetch(
                str(f["id"]), str(f["path"]), str(f["sha256"]), int(str(f["sizeBytes"])), str(f.get("kind") or "FILE")
            ),
        )


@dataclass(frozen=True)
class Work:
    kind: Literal["claim", "resume", "complete"]
    file: FileToFetch
    transfer_id: str | None = None
    attempts: int = 0  # automatic attempts already spent since the job was last queued
