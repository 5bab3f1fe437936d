"""Prometheus metrics at ``/metrics``. Request/operation latency are histograms updated as requests run;
the state gauges (files by state, active transfers, subscribers, listener lag) are read at scrape time so
they are exact on every replica.

Every label value comes from a fixed set: an operation is labelled by its name only when it is one of our own
clients' (``KNOWN_OPERATIONS``), else ``other``. A client-chosen name as a label let anyone add series at
will (200 anonymous requests grew a scrape from 60 KB to 468 KB)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM
from app.observability.logs import new_request_id, request_id
from app.services import reads

log = logging.getLogger("colorroute")

#: The operation names of the web UI's documents (frontend/src/graphql/) and the site daemon's (daemon/agent.py,
#: daemon/client.py); tests/api/test_metrics.py fails when a client sends one not listed here.
#: Any other name (integrators', or made up) is counted as ``other``.
KNOWN_OPERATIONS = frozenset(
    {
        # web UI
        "AcceptIntegrityRisk", "ApiKeys", "ArchiveFile", "AssignColorist", "Audit", "AuditActions", "AuditEvents",
        "BulkFileAction",
        "CancelTransfer", "ChangePassword", "CompleteTransfer", "CreateApiKey", "CreateRoutingRule", "CreateUser",
        "CreateWebhookSubscription", "DeleteRoutingRule", "DeleteWebhookSubscription", "DeliverToMam", "FailTransfer",
        "FileDetail", "FileEvents", "FileMembers", "Files", "HandBackFile", "Login", "Logout", "MamConfigured", "Me",
        "MyQueue", "MyQueueEvents", "QueueFile", "RejectFile", "ReorderRoutingRules", "RerouteFile", "RetryTransfer",
        "RevokeApiKey", "RoutingRules",
        "SetWebhookSubscriptionActive", "SimulateRouting", "SiteEvents", "Sites", "StartTransfer", "StartWork",
        "Stats", "TransferEvents", "Transfers", "UpdateRoutingRule", "UpdateUser", "UploadEvents", "Users",
        "ValidateFile",
        "WebhookDeliveries", "WebhookSubscriptions",
        # site daemon
        "Heartbeat", "RecordCustody", "ReportFile", "ReportFiles", "StagePackageMembers", "TransferJobs",
        "TransferProgress",
    }
)  # fmt: skip
OPERATION_TYPES = frozenset({"query", "mutation", "subscription"})

REGISTRY = CollectorRegistry(auto_describe=True)
HTTP_LATENCY = Histogram(
    "colorroute_http_request_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
GRAPHQL_LATENCY = Histogram(
    "colorroute_graphql_operation_seconds",
    "GraphQL operation latency",
    ["operation", "type"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BYTES_MOVED = Counter(
    "colorroute_bytes_moved_total", "Bytes received by uploads and sent by downloads", ["direction"], registry=REGISTRY
)


class GraphQLTiming(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        start = time.perf_counter()
        yield
        ec = self.execution_context
        try:
            kind = ec.operation_type.value if ec.operation_type is not None else "unknown"
        except RuntimeError:  # no document: the query did not parse
            kind = "unknown"
        GRAPHQL_LATENCY.labels(operation_label(ec.operation_name), kind).observe(time.perf_counter() - start)


def operation_label(name: str | None) -> str:
    """Bounded label values: our clients' operation names, ``anonymous`` (no name) or ``other``."""
    if not name:
        return "anonymous"
    return name if name in KNOWN_OPERATIONS else "other"


