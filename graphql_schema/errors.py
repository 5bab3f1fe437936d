"""Every error leaves with a precise ``extensions.code``; anything unexpected is masked and logged."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from app.domain.errors import DomainError

log = logging.getLogger("colorroute.graphql")


def _classify(error: GraphQLError) -> str:
    message = error.message
    if message.startswith("Syntax Error") or "token limit" in message.lower():
        return "GRAPHQL_PARSE_FAILED" if message.startswith("Syntax Error") else "QUERY_TOO_COMPLEX"
    if "exceeds maximum operation depth" in message or "aliases found" in message.lower():
        return "QUERY_TOO_COMPLEX"
    if "Variable" in message or "Expected value of type" in message or "Expected type" in message:
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


class ErrorCodes(MaskErrors):
    """MaskErrors that also labels what it lets through."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda _e: False, error_message="Internal server error.")

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
                out.append(self._with_code(error, error.message, ext))
            else:
                log.error("unexpected error in %s", error.path, exc_info=original)
                out.append(self._with_code(error, self.error_message, {"code": "INTERNAL_SERVER_ERROR"}))
        return out
