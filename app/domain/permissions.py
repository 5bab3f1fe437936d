"""Who may do what: the role x action matrix, declared once and enforced in services.

Resolvers only gate coarsely (authenticated or not); the object-level decision (a colorist may only start
work on *their* file, a site key only acts for *its* site) is made here, against facts about the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from app.domain.states import FileAction

if TYPE_CHECKING:
    from app.domain.transfers import Transport


class Role(StrEnum):
    ADMIN = "ADMIN"
    ENGINEER = "ENGINEER"
    COLORIST = "COLORIST"
    READONLY = "READONLY"


class ActorKind(StrEnum):
    ANONYMOUS = "ANONYMOUS"
    USER = "USER"
    SITE = "SITE"  # a daemon authenticated by an API key
    SYSTEM = "SYSTEM"  # the server itself: CLI, seed, routing rules


class Capability(StrEnum):
    READ = "READ"  # files, transfers, audit, users, stats
    READ_SITES = "READ_SITES"
    REPORT = "REPORT"  # reportFile, heartbeat (for a site)
    RUN_TRANSFERS = "RUN_TRANSFERS"  # uploads, downloads, progress of a site's transfer jobs
    RETRY_TRANSFERS = "RETRY_TRANSFERS"
    MANAGE_SITES = "MANAGE_SITES"
    MANAGE_ROUTING = "MANAGE_ROUTING"
    MANAGE_USERS = "MANAGE_USERS"
    MANAGE_KEYS = "MANAGE_KEYS"
    SEED_DEMO = "SEED_DEMO"
    READ_LOGIN_FAILURES = "READ_LOGIN_FAILURES"  # who a failed login claimed to be (admins)


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    name: str  # what the audit trail shows: "alice", "site:tustin", "system", "routing:<rule>"
    user_id: int | None = None
    role: Role | None = None
    site_code: str | None = None  # site a key acts for; None for the global key
    client_addr: str | None = None
    #: The per-site API key that authenticated this actor (its "last used" follows the daemon's heartbeats).
    api_key_id: int | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.kind is not ActorKind.ANONYMOUS

    @property
    def is_global_key(self) -> bool:
        return self.kind is ActorKind.SITE and self.site_code is None

    def acts_for_site(self, site_code: str) -> bool:
        """Whether a daemon key may act for ``site_code`` (the global key may act for any)."""
        return self.kind is ActorKind.SITE and (self.site_code is None or self.site_code == site_code)


ANONYMOUS = Actor(kind=ActorKind.ANONYMOUS, name="anonymous")
SYSTEM = Actor(kind=ActorKind.SYSTEM, name="system")


def routing_actor(rule_name: str) -> Actor:
    return Actor(kind=ActorKind.SYSTEM, name=f"routing:{rule_name}")


@dataclass(frozen=True)
class FileFacts:
    """What a permission decision needs to know about a file, and nothing more."""

    site_code: str
    destination_code: str | None
    colorist_id: int | None
    #: How the file's current transfer job moves its bytes (None: no job yet). Decides who may start and
    #: complete it (``transfers.refusal``).
    transport: Transport | None = None


_ALL_ACTIONS = frozenset(FileAction)
_COLORIST_OWN = frozenset({FileAction.START, FileAction.DELIVER, FileAction.REJECT, FileAction.HAND_BACK})
#: File actions that are moves of the file's transfer job: the transfer table says who may make them.
TRANSFER_MOVES: dict[FileAction, str] = {
    FileAction.START_TRANSFER: "START",
    FileAction.COMPLETE_TRANSFER: "COMPLETE",
    FileAction.FAIL_TRANSFER: "FAIL",
    FileAction.CANCEL_TRANSFER: "CANCEL",
}

_ROLE_CAPS: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.ENGINEER: frozenset(
        {
            Capability.READ,
            Capability.READ_SITES,
            Capability.RUN_TRANSFERS,
            Capability.RETRY_TRANSFERS,
            Capability.MANAGE_SITES,
            Capability.MANAGE_ROUTING,
        }
    ),
    Role.COLORIST: frozenset({Capability.READ, Capability.READ_SITES}),
    Role.READONLY: frozenset({Capability.READ, Capability.READ_SITES}),
}


def has_capability(actor: Actor, cap: Capability, site_code: str | None = None) -> bool:
    """Non-file permissions. ``site_code`` scopes daemon keys to the site they were issued for."""
    if actor.kind is ActorKind.SYSTEM:
        return True
    if actor.kind is ActorKind.USER and actor.role is not None:
        return cap in _ROLE_CAPS[actor.role]
    if actor.kind is ActorKind.SITE:
        if cap is Capability.READ_SITES:
            return True
        if cap is Capability.READ:
            # The seed's global key keeps its read access; per-site keys read only their own site's work.
            return actor.is_global_key
        if cap in (Capability.REPORT, Capability.RUN_TRANSFERS):
            return site_code is None or actor.acts_for_site(site_code)
    return False


def refusal(actor: Actor, action: FileAction, file: FileFacts) -> str | None:
    """Why ``actor`` may not ``action`` this file (the reason a Forbidden carries); None when it may."""
    if action in TRANSFER_MOVES:
        # The transfer table imports this module, hence the late import.
        from app.domain import transfers

        move = transfers.TransferAction(TRANSFER_MOVES[action])
        return transfers.refusal(actor, move, file.transport, file.destination_code)
    return None if can(actor, action, file) else f"{actor.name} may not {action.value} this file"


def can(actor: Actor, action: FileAction, file: FileFacts) -> bool:
    """Whether ``actor`` may perform ``action`` on this file (the state table is checked separately)."""
    if action in TRANSFER_MOVES:
        return refusal(actor, action, file) is None
    if actor.kind is ActorKind.SYSTEM:
        return True
    if actor.kind is ActorKind.USER:
        if actor.role in (Role.ADMIN, Role.ENGINEER):
            return action in _ALL_ACTIONS
        if actor.role is Role.COLORIST:
            return action in _COLORIST_OWN and file.colorist_id == actor.user_id
        return False
    return False


def may_ever(actor: Actor, action: FileAction) -> bool:
    """Whether ``actor`` could make ``action`` on some file: the coarse gate of a bulk action, so a role that
    may never take this step is refused once (FORBIDDEN) rather than once per file."""
    if actor.kind is ActorKind.SYSTEM:
        return True
    if actor.kind is ActorKind.USER:
        if actor.role in (Role.ADMIN, Role.ENGINEER):
            return True
        return actor.role is Role.COLORIST and action in _COLORIST_OWN
    return False


#: Audit entries that hold what someone typed as a username, often a password typed into the wrong box.
LOGIN_FAILURE_ACTIONS = frozenset({"LOGIN_FAILED", "LOGIN_RATE_LIMITED"})


def may_read_audit_identity(actor: Actor, action: str) -> bool:
    """Whether ``actor`` may see an audit entry's actor and details. Everyone who reads the audit sees that a
    login failed; only admins see as whom."""
    return action not in LOGIN_FAILURE_ACTIONS or has_capability(actor, Capability.READ_LOGIN_FAILURES)
