"""Bad input gets a precise error code, never a 500, and changes nothing."""

from __future__ import annotations

import pytest

from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.conftest import Server
from tests.support import GLOBAL_KEY, REPORT, Api, GraphQLFailure, make_user, random_sha, report

AUDIT_COUNT = "{ audit(first: 1) { totalCount } files { totalCount } }"


async def _counts(api: Api) -> tuple[int, int]:
    data = await api.gql(AUDIT_COUNT)
    return data["audit"]["totalCount"], data["files"]["totalCount"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"sha256": "not-a-hash"}, "sha256"),
        ({"sha256": "A" * 63}, "sha256"),
        ({"sizeBytes": -1}, "sizeBytes"),
        ({"sizeBytes": 2**62}, "sizeBytes"),
        ({"path": ""}, "path"),
        ({"path": "../../etc/passwd"}, "path"),
        ({"path": "A001/../../x.mov"}, "path"),
        ({"site": "atlantis"}, "site"),
    ],
)
async def test_malformed_reports_are_refused(server: Server, override: dict[str, object], field: str) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        before = await _counts(daemon)
        body = {"site": "tustin", "path": "A/clip.mov", "sizeBytes": 10, "sha256": random_sha(), **override}
        with pytest.raises(GraphQLFailure) as info:
            await daemon.gql(REPORT, {"input": body})
        assert info.value.code == "BAD_USER_INPUT"
        assert info.value.errors[0]["extensions"].get("field") == field
        assert await _counts(daemon) == before


async def test_unknown_ids_are_not_found(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url) as api:
        await api.login("eddie")
        for fid in ("999999", "abc", "-1"):
            with pytest.raises(GraphQLFailure) as info:
                await api.gql("mutation($id:ID!){ validateFile(id:$id){ id } }", {"id": fid})
            assert info.value.code == "NOT_FOUND"
        assert (await api.gql('{ file(id: "999999") { id } }'))["file"] is None


