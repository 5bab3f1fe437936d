"""Every error leaves with a precise ``extensions.code``; anything unexpected is masked and logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from app.domain.errors import DomainError
from graphql_schema.hardening import is_anonymous

log = logging.getLogger("colorroute.graphql")


def _classify(error: GraphQLError) -> str:
    message = error.message
    if "tokens. Parsing aborted" in message:  # graphql-core's max_tokens: a limit, not a typo
        return "QUERY_TOO_COMPLEX"
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if "exceeds maximum operation depth" in message or "aliases found" in message.lower():
        return "QUERY_TOO_COMPLEX"
    if "Variable" in message or "Expected value of type" in message or "Expected type" in message:
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def _refused_input(error: GraphQLError, original: BaseException) -> str | None:
    """A message when ``original`` is the caller's bad value, not our failure: PostgreSQL's data exceptions
    (SQLSTATE class 22: a NUL character in text, a number or date out of range) and values that failed to
    convert before execution began (an Int literal of 5,000 digits)."""
    sqlstate = getattr(getattr(original, "orig", None), "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith("22"):
        return "a value cannot be stored: text with a NUL character, or a number or date out of range"
    if error.path is None and isinstance(original, ValueError):
        return error.message.split(";")[0]
    return None


class ErrorCodes(MaskErrors):
    """MaskErrors that also labels what it lets through."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda _e: False, error_message="Internal server error.")
        self._anonymous = True

    def on_operation(self) -> Iterator[None]:
        """Anonymous callers get no "Did you mean ..." field suggestions (introspection: see hardening)."""
        self._anonymous = is_anonymous(self.execution_context.context)
        yield from super().on_operation()

    def _with_code(self, error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out: list[GraphQLError] = []
        for error in errors:
            original = error.original_error
            while isinstance(original, GraphQLError) and original.original_error is not None:
                original = original.original_error
            if isinstance(original, DomainError):
                out.append(self._with_code(error, original.message, {"code": original.code, **original.extensions}))
            elif original is None or isinstance(original, GraphQLError):
                ext = dict(error.extensions or {})
                ext.setdefault("code", _classify(error))
                message = error.message
                if self._anonymous and "Did you mean" in message:
                    message = message.split("Did you mean")[0].strip()
                if "introspection" in message.lower():
                    ext["code"] = "FORBIDDEN" if self._anonymous else ext["code"]
                out.append(self._with_code(error, message, ext))
            elif (refused := _refused_input(error, original)) is not None:
                out.append(self._with_code(error, refused, {"code": "BAD_USER_INPUT"}))
            else:
                out.append(self._with_code(error, self.error_message, {"code": "INTERNAL_SERVER_ERROR"}))
        return out


def log_unexpected(errors: list[GraphQLError], _context: ExecutionContext | None = None) -> None:
    """Strawberry logs every error by default; ours are answers, not incidents. Log only the unexpected."""
    for error in errors:
        original = error.original_error
        if original is not None and not isinstance(original, DomainError | GraphQLError):
            if _refused_input(error, original) is not None:
                continue
            log.error("unexpected error at %s", error.path, exc_info=original)
