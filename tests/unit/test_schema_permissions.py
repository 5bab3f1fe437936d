"""Every field of Query, Mutation and Subscription declares a permission class; only login and me are public."""

from __future__ import annotations

from graphql_schema.permissions import IsPublic
from graphql_schema.schema import schema

PUBLIC_ALLOWLIST = {"login", "me"}


def _root_fields() -> list[tuple[str, object]]:
    fields = []
    for root in ("Query", "Mutation", "Subscription"):
        definition = schema.get_type_by_name(root)
        assert definition is not None
        for field in definition.fields:  # type: ignore[union-attr]
            fields.append((f"{root}.{field.python_name}", field))
    return fields


def test_every_root_field_has_a_permission_class() -> None:
    missing = [name for name, field in _root_fields() if not field.permission_classes]  # type: ignore[attr-defined]
    assert missing == []


def test_only_the_allowlist_is_public() -> None:
    public = {
        name.split(".")[1]
        for name, field in _root_fields()
        if any(issubclass(p, IsPublic) for p in field.permission_classes)  # type: ignore[attr-defined]
    }
    assert public == PUBLIC_ALLOWLIST


def test_walk_sees_the_contract() -> None:
    names = {n for n, _ in _root_fields()}
    for required in (
        "Query.files",
        "Mutation.report_file",
        "Mutation.deliver_to_mam",
        "Subscription.file_events",
        "Subscription.audit_events",
        "Mutation.seed_demo_data",
    ):
        assert required in names
