"""Packages over the real API: members staged in batches, then one reportFile makes ONE File; bad packages are
refused with precise codes and record nothing; a package queues as a HUB job (its members travel as one stream)
and as an EXTERNAL one from a --metadata-only site."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import func, text, update

from app.db.engine import SessionFactory
from app.db.models import StagedMember
from app.domain.permissions import Role
from app.services.packages import STALE_STAGING, forget_stale_staging
from daemon.client import STAGE_BATCH
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, GraphQLFailure, make_user, random_sha

STAGE = "mutation($input: StagePackageMembersInput!){ stagePackageMembers(input: $input) }"
REPORT = """
mutation($input: ReportFileInput!){
  reportFile(input: $input){ id state path filename sizeBytes sha256 kind memberCount frameRange missingFrames }
}
"""
MEMBERS = """
query($id: ID!, $after: String){
  file(id: $id){ members(first: 500, after: $after){
    totalCount pageInfo { hasNextPage endCursor } edges { node { path sizeBytes sha256 } }
  } }
}
"""
COUNTS = "{ audit(first: 1) { totalCount } files { totalCount } }"


def manifest_sha(members: list[dict[str, Any]]) -> str:
    """The documented recipe (docs/packages.md), written out independently of the server's code."""
    lines = "".join(f"{m['sha256']}  {m['sizeBytes']}  {m['path']}\n" for m in sorted(members, key=lambda m: m["path"]))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def frames(first: int, last: int, skip: set[int] = frozenset()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    return [
        {
            "path": f"B003_C011.{n:07d}.dpx",
            "sizeBytes": 100 + n % 7,
            "sha256": hashlib.sha256(str(n).encode()).hexdigest(),
        }
        for n in range(first, last + 1)
        if n not in skip
    ]


async def stage(api: Api, report_id: str, members: list[dict[str, Any]], batch: int = STAGE_BATCH) -> int:
    staged = 0
    for start in range(0, len(members), batch):
        data = await api.gql(
            STAGE, {"input": {"site": "tustin", "reportId": report_id, "members": members[start : start + batch]}}
        )
        staged = int(data["stagePackageMembers"])
    return staged


def package_input(
    report_id: str, members: list[dict[str, Any]], path: str, kind: str, filename: str, **extra: Any
) -> dict[str, Any]:
    return {
        "site": "tustin",
        "path": path,
        "sizeBytes": sum(m["sizeBytes"] for m in members),
        "sha256": manifest_sha(members),
        "reportId": report_id,
        "package": {"kind": kind, "memberCount": len(members), "filename": filename, **extra},
    }


async def counts(api: Api) -> tuple[int, int]:
    data = await api.gql(COUNTS)
    return data["audit"]["totalCount"], data["files"]["totalCount"]


async def test_a_sequence_staged_in_batches_is_one_file_with_paged_members(server: Server) -> None:
    members = frames(86400, 87601, skip=frozenset({87000, 87001}))
    rid = str(uuid.uuid4())
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        assert await stage(daemon, rid, members) == 1200
        given = package_input(
            rid,
            members,
            "reels/B003_C011.#######.dpx",
            "SEQUENCE",
            "B003_C011.[86400-87601].dpx",
            frameRange="86400-87601",
            missingFrames="87000-87001",
        )
        f = (await daemon.gql(REPORT, {"input": given}))["reportFile"]
        assert (f["kind"], f["memberCount"], f["frameRange"], f["missingFrames"]) == (
            "SEQUENCE",
            1200,
            "86400-87601",
            "87000-87001",
        )
        assert f["filename"] == "B003_C011.[86400-87601].dpx"
        assert f["sizeBytes"] == sum(m["sizeBytes"] for m in members)
        assert f["sha256"] == manifest_sha(members)

        again = (await daemon.gql(REPORT, {"input": given}))["reportFile"]
        assert again["id"] == f["id"], "a resent package report is idempotent"

        seen: list[dict[str, Any]] = []
        after = None
        while True:
            page = (await daemon.gql(MEMBERS, {"id": f["id"], "after": after}))["file"]["members"]
            assert page["totalCount"] == 1200
            seen += [e["node"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == sorted(members, key=lambda m: m["path"])

        q = "query($f: FileFilter){ files(filter: $f){ edges { node { id kind } } } }"
        by_member = await daemon.gql(q, {"f": {"search": "B003_C011.0087500.dpx"}})
        assert [e["node"]["id"] for e in by_member["files"]["edges"]] == [f["id"]], "found by a member's name"
        by_name = await daemon.gql(q, {"f": {"search": "B003_C011.[86400"}})
        assert [e["node"]["id"] for e in by_name["files"]["edges"]] == [f["id"]], "found by its readable name"
        plain = (await daemon.gql(REPORT, {"input": {**given, "path": "reels/x.mov", "reportId": None, "package": None,
                                                         "sha256": random_sha()}}))["reportFile"]  # fmt: skip
        assert (plain["kind"], plain["memberCount"], plain["frameRange"]) == ("FILE", 1, None)
        kinds = await daemon.gql(q, {"f": {"kinds": ["SEQUENCE"], "search": "reels/"}})
        assert [e["node"]["id"] for e in kinds["files"]["edges"]] == [f["id"]]
        one = (await daemon.gql(MEMBERS, {"id": plain["id"], "after": None}))["file"]["members"]
        assert [e["node"]["path"] for e in one["edges"]] == ["x.mov"] and one["totalCount"] == 1


async def test_fourteen_thousand_members_stay_under_the_body_limit(server: Server) -> None:
    members = frames(1, 14_400)
    body = json.dumps({"query": STAGE, "variables": {"input": {"members": members[:STAGE_BATCH]}}})
    assert len(body.encode()) < server.settings.max_body_bytes / 4, "a member batch is far below the limit"
    rid = str(uuid.uuid4())
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        assert await stage(daemon, rid, members) == 14_400
        given = package_input(rid, members, "big/B003_C011.#######.dpx", "SEQUENCE", "B003_C011.[1-14400].dpx")
        f = (await daemon.gql(REPORT, {"input": given}))["reportFile"]
        assert f["memberCount"] == 14_400


@pytest.mark.parametrize("bad", ["../escape.dpx", "/etc/passwd", "a//b.dpx", "./a.dpx", "C:/x.dpx", "a\\..\\b"])
async def test_member_paths_that_escape_the_package_are_refused(server: Server, bad: str) -> None:
    rid = str(uuid.uuid4())
    members = [{"path": bad, "sizeBytes": 1, "sha256": random_sha()}]
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        before = await counts(daemon)
        with pytest.raises(GraphQLFailure) as info:
            await stage(daemon, rid, members)
        assert info.value.code == "PACKAGE_MEMBER_PATH"
        with pytest.raises(GraphQLFailure) as empty:
            await daemon.gql(REPORT, {"input": package_input(rid, members, "x.RDC", "FOLDER", "x.RDC")})
        assert empty.value.code == "PACKAGE_EMPTY", "nothing was staged"
        assert await counts(daemon) == before


async def test_bad_packages_are_refused_and_nothing_is_lost(server: Server) -> None:
    rid = str(uuid.uuid4())
    members = [
        {"path": "A001_C002_001.R3D", "sizeBytes": 10, "sha256": random_sha()},
        {"path": "A001_C002_002.R3D", "sizeBytes": 20, "sha256": random_sha()},
    ]
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        before = await counts(daemon)
        await stage(daemon, rid, members)
        good = package_input(rid, members, "cards/A001_C002.RDC", "FOLDER", "A001_C002.RDC")
        for override, code in (
            ({"sha256": random_sha()}, "PACKAGE_MANIFEST_MISMATCH"),
            ({"sizeBytes": 31}, "PACKAGE_MANIFEST_MISMATCH"),
            ({"package": {**good["package"], "memberCount": 3}}, "PACKAGE_MANIFEST_MISMATCH"),
            ({"reportId": str(uuid.uuid4())}, "PACKAGE_EMPTY"),
            ({"package": {**good["package"], "filename": "a/b"}}, "BAD_USER_INPUT"),
            ({"package": {**good["package"], "missingFrames": "1-2;drop"}}, "BAD_USER_INPUT"),
        ):
            with pytest.raises(GraphQLFailure) as info:
                await daemon.gql(REPORT, {"input": {**good, **override}})
            assert info.value.code == code, override
        assert await counts(daemon) == before, "a refused package records nothing"
        f = (await daemon.gql(REPORT, {"input": good}))["reportFile"]
        assert (f["kind"], f["memberCount"], f["filename"]) == ("FOLDER", 2, "A001_C002.RDC"), "staged members kept"

        rid2 = str(uuid.uuid4())
        twins = [{**members[0], "path": "clip.R3D"}, {**members[1], "path": "CLIP.r3d"}]
        await stage(daemon, rid2, twins)
        with pytest.raises(GraphQLFailure) as info:
            await daemon.gql(REPORT, {"input": package_input(rid2, twins, "cards/B.RDC", "FOLDER", "B.RDC")})
        assert info.value.code == "PACKAGE_CASE_COLLISION"

        too_many = [{"path": f"f{i}.dpx", "sizeBytes": 1, "sha256": random_sha()} for i in range(1001)]
        with pytest.raises(GraphQLFailure) as info:
            await stage(daemon, str(uuid.uuid4()), too_many, batch=1001)
        assert info.value.code == "BAD_USER_INPUT"


async def test_a_package_queues_as_a_hub_job_and_an_external_one_completes_with_its_manifest_hash(
    server: Server, db: SessionFactory
) -> None:
    await make_user(db, "eddie", Role.ENGINEER)
    queue = 'mutation($id:ID!){ queueFile(id:$id, destinationSite:"nashville"){ id state transfers { transport } } }'
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as eng:
        await eng.login("eddie")
        ids = []
        for name in ("A002.RDC", "A003.RDC"):
            members = [{"path": "A002_C001_001.R3D", "sizeBytes": 5, "sha256": random_sha()}]
            rid = str(uuid.uuid4())
            await stage(daemon, rid, members)
            f = await daemon.gql(REPORT, {"input": package_input(rid, members, f"hub/{name}", "FOLDER", name)})
            ids.append(f["reportFile"]["id"])
            await eng.gql("mutation($id:ID!){ validateFile(id:$id){ id } }", {"id": ids[-1]})
        queued = (await eng.gql(queue, {"id": ids[0]}))["queueFile"]
        assert queued["state"] == "QUEUED" and queued["transfers"][-1]["transport"] == "HUB", "its bytes travel"

        await daemon.gql('mutation{ heartbeat(input:{site:"tustin", metadataOnly:true}){ id } }')
        try:  # the source's bytes move outside the hub: an EXTERNAL job, completed with the manifest hash
            queued = (await eng.gql(queue, {"id": ids[1]}))["queueFile"]
            assert queued["transfers"][-1]["transport"] == "EXTERNAL"
            await eng.gql("mutation($id:ID!){ startTransfer(id:$id){ id } }", {"id": ids[1]})
            done = await eng.gql(
                "mutation($id:ID!, $sha:String){ completeTransfer(id:$id, sha256:$sha){ state } }",
                {"id": ids[1], "sha": manifest_sha(members)},
            )
            assert done["completeTransfer"]["state"] == "TRANSFERRED"
        finally:
            await daemon.gql('mutation{ heartbeat(input:{site:"tustin", metadataOnly:false}){ id } }')


async def test_members_staged_for_a_report_that_never_came_are_forgotten(server: Server, db: SessionFactory) -> None:
    old, fresh = str(uuid.uuid4()), str(uuid.uuid4())
    members = [{"path": "A003_C001_001.R3D", "sizeBytes": 7, "sha256": random_sha()}]
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        await stage(daemon, old, members)
        await stage(daemon, fresh, members)
        async with db() as session, session.begin():
            await session.execute(
                update(StagedMember)
                .where(StagedMember.report_id == old)
                .values(staged_at=func.now() - text("interval '2 days'"))
            )
        assert await forget_stale_staging(db, STALE_STAGING) == 1
        with pytest.raises(GraphQLFailure) as info:
            await daemon.gql(REPORT, {"input": package_input(old, members, "s/A003.RDC", "FOLDER", "A003.RDC")})
        assert info.value.code == "PACKAGE_EMPTY"
        f = await daemon.gql(REPORT, {"input": package_input(fresh, members, "s/A003.RDC", "FOLDER", "A003.RDC")})
        assert f["reportFile"]["memberCount"] == 1
