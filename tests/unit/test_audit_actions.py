"""Every action a service writes to the audit log is in the catalogue the UI's action filter offers
(``Query.auditActions``) and the audit query accepts: an action missing there could be neither picked nor asked for."""

from __future__ import annotations

import ast
from pathlib import Path

from app.domain.audit import audit_actions

APP = Path(__file__).resolve().parents[2] / "app"
#: The writers of audit rows and where each takes the action: (function name, positional index).
WRITERS = {"audit": 2, "_file_audit": 3, "transition_written": 4}


def _written_actions() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            index = WRITERS.get(str(name))
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            candidates = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for candidate in candidates:
                if isinstance(candidate, ast.Constant) and isinstance(candidate.value, str):
                    found[candidate.value] = f"{path.relative_to(APP.parent)}:{node.lineno}"
    return found


def test_every_written_action_is_listed() -> None:
    written = _written_actions()
    assert {"REPORT", "LOGIN_FAILED", "WEBHOOK_DELETED", "UPLOAD_COMPLETED"} <= set(written)  # the scan sees them
    missing = {action: where for action, where in written.items() if action not in audit_actions()}
    assert not missing, f"audit actions written but not in app/domain/audit.py: {missing}"


def test_the_list_has_no_duplicates_and_starts_with_the_report() -> None:
    actions = audit_actions()
    assert len(actions) == len(set(actions))
    assert actions[0] == "REPORT"
