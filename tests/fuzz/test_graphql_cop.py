"""The graphql-cop checks, as plain tests against a real server.

graphql-cop (dolevf/graphql-cop) probes a GraphQL endpoint for the usual misconfigurations. Each of its checks
is listed here with the test that answers it; where an existing test already covers a shape, it is named and
only the missing shapes are tested here.

1. Introspection            anonymous callers get none; authenticated callers do
                            (also tests/api/test_auth.py::test_introspection_only_for_authenticated_callers)
2. Field suggestions        "Did you mean ..." never reaches anonymous callers, for any kind of name
3. GET-based queries        every method but POST is refused with 405 (GET mutations too: see 8)
4. Alias overloading        up to ``max_aliases`` aliases run, one more is QUERY_TOO_COMPLEX
                            (also tests/api/test_bad_input.py::test_too_deep_and_too_many_aliases,
                            tests/api/test_auth.py::test_fifty_aliased_logins_cannot_buy_extra_attempts)
5. Array-based batching     a JSON list of operations is refused outright (Strawberry's batching is off)
6. Deep queries             depth past ``max_query_depth`` is refused, through fragments and introspection too
                            (also tests/api/test_bad_input.py::test_too_deep_and_too_many_aliases)
7. Directive overloading    hundreds of repeated directives: refused, with a bounded error list, quickly
8. CSRF                     with a real session cookie: form, multipart and text/plain POSTs, GET mutations
                            and cross-origin JSON are refused and change nothing
                            (also tests/api/test_bad_input.py::test_csrf_shapes_are_refused, with an API key)
Also: field duplication (bounded by the token limit) and unhandled errors (a body that is valid JSON but not an
object; see tests/fuzz/test_regressions.py).
"""

from __future__ import annotations

import time

import pytest

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, make_user

#: These answers take milliseconds; the bound only catches an attack that is being worked through instead of
#: refused, so it is generous enough that a machine busy with a second suite cannot trip it.
SLOW = 30.0

SUGGESTIBLE = {
    "field": "{ filez { id } }",
    "argument": "{ files(fisrt: 1) { totalCount } }",
    "type": "query($f: FileFilte) { files(filter: $f) { totalCount } }",
    "fragment type": "{ ... on Quer { __typename } }",
    "enum value": "{ files(filter: {states: [DETECTE]}) { totalCount } }",
    "input field": "{ files(filter: {stats: [DETECTED]}) { totalCount } }",
    "nested field": "{ sites { cod } }",
}


async def _engineer(server: Server, db: SessionFactory) -> Api:
    await make_user(db, "cop", Role.ENGINEER)
    api = Api(server.url)
    await api.login("cop")
    return api


# 1. Introspection --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "{ __schema { types { name } } }",
        '{ __type(name: "Query") { fields { name } } }',
        "{ q: __schema { queryType { name } } }",
        "query { ...F } fragment F on Query { __schema { mutationType { name } } }",
        "{ __typename ... on Query { __schema { queryType { name } } } }",
    ],
    ids=["schema", "type", "aliased", "in a fragment", "inline fragment"],
)
async def test_introspection_is_refused_to_anonymous_callers(server: Server, query: str) -> None:
    async with Api(server.url) as anonymous:
        body = await anonymous.raw(query)
    assert body.get("data") is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}


async def test_introspection_works_for_a_logged_in_user(server: Server, db: SessionFactory) -> None:
    async with await _engineer(server, db) as user:
        data = await user.gql('{ __schema { queryType { name } } __type(name: "FileState") { enumValues { name } } }')
    assert data["__schema"]["queryType"]["name"] == "Query"
    assert "DETECTED" in [v["name"] for v in data["__type"]["enumValues"]]


async def test_typename_is_not_introspection(server: Server) -> None:
    async with Api(server.url) as anonymous:
        assert await anonymous.gql("{ __typename }") == {"__typename": "Query"}


