"""Chain of custody over the real API: a card reported with its custody and an integrity error; who may add
custody records (only a daemon key acting for the file's source or destination site) and accept an integrity
risk (engineers and admins, with a reason); the MAM payload's custody summary; the ASC MHL export, parsed back
with ascmhl's own reader."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import xxhash
from ascmhl import hashlist_xml_parser
from graphql import print_ast

from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM, Role
from app.services.delivery import custody_summary
from app.services.users import create_api_key
from daemon.client import RECORD_CUSTODY
from daemon.custody import Record, record_custody_input
from tests.api.test_packages import REPORT, manifest_sha, stage
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, GraphQLFailure, file_in_state, make_user

FILE = """query($id: ID!){ file(id: $id){ id version state integrityError integrityAcceptedReason allowedActions
  custody { action hashFormat generation host location site { code } } } }"""
RECORD = "mutation($input: RecordCustodyInput!){ recordCustody(input: $input){ id custody { action generation } } }"
ACCEPT = "mutation($id: ID!, $r: String!){ acceptIntegrityRisk(id: $id, reason: $r){ id integrityAcceptedReason } }"
VALIDATE = "mutation($id: ID!){ validateFile(id: $id){ id state } }"


def after_now() -> str:
    """A verification a minute from now: records are kept in time order, so it lands after those the hub has just
    written whatever the day (a fixed date here sorted before them once the clock passed it)."""
    return (datetime.now(UTC) + timedelta(minutes=1)).replace(microsecond=0).isoformat()


def card_members(tag: str) -> list[dict[str, Any]]:
    """Three clips with their card hashes, and the card's own history (members without one, as a daemon sends)."""
    clips = [
        {
            "path": f"CLIPS/{tag}C00{i}.mxf",
            "sizeBytes": 1000 + i,
            "sha256": hashlib.sha256(f"{tag}{i}".encode()).hexdigest(),
            "hashFormat": "xxh64",
            "hash": hashlib.md5(f"{tag}{i}".encode()).hexdigest()[:16],
        }
        for i in range(1, 4)
    ]
    history = [
        {"path": f"ascmhl/{name}", "sizeBytes": 900 + i, "sha256": hashlib.sha256(name.encode()).hexdigest()}
        for i, name in enumerate((f"0001_{tag}_2026-12-01_090000Z.mhl", "ascmhl_chain.xml"))
    ]
    return clips + history


async def report_card(daemon: Api, tag: str, integrity_error: str | None = None) -> dict[str, Any]:
    members = card_members(tag)
    rid = str(uuid.uuid4())
    await stage(daemon, rid, members)
    given = {
        "site": "tustin",
        "path": f"cards/{tag}",
        "sizeBytes": sum(m["sizeBytes"] for m in members),
        "sha256": manifest_sha(members),
        "reportId": rid,
        "package": {
            "kind": "FOLDER",
            "memberCount": len(members),
            "filename": tag,
            "integrityError": integrity_error,
            "custody": [
                {"action": "ORIGINAL", "hashFormat": "xxh64", "at": "2026-12-01T09:00:00+01:00", "host": "dit-cart",
                 "tool": "ascmhl 1.2", "generation": 1},
                {"action": "FAILED" if integrity_error else "VERIFIED", "hashFormat": "xxh64", "site": "tustin",
                 "host": "tustin-daemon", "tool": "colorroute", "location": "tustin",
                 "generation": None if integrity_error else 2},
            ],
        },
    }  # fmt: skip
    return dict((await daemon.gql(REPORT, {"input": given}))["reportFile"])


