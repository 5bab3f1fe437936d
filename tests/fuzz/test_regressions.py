"""Minimal reproductions of what the fuzzing found (schemathesis runs and the graphql-cop probes). Each was an
``INTERNAL_SERVER_ERROR`` (a masked crash, logged as unexpected), an HTTP 500, or an error without a code.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, make_user, random_sha, report

INTERNAL = "INTERNAL_SERVER_ERROR"


def _codes(body: dict[str, Any]) -> list[str]:
    return [str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []]


# A NUL character in any text argument used to reach PostgreSQL, which cannot store it in text
# ("invalid byte sequence for encoding UTF8: 0x00"): a crash for the caller. Anonymous callers could trigger
# it through login. Found by schemathesis (String arguments).
NUL_CASES = {
    "login username (anonymous)": ("anonymous", 'mutation { login(username: "eddie\\u0000", password: "x") { id } }'),
    "files filter siteCode": ("daemon", '{ files(filter: {siteCode: "tustin\\u0000"}) { totalCount } }'),
    "files filter search": ("daemon", '{ files(filter: {search: "clip\\u0000"}) { totalCount } }'),
    "heartbeat daemonVersion": (
        "daemon",
        'mutation { heartbeat(input: {site: "tustin", daemonVersion: "1\\u0000"}) { id } }',
    ),
    "heartbeat site": ("daemon", 'mutation { heartbeat(input: {site: "tus\\u0000tin"}) { id } }'),
    "reportFile reportId": (
        "daemon",
        'mutation { reportFile(input: {site: "tustin", path: "a/b.mov", sizeBytes: 1, '
        f'sha256: "{"b" * 64}", reportId: "r\\u0000"}}) {{ id }} }}',
    ),
    "createApiKey name": ("admin", 'mutation { createApiKey(site: "tustin", name: "k\\u0000") { secret } }'),
    "createRoutingRule destinationSite": (
        "admin",
        'mutation { createRoutingRule(input: {name: "r", destinationSite: "dallas\\u0000"}) { id } }',
    ),
    "updateUser displayName": ("admin", 'mutation { updateUser(id: "1", input: {displayName: "a\\u0000"}) { id } }'),
    "rejectFile reason": ("admin", 'mutation { rejectFile(id: "1", reason: "soft\\u0000focus") { id } }'),
}


@pytest.mark.parametrize("case", sorted(NUL_CASES))
async def test_nul_characters_in_text_are_bad_input(server: Server, db: SessionFactory, case: str) -> None:
    who, query = NUL_CASES[case]
    await make_user(db, "eddie", Role.ADMIN)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as admin, Api(server.url) as anonymous:
        await report(daemon, path="A/clip.mov")
        await admin.login("eddie")
        caller = {"anonymous": anonymous, "daemon": daemon, "admin": admin}[who]
        body = await caller.raw(query)
        assert _codes(body) == ["BAD_USER_INPUT"], body
        # Nothing was half-done: the file the rejection aimed at is untouched.
        assert (await daemon.gql('{ file(id: "1") { state version } }'))["file"] == {"state": "DETECTED", "version": 1}


# BigInt is documented as a 64-bit integer but accepted any integer; values past 64 bits crashed in the driver
# ("value out of int64 range"). Found by schemathesis (BigInt arguments).
@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("daemon", 'mutation { heartbeat(input: {site: "tustin", diskFreeBytes: 1180591620717411303424}) { id } }'),
        ("admin", 'mutation { createRoutingRule(input: {name: "r", minSizeBytes: 9223372036854775808}) { id } }'),
        ("admin", 'mutation { createRoutingRule(input: {name: "r", maxSizeBytes: -9223372036854775809}) { id } }'),
    ],
)
async def test_bigint_past_64_bits_is_bad_input(server: Server, db: SessionFactory, who: str, query: str) -> None:
    await make_user(db, "eddie", Role.ADMIN)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as admin:
        await admin.login("eddie")
        body = await (daemon if who == "daemon" else admin).raw(query)
        assert _codes(body) == ["BAD_USER_INPUT"], body


async def test_bigint_at_64_bit_bounds_still_works(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        beat = 'mutation { heartbeat(input: {site: "tustin", diskFreeBytes: 9223372036854775807}) { diskFreeBytes } }'
        assert (await daemon.gql(beat))["heartbeat"]["diskFreeBytes"] == "9223372036854775807"


# A DateTime that Python parses but PostgreSQL cannot store (its range ends at year 294276 but asyncpg refuses
# dates that leave Python's year 1..9999 range once converted to UTC). Found by schemathesis (DateTime).
@pytest.mark.parametrize("modified", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
async def test_a_date_the_database_cannot_store_is_bad_input(server: Server, modified: str) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        body = await daemon.raw(
            'mutation($m: DateTime){ reportFile(input: {site: "tustin", path: "A/d.mov", sizeBytes: 1, '
            f'sha256: "{random_sha()}", modifiedAt: $m}}) {{ id }} }}',
            {"m": modified},
        )
        assert _codes(body) == ["BAD_USER_INPUT"], body
        assert (await daemon.gql("{ files { totalCount } }"))["files"]["totalCount"] == 0


# A request body that is valid JSON but neither an object nor a list crashed Strawberry's body parsing
# (AttributeError: 'str' object has no attribute 'get'): HTTP 500. Found by the graphql-cop batching probe.
@pytest.mark.parametrize("raw", ['"{ sites { code } }"', "42", "null", "true"])
async def test_a_json_body_that_is_not_an_object_is_refused_not_a_crash(server: Server, raw: str) -> None:
    async with Api(server.url) as anonymous:
        r = await anonymous.http.post("/graphql", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST", r.text


# Syntax errors (and the token limit, which the parser reports as one) left without extensions.code: the parser
# cache raised outside the operation, so the error-code extension never saw them. Found by the graphql-cop
# directive/field-duplication probes.
@pytest.mark.parametrize(
    "query",
    ["{ sites {", "{ sites { code } ", "query { sites { " + "code " * 4100 + "} }"],
    ids=["eof", "brace", "tokens"],
)
async def test_syntax_errors_carry_a_code(server: Server, query: str) -> None:
    async with Api(server.url) as anonymous:
        body = await anonymous.raw(query)
    assert body.get("data") is None
    assert _codes(body) in (["GRAPHQL_PARSE_FAILED"], ["QUERY_TOO_COMPLEX"]), body


# A subscription sent as a plain HTTP POST was executed like a query and failed inside graphql-core ("Cannot
# return null for non-nullable field Subscription.fileEvents"). Subscriptions live on the WebSocket.
@pytest.mark.parametrize("who", ["anonymous", "daemon"])
async def test_a_subscription_over_http_is_refused_with_a_code(server: Server, who: str) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY if who == "daemon" else None) as caller:
        body = await caller.raw("subscription { fileEvents { cursor } }")
    assert body.get("data") is None
    codes = _codes(body)
    assert codes and INTERNAL not in codes and "None" not in codes, body


# An Int literal longer than Python's 4,300-digit conversion limit failed inside graphql-core's validation
# (ValueError), which left as INTERNAL_SERVER_ERROR even for anonymous callers. Found probing Int bounds.
@pytest.mark.parametrize(
    "query",
    [
        "{ files(first: %s) { totalCount } }",
        'mutation { heartbeat(input: {site: "tustin", diskFreeBytes: %s}) { id } }',
    ],
    ids=["Int", "BigInt"],
)
async def test_a_five_thousand_digit_number_is_bad_input(server: Server, query: str) -> None:
    async with Api(server.url) as anonymous:
        body = await anonymous.raw(query % ("9" * 5000))
    assert body.get("data") is None
    assert _codes(body) == ["BAD_USER_INPUT"], body