class StateCollector(Collector):
    """Reads the database and the hub at scrape time (the scrape runs the async query on the app's loop)."""

    def __init__(self) -> None:
        self.snapshot: dict[str, Any] = {}

    def collect(self) -> Iterator[GaugeMetricFamily]:
        snap = self.snapshot
        files = GaugeMetricFamily("colorroute_files", "Files by state", labels=["state"])
        for state, n in snap.get("files", {}).items():
            files.add_metric([state], n)
        yield files
        yield GaugeMetricFamily(
            "colorroute_active_transfers", "PENDING + RUNNING transfer jobs", value=snap.get("active_transfers", 0)
        )
        yield GaugeMetricFamily(
            "colorroute_subscribers", "Live subscriptions on this replica", value=snap.get("subscribers", 0)
        )
        yield GaugeMetricFamily(
            "colorroute_event_listener_lag_seconds",
            "Commit-to-dispatch lag of the last event",
            value=snap.get("lag", 0.0),
        )
        yield GaugeMetricFamily(
            "colorroute_event_listener_up",
            "1 when the LISTEN connection is healthy",
            value=1.0 if snap.get("listener") else 0.0,
        )
        if "disk" in snap:  # the data directory's filesystem: the embedded PostgreSQL, local blobs, partial uploads
            total, free = snap["disk"]
            yield GaugeMetricFamily(
                "colorroute_data_dir_free_bytes", "Bytes free to this process on the data directory's filesystem",
                value=free,
            )  # fmt: skip
            yield GaugeMetricFamily(
                "colorroute_data_dir_size_bytes", "Size of the data directory's filesystem", value=total
            )


STATE = StateCollector()
REGISTRY.register(STATE)


async def refresh_state(db: SessionFactory, hub: Any, data_dir: Path) -> None:
    """The same figures the dashboard's ``stats`` shows (trigger-maintained counts, never a scan of files), and
    the data directory's free space: a full disk stops the embedded PostgreSQL and refuses uploads (507), and
    nothing else would tell an operator before it happens."""
    view = await reads.stats(db, SYSTEM)
    snapshot: dict[str, Any] = {
        "files": view.by_state,
        "active_transfers": view.active_transfers,
        "subscribers": hub.subscriber_count,
        "lag": hub.last_dispatch_lag_seconds,
        "listener": hub.healthy,
    }
    with contextlib.suppress(OSError):  # not created yet, or unmounted: the gauges are left out
        usage = await asyncio.to_thread(os.statvfs, data_dir)
        snapshot["disk"] = (usage.f_blocks * usage.f_frsize, usage.f_bavail * usage.f_frsize)
    STATE.snapshot = snapshot


def render() -> bytes:
    return generate_latest(REGISTRY)


def metrics_endpoint(settings: Settings, db: SessionFactory, hub: Any) -> Callable[[Request], Awaitable[Response]]:
    """``GET /metrics``. With ``COLORROUTE_METRICS_TOKEN`` set, only ``Authorization: Bearer <token>`` is
    answered (401 otherwise): the figures are operational, not secret, but a scrape reads the database."""
    expected = f"Bearer {settings.metrics_token}".encode() if settings.metrics_token else None

    async def metrics(request: Request) -> Response:
        if expected is not None:
            given = request.headers.get("authorization", "").encode("latin-1", "replace")
            if not hmac.compare_digest(given, expected):
                return Response(
                    "metrics need Authorization: Bearer <COLORROUTE_METRICS_TOKEN>\n",
                    401,
                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
                    media_type="text/plain",
                )
        try:
            await asyncio.wait_for(refresh_state(db, hub, settings.data_dir), timeout=5)
        except Exception:  # the scrape still reports latency histograms and listener health
            log.warning("metrics: database snapshot failed", exc_info=True)
        return Response(render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    return metrics


class RequestMetrics:
    """ASGI middleware: request id (X-Request-ID in and out) and the HTTP latency histogram."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            token = request_id.set(new_request_id(None))
            try:
                await self.app(scope, receive, send)
            finally:
                request_id.reset(token)
            return
        incoming = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), None)
        rid = new_request_id(incoming)
        token = request_id.set(rid)
        start = time.perf_counter()
        status = 500

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = _route_label(scope["path"])
            HTTP_LATENCY.labels(scope["method"], route, str(status)).observe(time.perf_counter() - start)
            request_id.reset(token)


def _route_label(path: str) -> str:
    """Bounded label values: never one series per file id or asset name."""
    for prefix in ("/graphql", "/uploads", "/blobs", "/assets", "/metrics", "/healthz", "/readyz", "/graphiql"):
        if path.startswith(prefix):
            return prefix
    return "/ui"
