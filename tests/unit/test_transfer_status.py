"""The transfer job's status table and who may make each move, exhaustively, without a database."""

from __future__ import annotations

import itertools

import pytest

from app.domain.errors import Forbidden, InvalidTransition
from app.domain.permissions import SYSTEM, Actor, ActorKind, Role
from app.domain.transfers import (
    ACTIVE,
    TRANSITIONS,
    JobFacts,
    TransferAction,
    TransferStatus,
    Transport,
    allowed_transfer_actions,
    check,
    may,
    next_status,
    refusal,
)

S, A = TransferStatus, TransferAction
EXPECTED = {
    (S.PENDING, A.START): S.RUNNING,
    (S.RUNNING, A.COMPLETE): S.COMPLETED,
    (S.RUNNING, A.FAIL): S.FAILED,
    (S.PENDING, A.CANCEL): S.CANCELLED,
    (S.RUNNING, A.CANCEL): S.CANCELLED,
    (S.FAILED, A.RETRY): S.PENDING,
    (S.CANCELLED, A.RETRY): S.PENDING,
}
LEASE = Actor(kind=ActorKind.SYSTEM, name="system:transfer-lease")


def user(role: Role) -> Actor:
    return Actor(kind=ActorKind.USER, name=role.value.lower(), user_id=1, role=role)


def key(site: str | None) -> Actor:
    return Actor(kind=ActorKind.SITE, name=f"site:{site or 'global'}", site_code=site)


def job(status: TransferStatus, transport: Transport = Transport.HUB, retryable: bool = True) -> JobFacts:
    return JobFacts(status=status, transport=transport, destination_code="nashville", retryable=retryable)


def test_table_is_exactly_the_expected_moves() -> None:
    assert TRANSITIONS == EXPECTED
    assert {S.PENDING, S.RUNNING} == ACTIVE


@pytest.mark.parametrize(("status", "action"), list(itertools.product(TransferStatus, TransferAction)))
def test_every_status_action_pair(status: TransferStatus, action: TransferAction) -> None:
    if (status, action) in EXPECTED:
        assert next_status(status, action) is EXPECTED[(status, action)]
    else:
        with pytest.raises(InvalidTransition) as info:
            next_status(status, action)
        assert info.value.extensions["currentState"] == status.value
        assert action.value not in info.value.extensions["allowedActions"]


def test_completed_is_final() -> None:
    assert [a for a in TransferAction if (S.COMPLETED, a) in TRANSITIONS] == []


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGINEER])
def test_people_never_start_or_complete_a_hub_job(role: Role) -> None:
    for status, action in ((S.PENDING, A.START), (S.RUNNING, A.COMPLETE)):
        with pytest.raises(Forbidden) as info:
            check(user(role), action, job(status))
        assert "destination's agent (nashville site key)" in info.value.message
    assert allowed_transfer_actions(user(role), job(S.PENDING)) == [A.CANCEL]
    assert allowed_transfer_actions(user(role), job(S.RUNNING)) == [A.FAIL, A.CANCEL]
    assert allowed_transfer_actions(user(role), job(S.FAILED)) == [A.RETRY]
    assert allowed_transfer_actions(user(role), job(S.CANCELLED)) == [A.RETRY]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGINEER])
def test_people_move_an_external_job_all_the_way(role: Role) -> None:
    assert check(user(role), A.START, job(S.PENDING, Transport.EXTERNAL)) is S.RUNNING
    assert check(user(role), A.COMPLETE, job(S.RUNNING, Transport.EXTERNAL)) is S.COMPLETED
    assert allowed_transfer_actions(user(role), job(S.PENDING, Transport.EXTERNAL)) == [A.START, A.CANCEL]
    assert allowed_transfer_actions(user(role), job(S.RUNNING, Transport.EXTERNAL)) == [A.COMPLETE, A.FAIL, A.CANCEL]


@pytest.mark.parametrize("role", [Role.COLORIST, Role.READONLY])
def test_colorists_and_readers_move_nothing(role: Role) -> None:
    for status, transport in itertools.product(TransferStatus, Transport):
        assert allowed_transfer_actions(user(role), job(status, transport)) == []


@pytest.mark.parametrize("transport", list(Transport))
def test_the_destination_agent_starts_completes_and_fails(transport: Transport) -> None:
    for agent in (key("nashville"), key(None)):  # the site's key, the global daemon key
        assert allowed_transfer_actions(agent, job(S.PENDING, transport)) == [A.START]
        assert allowed_transfer_actions(agent, job(S.RUNNING, transport)) == [A.COMPLETE, A.FAIL]
        assert allowed_transfer_actions(agent, job(S.FAILED, transport)) == []  # people retry
    other = key("dallas")
    for status in TransferStatus:
        assert allowed_transfer_actions(other, job(status, transport)) == []
    with pytest.raises(Forbidden) as info:
        check(other, A.COMPLETE, job(S.RUNNING, transport))
    assert "only that site's agent" in info.value.message


def test_the_system_fails_cancels_and_retries_but_never_vouches_for_bytes() -> None:
    for actor in (SYSTEM, LEASE):
        assert may(actor, A.FAIL, job(S.RUNNING))
        assert may(actor, A.CANCEL, job(S.PENDING))
        assert not may(actor, A.START, job(S.PENDING, Transport.EXTERNAL))
        assert not may(actor, A.COMPLETE, job(S.RUNNING, Transport.EXTERNAL))


def test_retry_needs_the_latest_job_of_a_queued_file() -> None:
    admin = user(Role.ADMIN)
    assert allowed_transfer_actions(admin, job(S.FAILED, retryable=False)) == []
    with pytest.raises(InvalidTransition):
        check(admin, A.RETRY, job(S.FAILED, retryable=False))
    assert check(admin, A.RETRY, job(S.FAILED)) is S.PENDING


def test_who_is_checked_before_the_table() -> None:
    with pytest.raises(Forbidden):
        check(user(Role.READONLY), A.COMPLETE, job(S.COMPLETED))
    with pytest.raises(InvalidTransition):
        check(key("nashville"), A.COMPLETE, job(S.COMPLETED))


def test_before_a_file_is_queued_only_the_lifecycle_refuses_the_global_key() -> None:
    """No job, no destination: the global key hears INVALID_TRANSITION from the file's table; a site key,
    which may act for one site only, is refused."""
    assert refusal(key(None), A.START, None, None) is None
    assert refusal(key("nashville"), A.START, None, None) is not None