# 2. Field suggestions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SUGGESTIBLE))
async def test_no_suggestions_for_anonymous_callers(server: Server, db: SessionFactory, kind: str) -> None:
    query = SUGGESTIBLE[kind]
    async with Api(server.url) as anonymous, await _engineer(server, db) as user:
        hidden = await anonymous.raw(query)
        shown = await user.raw(query)
    assert hidden["errors"], hidden
    assert all("Did you mean" not in e["message"] for e in hidden["errors"]), hidden
    # The same mistake by a known caller does get the help (so the check above is not vacuous).
    assert any("Did you mean" in e["message"] for e in shown["errors"]), shown


# 3. GET-based queries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
async def test_only_post_runs_operations(server: Server, method: str) -> None:
    async with Api(server.url) as anonymous, Api(server.url, api_key=GLOBAL_KEY) as daemon:
        for client in (anonymous, daemon):
            r = await client.http.request(method, "/graphql", params={"query": "{ __typename }"})
            assert r.status_code == 405, r.text
            assert r.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


# 4. Alias overloading ----------------------------------------------------------------------------------------


async def test_aliases_up_to_the_limit_run_and_one_more_is_refused(server: Server) -> None:
    limit = server.settings.max_aliases
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        at_limit = "{ " + " ".join(f"a{i}: stats {{ totalFiles }}" for i in range(limit)) + " }"
        assert len(await daemon.gql(at_limit)) == limit
        over = "{ " + " ".join(f"a{i}: stats {{ totalFiles }}" for i in range(limit + 1)) + " }"
        body = await daemon.raw(over)
        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        # Aliases hidden in nested selections and fragments count too.
        spread = " ".join(f"s{i}: sites {{ c{i}: code }}" for i in range(limit // 2 + 1))
        nested = "query { ...F } fragment F on Query { " + spread + " }"
        body = await daemon.raw(nested)
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_aliased_mutations_are_bounded_too(server: Server) -> None:
    limit = server.settings.max_aliases
    beats = " ".join(f'h{i}: heartbeat(input: {{site: "tustin"}}) {{ id }}' for i in range(limit + 1))
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        body = await daemon.raw("mutation { " + beats + " }")
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert (await daemon.gql("{ sites { code online } }"))["sites"][0]["online"] is False


# 5. Array-based batching -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 1000])
async def test_json_list_batches_are_refused(server: Server, size: int) -> None:
    batch = [{"query": 'mutation { heartbeat(input: {site: "tustin"}) { id } }'}] * size
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        r = await daemon.http.post("/graphql", json=batch)
        assert r.status_code == 400, r.text
        assert r.json()["errors"][0]["extensions"]["code"] == "BATCHING_NOT_SUPPORTED", r.text
        # Nothing in the batch ran.
        assert (await daemon.gql("{ sites { code online } }"))["sites"][0]["online"] is False


# 6. Deep queries ---------------------------------------------------------------------------------------------


async def test_depth_limit_holds_through_fragments(server: Server) -> None:
    chain = " ".join(f"fragment F{i} on File {{ transfers {{ file {{ ...F{i + 1} }} }} }}" for i in range(8))
    query = "{ files { edges { node { ...F0 } } } } " + chain + " fragment F8 on File { id }"
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        body = await daemon.raw(query)
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_circular_introspection_is_bounded(server: Server, db: SessionFactory) -> None:
    """graphql-cop's "introspection-based circular query" (types -> fields -> type -> fields -> ...), for a caller
    allowed to introspect. Strawberry's depth limit skips ``__`` fields, so this rests on graphql-core's
    MaxIntrospectionDepthRule; pinned here so a graphql-core change cannot quietly reopen it."""
    level = "name"
    for _ in range(6):
        level = f"fields {{ type {{ ofType {{ {level} }} }} }}"
    query = "{ __schema { types { " + level + " } } }"
    async with await _engineer(server, db) as user:
        started = time.monotonic()
        body = await user.raw(query)
        elapsed = time.monotonic() - started
        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] in ("QUERY_TOO_COMPLEX", "GRAPHQL_VALIDATION_FAILED")
        assert elapsed < SLOW  # refused, not worked through (how fast is for the benchmarks)
        # A finite ofType chain is not circular and stays allowed.
        chain = "name"
        for _ in range(6):
            chain = f"ofType {{ {chain} }}"
        data = await user.gql("{ __schema { types { fields { type { " + chain + " } } } } }")
        assert data["__schema"]["types"]


# 7. Directive overloading ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("directive", "count"),
    [("@include(if: true)", 500), ("@skip(if: false)", 500), ("@aa", 1200), ("@include(if: true)", 5000)],
    ids=["include x500", "skip x500", "unknown x1200", "include x5000 (past the token limit)"],
)
async def test_directive_overloading_is_refused_quickly(server: Server, directive: str, count: int) -> None:
    query = "{ sites { code " + f"{directive} " * count + "} }"
    async with Api(server.url) as anonymous, Api(server.url, api_key=GLOBAL_KEY) as daemon:
        for client in (anonymous, daemon):
            started = time.monotonic()
            body = await client.raw(query)
            elapsed = time.monotonic() - started
            assert body.get("data") is None
            codes = {e["extensions"]["code"] for e in body["errors"]}
            assert codes <= {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "QUERY_TOO_COMPLEX"}, codes
            # graphql-core stops validating after 100 errors: the answer does not grow with the attack.
            assert len(body["errors"]) <= 101
            assert elapsed < SLOW, f"{count} x {directive} took {elapsed:.2f}s"