async def test_illegal_transition_names_state_and_allowed_actions(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as api:
        f = await report(daemon)
        await api.login("eddie")
        with pytest.raises(GraphQLFailure) as info:
            await api.gql("mutation($id:ID!){ archiveFile(id:$id){ id } }", {"id": f["id"]})
        err = info.value.errors[0]
        assert err["extensions"]["code"] == "INVALID_TRANSITION"
        assert err["extensions"]["currentState"] == "DETECTED"
        assert err["extensions"]["allowedActions"] == ["VALIDATE", "REJECT"]
        assert "DETECTED" in err["message"]
        data = await api.gql("query($id:ID!){ file(id:$id){ state version auditTrail { action } } }", {"id": f["id"]})
        assert data["file"] == {"state": "DETECTED", "version": 1, "auditTrail": [{"action": "REPORT"}]}


async def test_stale_expected_version_is_a_conflict(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as api:
        f = await report(daemon)
        await api.login("eddie")
        with pytest.raises(GraphQLFailure) as info:
            await api.gql("mutation($id:ID!){ validateFile(id:$id, expectedVersion: 7){ id } }", {"id": f["id"]})
        assert info.value.code == "CONFLICT"
        ok = await api.gql("mutation($id:ID!){ validateFile(id:$id, expectedVersion: 1){ version } }", {"id": f["id"]})
        assert ok["validateFile"]["version"] == 2


async def test_queue_needs_a_different_known_destination(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as api:
        f = await report(daemon)
        await api.login("eddie")
        await api.gql("mutation($id:ID!){ validateFile(id:$id){ id } }", {"id": f["id"]})
        for dest in ("tustin", "mars", None):
            with pytest.raises(GraphQLFailure) as info:
                await api.gql(
                    "mutation($id:ID!,$d:String){ queueFile(id:$id, destinationSite:$d){ id } }",
                    {"id": f["id"], "d": dest},
                )
            assert info.value.code == "BAD_USER_INPUT"
        data = await api.gql("query($id:ID!){ file(id:$id){ state transfers { id } } }", {"id": f["id"]})
        assert data["file"] == {"state": "VALIDATED", "transfers": []}


async def test_oversize_body_is_refused_before_parsing(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        r = await daemon.http.post("/graphql", json={"query": "{ sites { code } }", "pad": "x" * 2_000_000})
        assert r.status_code == 413
        assert r.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_too_deep_and_too_many_aliases(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        deep = "{ files { edges { node { " + "transfers { file { " * 6 + "id" + " } }" * 6 + " } } } }"
        body = await daemon.raw(deep)
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        aliases = "{ " + " ".join(f"a{i}: sites {{ code }}" for i in range(100)) + " }"
        body = await daemon.raw(aliases)
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_reject_needs_a_reason(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as api:
        f = await report(daemon)
        await api.login("eddie")
        with pytest.raises(GraphQLFailure) as info:
            await api.gql('mutation($id:ID!){ rejectFile(id:$id, reason:"   "){ id } }', {"id": f["id"]})
        assert info.value.code == "BAD_USER_INPUT"
        data = await api.gql(
            'mutation($id:ID!){ rejectFile(id:$id, reason:"soft focus"){ state rejectionReason } }', {"id": f["id"]}
        )
        assert data["rejectFile"] == {"state": "REJECTED", "rejectionReason": "soft focus"}


async def test_validation_rejects_with_reason_codes(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as api:
        sha = random_sha()
        first = await report(daemon, path="A/clip.mov", sha=sha)
        dup = await report(daemon, path="B/copy.mov", sha=sha)
        txt = await report(daemon, path="A/notes.txt")
        empty = await report(daemon, path="A/empty.mov", size=0)
        await api.login("eddie")
        results = {}
        for f in (first, dup, txt, empty):
            data = await api.gql(
                "mutation($id:ID!){ validateFile(id:$id){ state auditTrail { action details } } }", {"id": f["id"]}
            )
            results[f["id"]] = data["validateFile"]
    assert results[first["id"]]["state"] == "VALIDATED"
    assert results[dup["id"]]["auditTrail"][-1]["details"]["codes"] == ["DUPLICATE_CONTENT"]
    assert results[txt["id"]]["auditTrail"][-1]["details"]["codes"] == ["UNSUPPORTED_EXTENSION"]
    assert results[empty["id"]]["auditTrail"][-1]["details"]["codes"] == ["EMPTY_FILE"]
    assert {r["state"] for k, r in results.items() if k != first["id"]} == {"REJECTED"}


async def test_report_is_idempotent_and_new_hash_is_a_new_version(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        sha = random_sha()
        a = await report(daemon, path="A/clip.mov", sha=sha, report_id="r-1")
        b = await report(daemon, path="A/clip.mov", sha=sha, report_id="r-1")
        c = await report(daemon, path="A/clip.mov", sha=sha, report_id="r-2")
        assert a["id"] == b["id"] == c["id"]
        with pytest.raises(GraphQLFailure) as info:
            await report(daemon, path="A/other.mov", report_id="r-1")
        assert info.value.code == "CONFLICT"
        v2 = await report(daemon, path="A/clip.mov")
        assert v2["id"] != a["id"]
        data = await daemon.gql("query($id:ID!){ file(id:$id){ previousVersion { id } } }", {"id": v2["id"]})
        assert data["file"]["previousVersion"]["id"] == a["id"]
        audit = await daemon.gql("query($id:ID!){ audit(fileId:$id){ totalCount } }", {"id": a["id"]})
        assert audit["audit"]["totalCount"] == 1


async def test_csrf_shapes_are_refused(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        r = await daemon.http.get("/graphql", params={"query": "{ sites { code } }"})
        assert r.status_code == 405
        r = await daemon.http.post(
            "/graphql", content=b'{"query":"{ sites { code } }"}', headers={"content-type": "text/plain"}
        )
        assert r.status_code == 415
        r = await daemon.http.post("/graphql", data={"query": "{ sites { code } }"})
        assert r.status_code == 415
        r = await daemon.http.post("/graphql", files={"query": (None, "{ sites { code } }")})
        assert r.status_code == 415
        r = await daemon.http.post(
            "/graphql", json={"query": "{ sites { code } }"}, headers={"origin": "https://evil.example"}
        )
        assert r.status_code == 403


async def test_token_limit_is_query_too_complex(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        body = await daemon.raw("{ sites { " + "code " * (server.settings.max_query_tokens + 10) + "} }")
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        body = await daemon.raw("{ sites { code }")
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
