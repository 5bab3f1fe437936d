"""The per-process registry of sockets by credential: who is told about which revocation."""

from __future__ import annotations

from app.events.hub import Event
from app.events.revocations import Credential, Revocation, Revocations
from app.services.records import REVOCATION_TOPIC, Revoked


class Sock:
    def __init__(self) -> None:
        self.told: list[Revocation] = []

    def revoked(self, revocation: Revocation) -> None:
        self.told.append(revocation)


def event(**payload: object) -> Event:
    return Event(id=1, topic=REVOCATION_TOPIC, payload=dict(payload))


def test_each_revocation_reaches_only_the_sockets_holding_that_user_session_or_key() -> None:
    registry = Revocations()
    eve_a, eve_b, bob, key = Sock(), Sock(), Sock(), Sock()
    registry.hold(eve_a, Credential(user_id=1, session_id=10))
    registry.hold(eve_b, Credential(user_id=1, session_id=11))
    registry.hold(bob, Credential(user_id=2, session_id=20))
    registry.hold(key, Credential(api_key_id=7))

    registry.heard(event(reason="LOGOUT", sessionId=10))
    assert [len(s.told) for s in (eve_a, eve_b, bob, key)] == [1, 0, 0, 0]
    registry.heard(event(reason="DEACTIVATED", userId=1))
    assert [len(s.told) for s in (eve_a, eve_b, bob, key)] == [2, 1, 0, 0]
    registry.heard(event(reason="KEY_REVOKED", apiKeyId=7))
    assert key.told == [Revocation(Revoked.KEY_REVOKED, api_key_id=7)]
    assert bob.told == []


def test_a_role_change_is_not_a_sign_out_and_released_sockets_hear_nothing() -> None:
    registry = Revocations()
    sock = Sock()
    registry.hold(sock, Credential(user_id=3, session_id=30))
    registry.heard(event(reason="ROLE_CHANGED", userId=3))
    assert not sock.told[0].signed_out and sock.told[0].message
    registry.release(sock, Credential(user_id=3, session_id=30))
    assert registry.held == 0
    registry.heard(event(reason="DEACTIVATED", userId=3))
    assert len(sock.told) == 1


def test_a_malformed_revocation_is_ignored() -> None:
    registry = Revocations()
    sock = Sock()
    registry.hold(sock, Credential(user_id=4))
    registry.heard(event(reason="NO_SUCH_REASON", userId=4))
    registry.heard(event(userId=4))
    assert sock.told == []
