from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.permissions import (
    ANONYMOUS,
    SYSTEM,
    Actor,
    ActorKind,
    Capability,
    FileFacts,
    Role,
    can,
    has_capability,
    refusal,
)
from app.domain.states import FileAction
from app.domain.transfers import Transport

FILE = FileFacts(site_code="tustin", destination_code="nashville", colorist_id=7)


def user(role: Role, uid: int = 1) -> Actor:
    return Actor(kind=ActorKind.USER, name=f"u{uid}", user_id=uid, role=role)


def key(site: str | None) -> Actor:
    return Actor(kind=ActorKind.SITE, name=f"site:{site}", site_code=site)


@pytest.mark.parametrize("action", list(FileAction))
def test_admin_and_engineer_may_do_every_file_action(action: FileAction) -> None:
    external = replace(FILE, transport=Transport.EXTERNAL)
    assert can(user(Role.ADMIN), action, external)
    assert can(user(Role.ENGINEER), action, external)
    # The system vouches for no bytes: it may fail or cancel a transfer, never start or complete one.
    vouching = action in (FileAction.START_TRANSFER, FileAction.COMPLETE_TRANSFER)
    assert can(SYSTEM, action, external) is not vouching


@pytest.mark.parametrize("action", [FileAction.START_TRANSFER, FileAction.COMPLETE_TRANSFER])
def test_people_never_start_or_complete_a_hub_transfer(action: FileAction) -> None:
    hub = replace(FILE, transport=Transport.HUB)
    for role in Role:
        assert not can(user(role), action, hub)
    reason = refusal(user(Role.ADMIN), action, hub)
    assert reason is not None and "destination's agent (nashville site key)" in reason
    assert can(key("nashville"), action, hub) and can(key(None), action, hub)
    assert not can(key("dallas"), action, hub)


def test_people_may_fail_and_cancel_a_hub_transfer() -> None:
    hub = replace(FILE, transport=Transport.HUB)
    for action in (FileAction.FAIL_TRANSFER, FileAction.CANCEL_TRANSFER):
        assert can(user(Role.ENGINEER), action, hub) and can(user(Role.ADMIN), action, hub)
        assert not can(user(Role.COLORIST, 7), action, hub) and not can(user(Role.READONLY), action, hub)


@pytest.mark.parametrize("action", list(FileAction))
def test_colorist_only_own_file_and_only_work_actions(action: FileAction) -> None:
    own = action in (FileAction.START, FileAction.DELIVER, FileAction.REJECT, FileAction.HAND_BACK)
    assert can(user(Role.COLORIST, 7), action, FILE) is own
    assert can(user(Role.COLORIST, 8), action, FILE) is False


@pytest.mark.parametrize("action", list(FileAction))
def test_readonly_and_anonymous_may_do_nothing(action: FileAction) -> None:
    assert not can(user(Role.READONLY), action, FILE)
    assert not can(ANONYMOUS, action, FILE)


def test_site_keys_drive_only_their_own_destination_transfers() -> None:
    for action in (FileAction.START_TRANSFER, FileAction.COMPLETE_TRANSFER, FileAction.FAIL_TRANSFER):
        assert can(key("nashville"), action, FILE)
        assert can(key(None), action, FILE)  # the seed's global key
        assert not can(key("dallas"), action, FILE)
    assert not can(key("nashville"), FileAction.VALIDATE, FILE)
    assert not can(key("nashville"), FileAction.CANCEL_TRANSFER, FILE)  # people cancel


def test_capabilities() -> None:
    assert has_capability(key("tustin"), Capability.REPORT, "tustin")
    assert not has_capability(key("tustin"), Capability.REPORT, "dallas")
    assert has_capability(key(None), Capability.REPORT, "dallas")
    assert has_capability(key("tustin"), Capability.READ_SITES)
    assert not has_capability(key("tustin"), Capability.READ)
    assert not has_capability(user(Role.ENGINEER), Capability.MANAGE_USERS)
    assert has_capability(user(Role.ADMIN), Capability.MANAGE_KEYS)
    assert has_capability(user(Role.READONLY), Capability.READ)
    assert not has_capability(ANONYMOUS, Capability.READ)
