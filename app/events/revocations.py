"""Which open sockets hold which credentials, so that a revocation heard from any replica ends them.

A logout, a deactivation, a password or role change and a key revocation each write a ``revocation`` outbox event
in their own transaction (``records.revoke``). Every replica's hub reads it like any event — on NOTIFY, or in its
catch-up after a reconnect, so none is lost — and hands it to ``Revocations.heard``, which tells each socket
holding that user, session or key. The socket decides what ending means (see graphql_schema/view.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from app.events.hub import Event
from app.services.records import Revoked

log = logging.getLogger(__name__)

_MESSAGES = {
    Revoked.LOGOUT: "signed out: this session was logged out",
    Revoked.DEACTIVATED: "signed out: the account was deactivated",
    Revoked.PASSWORD_CHANGED: "signed out: the password was changed; log in again",
    Revoked.ROLE_CHANGED: "the account's role changed: reconnect to continue with the new role",
    Revoked.KEY_REVOKED: "this API key was revoked",
}


@dataclass(frozen=True)
class Revocation:
    reason: Revoked
    user_id: int | None = None
    session_id: int | None = None
    api_key_id: int | None = None

    @property
    def signed_out(self) -> bool:
        """False for a role change: the identity still authenticates, with another role."""
        return self.reason is not Revoked.ROLE_CHANGED

    @property
    def message(self) -> str:
        return _MESSAGES[self.reason]

    @classmethod
    def from_event(cls, event: Event) -> Revocation:
        p = event.payload
        return cls(Revoked(p["reason"]), _id(p.get("userId")), _id(p.get("sessionId")), _id(p.get("apiKeyId")))


def _id(value: object) -> int | None:
    return int(value) if isinstance(value, int | str) else None


class Holder(Protocol):
    """A socket: told (on the event loop, synchronously) that its credential was revoked."""

    def revoked(self, revocation: Revocation) -> None: ...


@dataclass(frozen=True)
class Credential:
    """What a socket authenticated with: the user and session of a cookie, or a per-site key."""

    user_id: int | None = None
    session_id: int | None = None
    api_key_id: int | None = None

    def keys(self) -> list[tuple[str, int]]:
        pairs = (("user", self.user_id), ("session", self.session_id), ("key", self.api_key_id))
        return [(kind, value) for kind, value in pairs if value is not None]


class Revocations:
    """Per process: the holders of each user, session and key. Registered before a socket's first operation is
    checked, so a revocation either precedes that check (which refuses) or is heard here."""

    def __init__(self) -> None:
        self._holders: dict[tuple[str, int], set[Holder]] = {}

    def hold(self, holder: Holder, credential: Credential) -> None:
        for key in credential.keys():
            self._holders.setdefault(key, set()).add(holder)

    def release(self, holder: Holder, credential: Credential) -> None:
        for key in credential.keys():
            holders = self._holders.get(key)
            if holders is not None:
                holders.discard(holder)
                if not holders:
                    del self._holders[key]

    @property
    def held(self) -> int:
        """Distinct holders (sockets) registered."""
        return len({h for holders in self._holders.values() for h in holders})

    def heard(self, event: Event) -> None:
        """The hub's callback for the ``revocation`` topic."""
        try:
            revocation = Revocation.from_event(event)
        except (KeyError, ValueError):
            log.warning("ignoring a malformed revocation event %s", event.id)
            return
        credential = Credential(revocation.user_id, revocation.session_id, revocation.api_key_id)
        found: set[Holder] = set()
        for key in credential.keys():
            found |= self._holders.get(key, set())
        for holder in found:
            holder.revoked(revocation)
