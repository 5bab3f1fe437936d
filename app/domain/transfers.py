"""The transfer job's status table, and who may make each move.

Like the file lifecycle (``states.py``): every status change of a job goes through ``next_status`` and
``check``; ``allowed_transfer_actions`` is the same table seen by one viewer, so the buttons the UI offers
and the moves the API accepts cannot drift apart.

Who moves a job:
- **HUB** jobs are started and completed by the destination's transfer agent alone (its site key, or the
  global daemon key), after it verified what it downloaded: nothing reaches TRANSFERRED on a person's word.
- **EXTERNAL** jobs (bytes moved outside the hub, e.g. RaySync) are started and completed by whatever moved
  them: the destination's key or an engineer/admin, and the completion must carry the file's SHA-256.
- People (ADMIN, ENGINEER) may fail, cancel and retry any job; agents may fail the jobs they run.
- The system (the lease sweeper, a rejection cancelling its file's jobs) may fail, cancel and retry, never
  start or complete: it has no bytes to vouch for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.errors import Forbidden, InvalidTransition
from app.domain.permissions import Actor, ActorKind, Role


class TransferStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class TransferAction(StrEnum):
    START = "START"
    COMPLETE = "COMPLETE"
    FAIL = "FAIL"
    CANCEL = "CANCEL"
    #: Not a move of the job itself: a fresh PENDING attempt replaces it (the ended job is kept as history).
    RETRY = "RETRY"


class Transport(StrEnum):
    HUB = "HUB"
    EXTERNAL = "EXTERNAL"


#: Statuses a job still waits or runs in; a file has at most one such job.
ACTIVE: frozenset[TransferStatus] = frozenset({TransferStatus.PENDING, TransferStatus.RUNNING})

TRANSITIONS: dict[tuple[TransferStatus, TransferAction], TransferStatus] = {
    (TransferStatus.PENDING, TransferAction.START): TransferStatus.RUNNING,
    (TransferStatus.RUNNING, TransferAction.COMPLETE): TransferStatus.COMPLETED,
    (TransferStatus.RUNNING, TransferAction.FAIL): TransferStatus.FAILED,
    (TransferStatus.PENDING, TransferAction.CANCEL): TransferStatus.CANCELLED,
    (TransferStatus.RUNNING, TransferAction.CANCEL): TransferStatus.CANCELLED,
    # The status the fresh attempt starts in.
    (TransferStatus.FAILED, TransferAction.RETRY): TransferStatus.PENDING,
    (TransferStatus.CANCELLED, TransferAction.RETRY): TransferStatus.PENDING,
}

_AGENT_MOVES = frozenset({TransferAction.START, TransferAction.COMPLETE, TransferAction.FAIL})
_PEOPLE_MOVES = frozenset(TransferAction)
_SYSTEM_MOVES = frozenset({TransferAction.FAIL, TransferAction.CANCEL, TransferAction.RETRY})
#: Moves that vouch for bytes: on a HUB job only the agent that downloaded and verified them makes them.
_VOUCHING = frozenset({TransferAction.START, TransferAction.COMPLETE})


@dataclass(frozen=True)
class JobFacts:
    """What a decision about one job needs to know, and nothing more."""

    status: TransferStatus
    transport: Transport
    destination_code: str
    #: RETRY only: the job is its file's latest and the file waits in QUEUED (nothing else is under way).
    retryable: bool = False


def refusal(
    actor: Actor,
    action: TransferAction,
    transport: Transport | None,
    destination_code: str | None,
    verb: str | None = None,
) -> str | None:
    """Why ``actor`` may not ``action`` a job of this transport bound for this site; None when it may.
    ``transport`` None means the file has no job yet (only the lifecycle can refuse then). ``verb`` names the
    request in the reason when it is not the move itself (progress is reported by whoever may complete)."""
    verb = verb or action.value.lower()
    if actor.kind is ActorKind.SYSTEM:
        if action in _SYSTEM_MOVES:
            return None
        return f"{actor.name} may not {verb} transfers: only what moved the bytes can vouch for them"
    if actor.kind is ActorKind.SITE:
        if action not in _AGENT_MOVES:
            return f"{actor.name} may not {verb} transfers: people cancel and retry them"
        if destination_code is None and actor.is_global_key:
            return None  # no job yet: the lifecycle refuses (INVALID_TRANSITION), as it would for any agent
        if destination_code is None or not actor.acts_for_site(destination_code):
            return f"{actor.name} may not {verb} a transfer to {destination_code or 'no site'}: only that site's agent"
        return None
    if actor.kind is ActorKind.USER and actor.role in (Role.ADMIN, Role.ENGINEER):
        if action in _VOUCHING and transport is Transport.HUB:
            return (
                f"people may not {verb} a HUB transfer: the destination's agent ({destination_code} site key) "
                "starts and completes HUB transfers, after verifying what it downloaded; people may fail, "
                "cancel or retry them"
            )
        if action in _PEOPLE_MOVES:
            return None
    return f"{actor.name} may not {verb} transfers"


def may(actor: Actor, action: TransferAction, job: JobFacts) -> bool:
    return refusal(actor, action, job.transport, job.destination_code) is None


def next_status(status: TransferStatus, action: TransferAction) -> TransferStatus:
    """The status ``action`` leads to; InvalidTransition names what *is* allowed from ``status``."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        allowed = [a.value for a in TransferAction if (status, a) in TRANSITIONS]
        raise InvalidTransition(
            f"cannot {action.value} a transfer that is {status.value}; allowed: {', '.join(allowed) or 'none'}",
            currentState=status.value,
            allowedActions=allowed,
        ) from None


def check(actor: Actor, action: TransferAction, job: JobFacts) -> TransferStatus:
    """Who first, then the table (as for files): Forbidden with the reason, or the status the move leads to."""
    reason = refusal(actor, action, job.transport, job.destination_code)
    if reason is not None:
        raise Forbidden(reason, action=action.value, transport=job.transport.value)
    to = next_status(job.status, action)
    if action is TransferAction.RETRY and not job.retryable:
        raise InvalidTransition(
            "only the latest ended transfer of a QUEUED file can be retried", currentState=job.status.value
        )
    return to


def allowed_transfer_actions(actor: Actor, job: JobFacts) -> list[TransferAction]:
    """What ``actor`` may do to this job now, in declaration order (drives the transfer's buttons)."""
    return [
        a
        for a in TransferAction
        if (job.status, a) in TRANSITIONS and (a is not TransferAction.RETRY or job.retryable) and may(actor, a, job)
    ]


def stalled(status: TransferStatus, last_progress_at: datetime | None, at: datetime, after_seconds: float) -> bool:
    """A RUNNING job whose bytes have not moved for ``after_seconds``: whatever should move them (an agent that
    died, hangs or never really claimed it) is not doing so. Its site's heartbeat says nothing about that."""
    if status is not TransferStatus.RUNNING or last_progress_at is None:
        return False
    return (at - last_progress_at).total_seconds() >= after_seconds