async def test_a_card_carries_its_custody_and_only_the_right_key_may_add_to_it(
    server: Server, db: SessionFactory
) -> None:
    await make_user(db, "cust-eng", Role.ENGINEER, "tustin")
    await make_user(db, "cust-col", Role.COLORIST, "nashville")
    dallas = (await create_api_key(db, SYSTEM, "dallas")).secret
    nashville = (await create_api_key(db, SYSTEM, "nashville")).secret
    tustin = (await create_api_key(db, SYSTEM, "tustin")).secret
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as eng, Api(server.url) as col:
        f = await report_card(daemon, "A001")
        got = (await daemon.gql(FILE, {"id": f["id"]}))["file"]
        assert [(r["action"], r["generation"], (r["site"] or {}).get("code")) for r in got["custody"]] == [
            ("ORIGINAL", 1, None),
            ("VERIFIED", 2, "tustin"),
        ]
        assert got["integrityError"] is None
        await eng.login("cust-eng")
        await col.login("cust-col")
        add = {"fileId": f["id"], "site": "tustin", "records": [{"action": "VERIFIED", "hashFormat": "xxh64"}]}
        for who, given in ((eng, add), (col, add)):  # people may not write custody
            with pytest.raises(GraphQLFailure) as refused:
                await who.gql(RECORD, {"input": given})
            assert refused.value.code == "FORBIDDEN"
        async with Api(server.url, api_key=dallas) as other:
            with pytest.raises(GraphQLFailure) as refused:  # another site's key, for its own site: not its file
                await other.gql(RECORD, {"input": {**add, "site": "dallas"}})
            assert refused.value.code == "FORBIDDEN"
        async with Api(server.url, api_key=nashville) as wrong:
            with pytest.raises(GraphQLFailure) as refused:  # a key speaking for another site
                await wrong.gql(RECORD, {"input": add})
            assert refused.value.code == "FORBIDDEN"
        async with Api(server.url, api_key=tustin) as own:
            bad = {**add, "records": [{"action": "VERIFIED", "hashFormat": "crc32"}]}
            with pytest.raises(GraphQLFailure) as refused:
                await own.gql(RECORD, {"input": bad})
            assert refused.value.code == "BAD_USER_INPUT"
            dest = {**add, "records": [{"action": "VERIFIED", "hashFormat": "xxh64", "generation": 3,
                                        "at": after_now(), "location": "tustin"}]}  # fmt: skip
            first = (await own.gql(RECORD, {"input": dest}))["recordCustody"]["custody"]
            again = (await own.gql(RECORD, {"input": dest}))["recordCustody"]["custody"]
            assert first == again and [r["generation"] for r in first] == [1, 2, 3], "a resend adds nothing"
        audit = await daemon.gql("query($id: ID){ audit(fileId: $id){ edges { node { action } } } }", {"id": f["id"]})
        assert [e["node"]["action"] for e in audit["audit"]["edges"]].count("RECORD_CUSTODY") == 1

        # the MHL export, parsed back by the reference implementation
        r = await daemon.http.get(f"/files/{f['id']}/mhl")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
        exported = Path(server.settings.data_dir) / "export-A001" / "ascmhl" / "0001_A001.mhl"
        exported.parent.mkdir(parents=True)
        exported.write_bytes(r.content)
        parsed = hashlist_xml_parser.parse(str(exported))
        assert {
            (m.path, m.hash_entries[0].hash_format, m.hash_entries[0].hash_string) for m in parsed.media_hashes
        } == {(m["path"], "xxh64", m["hash"]) for m in card_members("A001") if "hash" in m}
        r = await Api(server.url).http.get(f"/files/{f['id']}/mhl")
        assert r.status_code == 401


async def test_a_failing_card_is_validated_only_after_an_engineer_accepts_the_risk(
    server: Server, db: SessionFactory
) -> None:
    await make_user(db, "risk-eng", Role.ENGINEER, "tustin")
    await make_user(db, "risk-ro", Role.READONLY)
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url) as eng, Api(server.url) as ro:
        error = "CLIPS/B002C002.mxf: xxh64 mismatch: history 0123456789abcdef, card fedcba9876543210"
        f = await report_card(daemon, "B002", integrity_error=error)
        await eng.login("risk-eng")
        await ro.login("risk-ro")
        got = (await eng.gql(FILE, {"id": f["id"]}))["file"]
        assert got["integrityError"] == error
        assert "VALIDATE" not in got["allowedActions"] and "ACCEPT_INTEGRITY_RISK" in got["allowedActions"]
        assert [r["action"] for r in got["custody"]] == ["ORIGINAL", "FAILED"]
        with pytest.raises(GraphQLFailure) as refused:
            await eng.gql(VALIDATE, {"id": f["id"]})
        assert refused.value.code == "INTEGRITY_FAILED"
        assert "B002C002" in refused.value.errors[0]["extensions"]["integrityError"]
        for who, code in ((ro, "FORBIDDEN"), (daemon, "FORBIDDEN")):
            with pytest.raises(GraphQLFailure) as refused:
                await who.gql(ACCEPT, {"id": f["id"], "r": "looks fine"})
            assert refused.value.code == code
        with pytest.raises(GraphQLFailure) as refused:
            await eng.gql(ACCEPT, {"id": f["id"], "r": " "})
        assert refused.value.code == "BAD_USER_INPUT"
        unchanged = (await eng.gql(FILE, {"id": f["id"]}))["file"]
        assert unchanged["version"] == got["version"] and unchanged["integrityAcceptedReason"] is None
        accepted = await eng.gql(ACCEPT, {"id": f["id"], "r": "re-offloaded, producer signed off"})
        assert accepted["acceptIntegrityRisk"]["integrityAcceptedReason"] == "re-offloaded, producer signed off"
        with pytest.raises(GraphQLFailure) as twice:
            await eng.gql(ACCEPT, {"id": f["id"], "r": "again"})
        assert twice.value.code == "INVALID_TRANSITION"
        assert (await eng.gql(VALIDATE, {"id": f["id"]}))["validateFile"]["state"] == "VALIDATED"
        audit = await eng.gql(
            "query($id: ID){ audit(fileId: $id){ edges { node { action actor details } } } }", {"id": f["id"]}
        )
        entry = next(e["node"] for e in audit["audit"]["edges"] if e["node"]["action"] == "ACCEPT_INTEGRITY_RISK")
        assert entry["actor"] == "risk-eng" and entry["details"]["integrityError"] == error


