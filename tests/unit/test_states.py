"""The lifecycle table, exhaustively, without a database."""

from __future__ import annotations

import itertools

import pytest

from app.domain.errors import InvalidTransition
from app.domain.states import FINAL_STATES, TRANSITIONS, FileAction, FileState, allowed_actions, next_state

S, A = FileState, FileAction
EXPECTED = {
    (S.DETECTED, A.VALIDATE): S.VALIDATED,
    (S.VALIDATED, A.QUEUE): S.QUEUED,
    (S.QUEUED, A.START_TRANSFER): S.TRANSFERRING,
    (S.TRANSFERRING, A.COMPLETE_TRANSFER): S.TRANSFERRED,
    (S.TRANSFERRING, A.FAIL_TRANSFER): S.QUEUED,
    (S.TRANSFERRING, A.CANCEL_TRANSFER): S.QUEUED,
    (S.QUEUED, A.REROUTE): S.QUEUED,
    (S.TRANSFERRED, A.ASSIGN): S.COLORIST_ASSIGNED,
    (S.COLORIST_ASSIGNED, A.ASSIGN): S.COLORIST_ASSIGNED,
    (S.COLORIST_ASSIGNED, A.START): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.DELIVER): S.DELIVERED_TO_MAM,
    (S.DELIVERED_TO_MAM, A.ARCHIVE): S.ARCHIVED,
    (S.COLORIST_ASSIGNED, A.HAND_BACK): S.TRANSFERRED,
    (S.IN_PROGRESS, A.HAND_BACK): S.TRANSFERRED,
    **{(s, A.REJECT): S.REJECTED for s in S if s not in (S.ARCHIVED, S.REJECTED)},
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(FileState, FileAction)))
def test_every_state_action_pair(state: FileState, action: FileAction) -> None:
    if (state, action) in EXPECTED:
        assert next_state(state, action) is EXPECTED[(state, action)]
        assert action in allowed_actions(state)
    else:
        with pytest.raises(InvalidTransition) as info:
            next_state(state, action)
        assert info.value.code == "INVALID_TRANSITION"
        assert state.value in info.value.message
        assert info.value.extensions["allowedActions"] == [a.value for a in allowed_actions(state)]
        assert action not in allowed_actions(state)


def test_table_is_exactly_the_expected_lifecycle() -> None:
    assert TRANSITIONS == EXPECTED


def test_final_states_allow_nothing() -> None:
    assert FINAL_STATES == {S.ARCHIVED, S.REJECTED}
    for state in FINAL_STATES:
        assert allowed_actions(state) == []


def test_delivered_can_still_be_rejected_by_mam_qc() -> None:
    assert next_state(S.DELIVERED_TO_MAM, A.REJECT) is S.REJECTED