async def test_field_duplication_is_bounded_by_the_token_limit(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        ok = "{ sites { " + "code " * 500 + "} }"
        assert len((await daemon.gql(ok))["sites"]) == 3
        body = await daemon.raw("{ sites { " + "code " * (server.settings.max_query_tokens + 10) + "} }")
        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] in ("GRAPHQL_PARSE_FAILED", "QUERY_TOO_COMPLEX")


# 8. CSRF -----------------------------------------------------------------------------------------------------

LOGOUT = '{"query": "mutation { logout }"}'


async def test_csrf_shapes_are_refused_with_a_real_session_cookie(server: Server, db: SessionFactory) -> None:
    """The attack graphql-cop models: a page on another site makes the victim's browser send a request that
    carries the session cookie. None of the shapes a browser can send without a preflight may run."""
    async with await _engineer(server, db) as victim:
        shapes = [
            ("POST", {"content": LOGOUT, "headers": {"content-type": "text/plain"}}, 415),
            ("POST", {"data": {"query": "mutation { logout }"}}, 415),
            ("POST", {"files": {"query": (None, "mutation { logout }")}}, 415),
            ("POST", {"content": LOGOUT, "headers": {"content-type": "application/x-www-form-urlencoded"}}, 415),
            ("GET", {"params": {"query": "mutation { logout }"}}, 405),
            (
                "POST",
                {"content": LOGOUT, "headers": {"content-type": "application/json", "origin": "https://evil.example"}},
                403,
            ),
        ]
        for method, kwargs, status in shapes:
            r = await victim.http.request(method, "/graphql", **kwargs)
            assert r.status_code == status, (method, kwargs, r.status_code, r.text)
            assert r.json()["errors"][0]["extensions"]["code"]
        # The session survived every attempt: none of them ran.
        assert (await victim.gql("{ me { username } }"))["me"] == {"username": "cop"}
        # The same request from the app itself (same origin, JSON) does run.
        r = await victim.http.post(
            "/graphql",
            content=LOGOUT,
            headers={"content-type": "application/json; charset=utf-8", "origin": server.url},
        )
        assert r.status_code == 200 and r.json()["data"] == {"logout": True}, r.text
        assert (await victim.gql("{ me { username } }"))["me"] is None
