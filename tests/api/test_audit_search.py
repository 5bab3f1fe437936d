"""Audit search runs on the server: text over the action, the file's name, the actor and the details, paged with the
cursor like every listing, never revealing what an entry hides from its reader; bad filters are refused whole."""

from __future__ import annotations

from typing import Any

import pytest

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from app.domain.states import FileAction
from tests.conftest import Server
from tests.support import Api, GraphQLFailure, make_user, report

SEARCH = """query($search: String, $action: String, $first: Int, $after: String) {
  audit(search: $search, action: $action, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id action actor details file { filename } } }
  }
}"""


async def _search(api: Api, **variables: Any) -> dict[str, Any]:
    return dict((await api.gql(SEARCH, variables))["audit"])


async def _all_pages(api: Api, **variables: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = await _search(api, first=50, after=after, **variables)
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def test_search_finds_an_entry_far_beyond_the_first_page(server: Server, db: SessionFactory) -> None:
    """The UI used to filter only the 50 rows it had loaded: an entry older than those was never found."""
    await make_user(db, "admin", Role.ADMIN)
    async with Api(server.url, api_key=server.settings.daemon_api_key) as daemon, Api(server.url) as admin:
        needle = await report(daemon, path="DAY1/A001_NEEDLE_C003.mov")
        for i in range(70):
            await report(daemon, path=f"DAY1/B{i:03d}_hay.mov")
        await admin.login("admin")

        newest = await _search(admin, first=50)
        assert "A001_NEEDLE_C003.mov" not in [
            (e["node"]["file"] or {}).get("filename") for e in newest["edges"]
        ]  # the first page the UI loads does not hold it

        found = await _search(admin, search="needle")
        assert found["totalCount"] == 1
        assert [e["node"]["file"]["filename"] for e in found["edges"]] == ["A001_NEEDLE_C003.mov"]
        assert found["edges"][0]["node"]["action"] == "REPORT"

        # Paged with the usual cursor: 70 matches over two pages, newest first, none twice, none lost.
        hay = await _all_pages(admin, search="_HAY")
        assert len(hay) == 70 and len({n["id"] for n in hay}) == 70
        assert [int(n["id"]) for n in hay] == sorted((int(n["id"]) for n in hay), reverse=True)
        assert (await _search(admin, search="_hay"))["totalCount"] == 70  # "_" is a character, not a wildcard

        # With the action filter: both must hold.
        assert (await _search(admin, search="needle", action="VALIDATE"))["totalCount"] == 0
        await admin.gql("mutation($id: ID!){ validateFile(id: $id){ id } }", {"id": needle["id"]})
        validated = await _search(admin, search="needle", action="VALIDATE")
        assert validated["totalCount"] == 1 and validated["edges"][0]["node"]["actor"] == "admin"


async def test_search_matches_actor_details_and_the_action_as_shown(server: Server, db: SessionFactory) -> None:
    await make_user(db, "admin", Role.ADMIN)
    async with Api(server.url) as admin:
        await admin.login("admin")
        await admin.gql(
            """mutation { createUser(input: {username: "marguerite", password: "long-enough-pass",
                 displayName: "Marguerite", role: READONLY}) { id } }"""
        )
        by_details = await _search(admin, search="MARGUERITE")  # details: {"username": "marguerite", ...}
        assert [e["node"]["action"] for e in by_details["edges"]] == ["USER_CREATED"]
        by_actor = await _search(admin, search="admin", action="LOGIN")
        assert by_actor["totalCount"] == 1
        shown = await _search(admin, search="user created")  # the log shows USER_CREATED as "User created"
        assert [e["node"]["action"] for e in shown["edges"]] == ["USER_CREATED", "USER_CREATED"]  # and admin's


async def test_search_never_reveals_what_a_failed_login_hides(server: Server, db: SessionFactory) -> None:
    """A failed login's typed username (often a password) is for admins only: a reader may not find it by search
    either, or a search would answer "was this typed?" one guess at a time."""
    secret = "Correct-Horse-typed-as-username"
    await make_user(db, "admin", Role.ADMIN)
    await make_user(db, "viewer", Role.READONLY)
    async with Api(server.url) as anonymous:
        body = await anonymous.raw(
            'mutation($u:String!){ login(username:$u, password:"not the password"){ id } }', {"u": secret}
        )
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with Api(server.url) as admin, Api(server.url) as viewer:
        await admin.login("admin")
        await viewer.login("viewer")
        assert (await _search(admin, search="correct-horse"))["totalCount"] == 1
        assert (await _search(viewer, search="correct-horse"))["totalCount"] == 0
        # What the viewer may see of it is still found: that a login failed.
        failed = await _search(viewer, search="login failed")
        assert failed["totalCount"] == 1 and failed["edges"][0]["node"]["actor"] == "anonymous"


async def test_audit_actions_lists_every_action(server: Server, db: SessionFactory) -> None:
    await make_user(db, "viewer", Role.READONLY)
    async with Api(server.url) as viewer:
        await viewer.login("viewer")
        actions = (await viewer.gql("{ auditActions }"))["auditActions"]
    assert actions[0] == "REPORT"
    assert {a.value for a in FileAction} <= set(actions)
    assert {"LOGIN_FAILED", "UPLOAD_COMPLETED", "RETRY_TRANSFER", "SITE_OFFLINE", "WEBHOOK_CREATED"} <= set(actions)
    assert len(actions) == len(set(actions))


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"action": "LOGIN_FAILD"}, "action"),
        ({"search": "x" * 201}, "search"),
        ({"search": "clip", "after": "not-a-cursor"}, "after"),
        ({"search": "clip", "first": 501}, "first"),
    ],
)
async def test_bad_filters_are_refused_with_the_field_named(
    server: Server, db: SessionFactory, variables: dict[str, Any], field: str
) -> None:
    await make_user(db, "viewer", Role.READONLY)
    async with Api(server.url) as viewer:
        await viewer.login("viewer")
        with pytest.raises(GraphQLFailure) as refused:
            await _search(viewer, **variables)
    error = refused.value.errors[0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["field"] == field, error
