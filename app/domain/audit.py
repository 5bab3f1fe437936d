"""What the audit log records, by name: the list the UI's action filter offers (``Query.auditActions``) and the
audit query accepts. Lifecycle steps are the ``FileAction`` values, so a new step is listed without an edit here;
tests/unit/test_audit_actions.py fails when a service writes an action missing from this list."""

from __future__ import annotations

from app.domain.states import FileAction

#: Entries that are not lifecycle steps, grouped as the log shows them.
OTHER_ACTIONS: tuple[str, ...] = (
    # a file's content and facts
    "REPORT",
    "MEDIA_PROBED",
    "UPLOAD_COMPLETED",
    "UPLOAD_REJECTED",
    "CONTENT_MISSING",
    "BLOB_EXPIRED",
    "RETRY_TRANSFER",
    "DELIVERY_FAILED",
    "RECORD_CUSTODY",
    # people and keys
    "LOGIN",
    "LOGIN_FAILED",
    "LOGIN_RATE_LIMITED",
    "LOGOUT",
    "USER_CREATED",
    "USER_UPDATED",
    "PASSWORD_CHANGED",
    "PASSWORD_CHANGE_FAILED",
    "API_KEY_CREATED",
    "API_KEY_REVOKED",
    # sites and configuration
    "SITE_ONLINE",
    "SITE_OFFLINE",
    "ROUTING_RULE_CREATED",
    "ROUTING_RULE_UPDATED",
    "ROUTING_RULE_DELETED",
    "ROUTING_RULES_REORDERED",
    "WEBHOOK_CREATED",
    "WEBHOOK_UPDATED",
    "WEBHOOK_DELETED",
)

#: Longest text an audit search takes: enough for a filename or a path segment, short enough to stay a filter.
MAX_AUDIT_SEARCH = 200


def audit_actions() -> tuple[str, ...]:
    """Every action an audit entry can carry: the report, the lifecycle steps in their order, then the rest."""
    steps = tuple(a.value for a in FileAction)
    return ("REPORT", *steps, *(a for a in OTHER_ACTIONS if a != "REPORT" and a not in steps))
