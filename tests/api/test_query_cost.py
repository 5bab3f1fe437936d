"""The query cost limit, through the real server: the probe's 64 aliases of ``files(first: 500)`` with audit
trails and transfers are refused with ``QUERY_TOO_COMPLEX`` before anything runs, a costly mutation leaves no
trace, ``first`` is bounded on every field, and every document the UI and the daemon send stays far under."""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, OperationType, print_ast

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from graphql_schema.hardening import query_cost
from graphql_schema.schema import schema
from tests.api.client_documents import DAEMON_REPORT_BATCH, daemon_documents, ui_documents
from tests.bench.test_api_bench import NESTED
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, make_user, random_sha, report

PROBE = (
    "{ "
    + " ".join(
        f"f{i}: files(first: 500) {{ edges {{ node {{ id filename state auditTrail {{ id actor action details }} "
        f"transfers {{ id status bytesTransferred }} }} }} }}"
        for i in range(64)
    )
    + " }"
)
#: Twenty aliases of one transition, each selecting audit trails three levels deep: costly, and a side effect.
NESTED_TRAIL = "auditTrail { file { auditTrail { file { auditTrail { id } } } } }"
COSTLY_MUTATION = (
    "mutation($id: ID!) { " + " ".join(f"v{i}: validateFile(id: $id) {{ {NESTED_TRAIL} }}" for i in range(20)) + " }"
)
#: The variables the UI sends with its paged documents (frontend/src/hooks: PAGE_SIZE, DELIVERY_LOG_SIZE).
UI_VARIABLES: dict[str, dict[str, Any]] = {
    "Files": {"first": 50},
    "Transfers": {"first": 50},
    "Audit": {"first": 50},
    "WebhookDeliveries": {"subscriptionId": "1", "first": 25},
    "FileDetail": {"id": "1"},
    "FileMembers": {"id": "1", "first": 100},
    "SimulateRouting": {"site": "tustin", "path": "A/x.mov"},
}


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0].get("extensions", {}).get("code") if errors else None


async def test_the_probes_document_is_refused_before_it_runs(server: Server, db: SessionFactory) -> None:
    await make_user(db, "alice", Role.COLORIST, "nashville")
    await make_user(db, "admin", Role.ADMIN)
    async with Api(server.url) as colorist, Api(server.url) as admin, Api(server.url, api_key=GLOBAL_KEY) as daemon:
        await colorist.login("alice")
        body = await colorist.raw(PROBE)
        assert _code(body) == "QUERY_TOO_COMPLEX", body
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["cost"] > body["errors"][0]["extensions"]["maxCost"]

        # A costly mutation is refused whole: the file is not validated, no audit row, no version bump.
        await admin.login("admin")
        f = await report(daemon, path="A/cost.mov")
        body = await admin.raw(COSTLY_MUTATION, {"id": f["id"]})
        assert _code(body) == "QUERY_TOO_COMPLEX", body
        after = await admin.gql(
            "query($id: ID!){ file(id: $id){ state version auditTrail { action } } }", {"id": f["id"]}
        )
        assert after["file"]["state"] == "DETECTED"
        assert after["file"]["version"] == f["version"]
        assert [a["action"] for a in after["file"]["auditTrail"]] == ["REPORT"]

        # The same selection at a modest size runs.
        small = await colorist.gql("{ files(first: 5) { edges { node { id auditTrail { id } transfers { id } } } } }")
        assert len(small["files"]["edges"]) == 1


async def test_first_is_bounded_on_every_field_before_execution(server: Server, db: SessionFactory) -> None:
    await make_user(db, "admin", Role.ADMIN)
    async with Api(server.url) as admin:
        await admin.login("admin")
        for query, variables in (
            ("{ files(first: 501) { totalCount } }", {}),
            ("query($n: Int){ transfers(first: $n) { totalCount } }", {"n": 100_000}),
            ("{ audit(first: -1) { totalCount } }", {}),
            ('{ webhookDeliveries(subscriptionId: "1", first: 501) { id } }', {}),
        ):
            body = await admin.raw(query, variables)
            assert _code(body) == "BAD_USER_INPUT", (query, body)
            assert body["errors"][0]["extensions"]["field"] == "first"
            assert body["data"] is None


def test_every_ui_and_daemon_document_is_far_under_the_limit(server: Server) -> None:
    limit = server.settings.max_query_cost
    documents = [(name, doc, UI_VARIABLES.get(name, {})) for name, doc in ui_documents().items()]
    documents += [(name, doc, {}) for name, doc in daemon_documents()]
    from graphql import parse

    documents.append(("bench NESTED", parse(NESTED), {}))
    assert len(documents) > 40
    for name, document, variables in documents:
        cost = query_cost(schema._schema, document, None, variables)
        assert cost <= limit // 10, f"{name} costs {cost}, too close to the limit {limit}"


async def test_the_ui_and_daemon_queries_are_accepted_by_the_server(server: Server, db: SessionFactory) -> None:
    await make_user(db, "admin", Role.ADMIN)
    async with Api(server.url) as admin, Api(server.url, api_key=GLOBAL_KEY) as daemon:
        await admin.login("admin")
        for name, document in ui_documents().items():
            operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
            if operation.operation is not OperationType.QUERY:
                continue  # mutations would act; their cost is checked above
            body = await admin.raw(print_ast(document), UI_VARIABLES.get(name, {}))
            assert _code(body) not in ("QUERY_TOO_COMPLEX", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"), (name, body)
        for name, document in daemon_documents():
            operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
            if name == "ReportFiles":  # the largest batch the daemon may send, for real
                variables = {
                    f"i{k}": {"site": "tustin", "path": f"B/{k}.mov", "sizeBytes": 1, "sha256": random_sha()}
                    for k in range(DAEMON_REPORT_BATCH)
                }
                data = await daemon.gql(print_ast(document), variables)
                assert len(data) == DAEMON_REPORT_BATCH
            elif operation.operation is OperationType.QUERY:
                body = await daemon.raw(print_ast(document), {"status": "PENDING"})
                assert "errors" not in body, body
