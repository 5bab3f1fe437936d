"""The schema: per-domain query/mutation/subscription types merged into one, with the hardening extensions.

Export the committed contract with ``strawberry export-schema graphql_schema.schema:schema > schema.graphql``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from app.config import Settings
from app.observability.metrics import GraphQLTiming
from graphql_schema.audit.queries import AuditQueries
from graphql_schema.audit.subscriptions import AuditSubscriptions
from graphql_schema.errors import ErrorCodes, log_unexpected
from graphql_schema.files.bulk import BulkMutations, ConfigurationQueries
from graphql_schema.files.mutations import FileMutations
from graphql_schema.files.queries import FileQueries
from graphql_schema.files.queue import QueueMutations, QueueQueries, QueueSubscriptions
from graphql_schema.files.subscriptions import FileSubscriptions
from graphql_schema.files.uploads import UploadSubscriptions
from graphql_schema.hardening import cost_extension, limits_extension
from graphql_schema.live import DeliveryExecution
from graphql_schema.routing.mutations import RoutingMutations
from graphql_schema.routing.queries import RoutingQueries
from graphql_schema.scalars import SCALARS
from graphql_schema.sites.mutations import SiteMutations
from graphql_schema.sites.queries import SiteQueries
from graphql_schema.sites.subscriptions import SiteSubscriptions
from graphql_schema.transfers.mutations import TransferMutations
from graphql_schema.transfers.queries import TransferQueries
from graphql_schema.transfers.subscriptions import TransferSubscriptions
from graphql_schema.users.mutations import UserMutations
from graphql_schema.users.queries import UserQueries
from graphql_schema.webhooks.schema_part import WebhookMutations, WebhookQueries

Query = merge_types(
    "Query",
    (
        UserQueries,
        FileQueries,
        SiteQueries,
        TransferQueries,
        AuditQueries,
        RoutingQueries,
        WebhookQueries,
        ConfigurationQueries,
        QueueQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        UserMutations,
        FileMutations,
        SiteMutations,
        TransferMutations,
        RoutingMutations,
        WebhookMutations,
        BulkMutations,
        QueueMutations,
    ),
)
Subscription = merge_types(
    "Subscription",
    (
        FileSubscriptions,
        SiteSubscriptions,
        TransferSubscriptions,
        AuditSubscriptions,
        QueueSubscriptions,
        UploadSubscriptions,
    ),
)


class _ParserCache(ParserCache):
    """ParserCache raises a syntax error from its hook, outside the operation, so the error would leave without
    a code. Leave a document that does not parse to Strawberry, which reports it as an ordinary error."""

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        with contextlib.suppress(GraphQLError):
            ec.graphql_document = self.cached_parse_document(ec.query, **ec.parse_options)
        yield


class ColorRouteSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_unexpected(errors, execution_context)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    s = settings or Settings()
    return ColorRouteSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map=SCALARS),
        execution_context_class=DeliveryExecution,
        extensions=[
            # Factories, not instances: each operation gets its own extension objects.
            limits_extension(s),
            GraphQLTiming,
            ErrorCodes,
            _ParserCache,
            ValidationCache,
            cost_extension(s),  # after ValidationCache: it estimates only valid documents
        ],
    )


schema = build_schema()
__all__ = ["build_schema", "schema"]