def test_the_mam_gets_a_custody_summary() -> None:
    records = [
        {"at": "2026-12-01T08:00:00+00:00", "action": "ORIGINAL", "hashFormat": "xxh64", "siteId": None},
        {"at": "2026-12-02T08:00:00+00:00", "action": "VERIFIED", "hashFormat": "xxh64", "siteId": 1, "generation": 2},
    ]
    summary = custody_summary(records, {1: "tustin"}, None, None)
    assert summary["verified"] is True and [r["site"] for r in summary["records"]] == [None, "tustin"]
    failed = custody_summary([{**records[1], "action": "FAILED"}], {1: "tustin"}, "x: mismatch", "accepted: ok")
    assert failed["verified"] is False and failed["integrityAcceptedReason"] == "accepted: ok"


SINGLE_MEMBER = (
    "query($id: ID!){ file(id: $id){ kind members { totalCount edges { node { path hashFormat hash } } } } }"
)


async def test_a_single_file_with_its_source_xxh64_is_exported_as_an_asc_mhl_manifest(server: Server) -> None:
    content = b"a ProRes clip's bytes" * 1000
    xxh64 = xxhash.xxh64(content).hexdigest()
    given = {"site": "tustin", "path": "reels/B002_C007.mov", "sizeBytes": len(content),
             "sha256": hashlib.sha256(content).hexdigest(), "hashFormat": "XXH64", "hash": xxh64.upper()}  # fmt: skip
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        f = (await daemon.gql(REPORT, {"input": given}))["reportFile"]
        again = (await daemon.gql(REPORT, {"input": given}))["reportFile"]
        assert again["id"] == f["id"], "a repeat is the same file"
        got = (await daemon.gql(SINGLE_MEMBER, {"id": f["id"]}))["file"]
        assert got["kind"] == "FILE" and got["members"]["totalCount"] == 1
        assert got["members"]["edges"][0]["node"] == {"path": "B002_C007.mov", "hashFormat": "xxh64", "hash": xxh64}

        r = await daemon.http.get(f"/files/{f['id']}/mhl")
        assert r.status_code == 200, r.text
        exported = Path(server.settings.data_dir) / "export-B002" / "ascmhl" / "0001_B002.mhl"
        exported.parent.mkdir(parents=True)
        exported.write_bytes(r.content)
        parsed = hashlist_xml_parser.parse(str(exported))
        assert [
            (m.path, m.file_size, m.hash_entries[0].hash_format, m.hash_entries[0].hash_string)
            for m in parsed.media_hashes
        ] == [("B002_C007.mov", len(content), "xxh64", xxh64)]
        assert parsed.creator_info.tool.name == "colorroute"

        # without an ASC MHL hash (a daemon run with --no-mhl, or reported before sources took one): nothing to export
        plain = {k: v for k, v in given.items() if k not in ("hashFormat", "hash")}
        g = (await daemon.gql(REPORT, {"input": {**plain, "path": "reels/plain.mov", "sha256": "e" * 64}}))[
            "reportFile"
        ]
        r = await daemon.http.get(f"/files/{g['id']}/mhl")
        assert r.status_code == 404 and r.json()["code"] == "NO_MHL_HASHES"


