"""The whole file lifecycle in one table.

Every state change in the system goes through ``next_state``; the UI's buttons come from the same table
(``allowed_actions``), so what is offered and what is accepted can never drift apart.
"""

from __future__ import annotations

from enum import StrEnum

from app.domain.errors import InvalidTransition


class FileState(StrEnum):
    DETECTED = "DETECTED"
    VALIDATED = "VALIDATED"
    QUEUED = "QUEUED"
    TRANSFERRING = "TRANSFERRING"
    TRANSFERRED = "TRANSFERRED"
    COLORIST_ASSIGNED = "COLORIST_ASSIGNED"
    IN_PROGRESS = "IN_PROGRESS"
    DELIVERED_TO_MAM = "DELIVERED_TO_MAM"
    ARCHIVED = "ARCHIVED"
    REJECTED = "REJECTED"


class FileAction(StrEnum):
    VALIDATE = "VALIDATE"
    QUEUE = "QUEUE"
    START_TRANSFER = "START_TRANSFER"
    COMPLETE_TRANSFER = "COMPLETE_TRANSFER"
    #: Not in the original contract's action list: a failed transfer (error or hash mismatch) sends the file
    #: back to QUEUED. Kept as an action so it is audited and permission-checked like every other step.
    FAIL_TRANSFER = "FAIL_TRANSFER"
    #: A person stops the running transfer (``cancelTransfer``): the file waits in QUEUED again, like after a
    #: failure, but nothing went wrong, so it is audited as what it was.
    CANCEL_TRANSFER = "CANCEL_TRANSFER"
    #: Send a QUEUED file (its job waiting, failed or cancelled) to another site instead (``rerouteFile``): the
    #: old destination's job ends, a fresh one is made for the new. The state stays QUEUED; audited as itself.
    REROUTE = "REROUTE"
    ASSIGN = "ASSIGN"
    START = "START"
    DELIVER = "DELIVER"
    ARCHIVE = "ARCHIVE"
    REJECT = "REJECT"
    #: The assigned colorist (or an engineer/admin) gives the file back, with a reason: it returns to TRANSFERRED
    #: with no colorist, ready to be assigned again, instead of being rejected for good (``handBackFile``).
    HAND_BACK = "HAND_BACK"
    #: Not a move in the table: go on with a package that failed verification against its ASC MHL history
    #: (``acceptIntegrityRisk``, with a reason; audited). Offered while the failure stands unaccepted.
    ACCEPT_INTEGRITY_RISK = "ACCEPT_INTEGRITY_RISK"


FINAL_STATES: frozenset[FileState] = frozenset({FileState.ARCHIVED, FileState.REJECTED})

_FORWARD: dict[tuple[FileState, FileAction], FileState] = {
    (FileState.DETECTED, FileAction.VALIDATE): FileState.VALIDATED,
    (FileState.VALIDATED, FileAction.QUEUE): FileState.QUEUED,
    (FileState.QUEUED, FileAction.START_TRANSFER): FileState.TRANSFERRING,
    (FileState.TRANSFERRING, FileAction.COMPLETE_TRANSFER): FileState.TRANSFERRED,
    (FileState.TRANSFERRING, FileAction.FAIL_TRANSFER): FileState.QUEUED,
    (FileState.TRANSFERRING, FileAction.CANCEL_TRANSFER): FileState.QUEUED,
    (FileState.QUEUED, FileAction.REROUTE): FileState.QUEUED,
    (FileState.TRANSFERRED, FileAction.ASSIGN): FileState.COLORIST_ASSIGNED,
    # Reassignment before work starts: the colorist changes, the state does not.
    (FileState.COLORIST_ASSIGNED, FileAction.ASSIGN): FileState.COLORIST_ASSIGNED,
    (FileState.COLORIST_ASSIGNED, FileAction.START): FileState.IN_PROGRESS,
    (FileState.IN_PROGRESS, FileAction.DELIVER): FileState.DELIVERED_TO_MAM,
    (FileState.DELIVERED_TO_MAM, FileAction.ARCHIVE): FileState.ARCHIVED,
    # A step back, not forward: the assignment is cleared and the file waits to be assigned again.
    (FileState.COLORIST_ASSIGNED, FileAction.HAND_BACK): FileState.TRANSFERRED,
    (FileState.IN_PROGRESS, FileAction.HAND_BACK): FileState.TRANSFERRED,
}

#: REJECT is allowed from every non-final state, DELIVERED_TO_MAM included (the MAM's QC can refuse).
TRANSITIONS: dict[tuple[FileState, FileAction], FileState] = {
    **_FORWARD,
    **{(s, FileAction.REJECT): FileState.REJECTED for s in FileState if s not in FINAL_STATES},
}

#: Actions that need a reason from the caller.
REASON_REQUIRED: frozenset[FileAction] = frozenset({FileAction.REJECT, FileAction.HAND_BACK})


def allowed_actions(state: FileState) -> list[FileAction]:
    """Actions the table permits from ``state``, in declaration order."""
    return [a for a in FileAction if (state, a) in TRANSITIONS]


def next_state(state: FileState, action: FileAction) -> FileState:
    """The state ``action`` leads to from ``state``; InvalidTransition names what *is* allowed."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        allowed = [a.value for a in allowed_actions(state)]
        raise InvalidTransition(
            f"cannot {action.value} a file in state {state.value}; allowed: {', '.join(allowed) or 'none'}",
            currentState=state.value,
            allowedActions=allowed,
        ) from None
