"""Which outgoing notification topics an event is (pure: the mapping integrators subscribe to)."""

from __future__ import annotations

from typing import Any

FILE_STATE_CHANGED = "file.state_changed"
TRANSFER_FAILED = "transfer.failed"
DELIVERY_FAILED = "file.delivery_failed"
SITE_OFFLINE = "site.offline"
SITE_ONLINE = "site.online"
TOPICS = (FILE_STATE_CHANGED, TRANSFER_FAILED, DELIVERY_FAILED, SITE_OFFLINE, SITE_ONLINE)


def topics_for(event_topic: str, payload: dict[str, Any]) -> list[str]:
    if event_topic == "file":
        action = payload.get("action")
        if action == "DELIVERY_FAILED":
            return [DELIVERY_FAILED]
        out = [FILE_STATE_CHANGED] if payload.get("fromState") != payload.get("toState") else []
        if action == "FAIL_TRANSFER":
            out.append(TRANSFER_FAILED)
        return out
    if event_topic == "site" and payload.get("changed"):
        return [SITE_ONLINE if payload.get("online") else SITE_OFFLINE]
    return []