async def test_a_package_whose_members_are_not_all_hashed_is_not_exported_as_a_partial_manifest(server: Server) -> None:
    members = card_members("P009")
    members[1] = {k: v for k, v in members[1].items() if k not in ("hashFormat", "hash")}
    rid = str(uuid.uuid4())
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        await stage(daemon, rid, members)
        given = {"site": "tustin", "path": "folders/P009", "sizeBytes": sum(m["sizeBytes"] for m in members),
                 "sha256": manifest_sha(members), "reportId": rid,
                 "package": {"kind": "FOLDER", "memberCount": len(members), "filename": "P009"}}  # fmt: skip
        f = (await daemon.gql(REPORT, {"input": given}))["reportFile"]
        r = await daemon.http.get(f"/files/{f['id']}/mhl")
    assert r.status_code == 409, r.text
    body = r.json()
    assert (body["code"], body["missing"], body["members"]) == ("INCOMPLETE_MHL_HASHES", 1, 3)
    assert "CLIPS/P009C002.mxf" in body["message"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"hashFormat": "xxh64"}, "hash"),  # one without the other
        ({"hash": "0123456789abcdef"}, "hash"),
        ({"hashFormat": "crc32", "hash": "0123abcd"}, "hashFormat"),  # not an ASC MHL format
        ({"hashFormat": "xxh64", "hash": "not hex!"}, "hash"),
        ({"hashFormat": "xxh64", "hash": "0123456789abcdef0"}, "hash"),  # an xxh64 is 16 hex digits
        ({"hashFormat": "sha256", "hash": "a" * 64}, "hashFormat"),  # the identity hash, but not an MHL format
        (
            {
                "hashFormat": "xxh64",
                "hash": "0123456789abcdef",
                "reportId": "pkg-1",
                "package": {"kind": "SEQUENCE", "memberCount": 3, "filename": "A.[1-3].dpx"},
            },
            "hash",
        ),  # a package: its members carry the hashes
    ],
)
async def test_a_single_files_asc_mhl_hash_that_does_not_hold_is_refused_and_nothing_is_recorded(
    server: Server, extra: dict[str, Any], field: str
) -> None:
    given = {"site": "tustin", "path": f"bad/{uuid.uuid4().hex}.mov", "sizeBytes": 10, "sha256": "f" * 64, **extra}
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        with pytest.raises(GraphQLFailure) as refused:
            await daemon.gql(REPORT, {"input": given})
        assert refused.value.code == "BAD_USER_INPUT"
        assert refused.value.errors[0]["extensions"].get("field") == field, refused.value.errors
        found = await daemon.gql(
            "query($s: String!){ files(filter: {search: $s}){ totalCount } }", {"s": given["path"]}
        )
        assert found["files"]["totalCount"] == 0


async def test_a_single_file_is_verified_at_the_source_and_at_the_destination(
    server: Server, db: SessionFactory
) -> None:
    fid = await file_in_state(db, "TRANSFERRED")
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        custody = (await daemon.gql(FILE, {"id": fid}))["file"]["custody"]
    assert [(r["action"], r["hashFormat"], (r["site"] or {}).get("code"), r["location"]) for r in custody] == [
        ("ORIGINAL", "sha256", "tustin", None),
        ("VERIFIED", "sha256", "nashville", "destination"),
    ]


async def test_the_agents_document_records_what_write_destination_generation_returns(
    server: Server, db: SessionFactory
) -> None:
    nashville = (await create_api_key(db, SYSTEM, "nashville")).secret
    fid = await file_in_state(db, "QUEUED")  # destination: nashville
    written = [Record(after_now(), "VERIFIED", "xxh64", "nashville", "nash-01", "colorroute", "nashville", 3)]
    async with Api(server.url, api_key=nashville) as agent:
        data = await agent.gql(
            print_ast(RECORD_CUSTODY.document), {"input": record_custody_input(fid, "nashville", written)}
        )
        assert data["recordCustody"]["id"] == fid
        custody = (await agent.gql(FILE, {"id": fid}))["file"]["custody"]
    assert (custody[-1]["action"], custody[-1]["generation"], custody[-1]["site"]["code"]) == (
        "VERIFIED",
        3,
        "nashville",
    )
