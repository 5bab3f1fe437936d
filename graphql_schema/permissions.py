"""Coarse gates on fields. The object-level decisions live in app.domain.permissions, via services."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from graphql_schema.context import Info


class IsAuthenticated(BasePermission):
    """Any known caller: a logged-in user or a daemon key."""

    message = "authentication required"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.actor.is_authenticated


class IsPublic(BasePermission):
    """Explicitly open to anonymous callers (``login``, ``me``): the schema-walk test requires a class on
    every field, so being public is a decision someone wrote down, never an omission."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True


AUTHENTICATED: list[type[BasePermission]] = [IsAuthenticated]
PUBLIC: list[type[BasePermission]] = [IsPublic]
