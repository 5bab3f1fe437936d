"""``reportMediaInfo`` over real HTTP and WebSockets: what a daemon may attach, what is refused (and that a
refusal changes nothing), the list filters, the event, and routing that waits for a clip's codec."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM, Role
from app.services.users import create_api_key
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, GraphQLFailure, make_user, random_sha, report

MEDIA = """
mutation($i: MediaInfoReportInput!){ reportMediaInfo(input:$i){ id state version
  media { container codec profile width height frameRate frameRateExact durationSeconds frameCount
          startTimecode bitDepth audioChannels partial probeError } } }
"""
PRORES = {
    "container": "mov",
    "codec": "ProRes",
    "profile": "4444",
    "width": 3840,
    "height": 2160,
    "frameRate": 24000 / 1001,
    "frameRateExact": "24000/1001",
    "durationSeconds": 12.5,
    "frameCount": 300,
    "startTimecode": "01:00:10:00",
    "bitDepth": 12,
    "audioChannels": 2,
}
H264 = {"container": "mp4", "codec": "h264", "profile": "High", "width": 1280, "height": 720, "frameRate": 25.0}


def media_input(file: dict[str, Any], sha: str, **fields: Any) -> dict[str, Any]:
    return {"i": {"site": file["site"]["code"], "fileId": file["id"], "sha256": sha, **fields}}


async def test_media_attached_idempotent_filtered(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        sha_a, sha_b, sha_c = random_sha(), random_sha(), random_sha()
        a = await report(daemon, path="M/A001C001.mov", sha=sha_a)
        b = await report(daemon, path="M/ref.mp4", sha=sha_b)
        c = await report(daemon, path="M/other.mov", sha=sha_c)
        first = (await daemon.gql(MEDIA, media_input(a, sha_a, **PRORES)))["reportMediaInfo"]
        assert first["media"]["codec"] == "prores"  # stored lower case: what filters and rules compare
        assert first["media"]["startTimecode"] == "01:00:10:00" and first["media"]["frameRateExact"] == "24000/1001"
        assert first["version"] == 1  # media is not a lifecycle step
        again = (await daemon.gql(MEDIA, media_input(a, sha_a, **PRORES)))["reportMediaInfo"]
        assert again == first
        await daemon.gql(MEDIA, media_input(b, sha_b, **H264))
        await daemon.gql(MEDIA, media_input(c, sha_c, probeError="not a readable media file", container="mov"))

        q = "query($f: FileFilter){ files(filter:$f){ totalCount edges { node { path media { codec } } } } }"

        async def paths(f: dict[str, Any]) -> list[str]:
            data = await daemon.gql(q, {"f": {"search": "M/", **f}})
            return sorted(e["node"]["path"] for e in data["files"]["edges"])

        assert await paths({"codecs": ["PRORES"]}) == ["M/A001C001.mov"]
        assert await paths({"codecs": ["prores", "h264"]}) == ["M/A001C001.mov", "M/ref.mp4"]
        assert await paths({"minWidth": 1920}) == ["M/A001C001.mov"]
        assert await paths({"minWidth": 1280}) == ["M/A001C001.mov", "M/ref.mp4"]

        audit = await daemon.gql(
            "query($id: ID!){ audit(fileId: $id){ edges { node { action actor } } } }", {"id": a["id"]}
        )
        actions = [e["node"]["action"] for e in audit["audit"]["edges"]]
        assert actions.count("MEDIA_PROBED") == 1  # the repeat wrote nothing


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"width": 0}, "width"),
        ({"width": 10_000_000}, "width"),
        ({"frameRate": -24.0}, "frameRate"),
        ({"frameRateExact": "23.976"}, "frameRateExact"),
        ({"startTimecode": "1:0:10"}, "startTimecode"),
        ({"audioChannels": 100_000}, "audioChannels"),
        ({"codec": "x" * 65}, "codec"),
        ({"durationSeconds": -1.0}, "durationSeconds"),
        ({"frameCount": "1" + "0" * 400}, None),  # beyond 64 bits: the BigInt scalar refuses it, not a 500
        ({"frameCount": 10**12}, "frameCount"),
        ({"codec": "   "}, "codec"),
    ],
)
async def test_absurd_values_refused_and_nothing_changes(
    server: Server, fields: dict[str, Any], field: str | None
) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        sha = random_sha()
        f = await report(daemon, path="bad/clip.mov", sha=sha)
        with pytest.raises(GraphQLFailure) as refused:
            await daemon.gql(MEDIA, media_input(f, sha, **{**H264, **fields}))
        assert refused.value.code == "BAD_USER_INPUT"
        assert refused.value.errors[0]["extensions"].get("field") == field, refused.value.errors
        after = await daemon.gql("query($id: ID!){ file(id: $id){ media { codec } } }", {"id": f["id"]})
        assert after["file"]["media"] is None


async def test_wrong_hash_missing_file_and_other_sites_key(server: Server, db: SessionFactory) -> None:
    dallas_key = (await create_api_key(db, SYSTEM, "dallas")).secret
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon, Api(server.url, api_key=dallas_key) as dallas:
        sha = random_sha()
        f = await report(daemon, path="scope/clip.mov", sha=sha)
        with pytest.raises(GraphQLFailure) as wrong_hash:
            await daemon.gql(MEDIA, media_input(f, random_sha(), **H264))
        assert wrong_hash.value.code == "BAD_USER_INPUT"
        with pytest.raises(GraphQLFailure) as missing:
            await daemon.gql(MEDIA, media_input({**f, "id": "987654"}, sha, **H264))
        assert missing.value.code == "NOT_FOUND"
        with pytest.raises(GraphQLFailure) as other_site:
            await dallas.gql(MEDIA, media_input(f, sha, **H264))  # claims tustin: not this key's site
        assert other_site.value.code == "FORBIDDEN"
        with pytest.raises(GraphQLFailure) as pretending:
            await dallas.gql(MEDIA, {"i": {**media_input(f, sha, **H264)["i"], "site": "dallas"}})
        assert pretending.value.code == "FORBIDDEN"  # dallas's key, but a tustin file
        after = await daemon.gql("query($id: ID!){ file(id: $id){ media { codec } } }", {"id": f["id"]})
        assert after["file"]["media"] is None


async def test_media_arrival_is_a_file_event(server: Server) -> None:
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        sha = random_sha()
        f = await report(daemon, path="ev/clip.mov", sha=sha)
        await daemon.gql(MEDIA, media_input(f, sha, **PRORES))
    transport = WebsocketsTransport(
        url=server.ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL], init_payload={"apiKey": GLOBAL_KEY}
    )
    sub = GraphQLRequest(
        'subscription($id: ID){ fileEvents(fileId: $id, after: "0"){ action fromState toState '
        "file { id media { codec width } } } }",
        variable_values={"id": f["id"]},
    )
    seen: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:
        gen = session.subscribe(sub)
        async with contextlib.aclosing(gen):
            async for result in gen:
                seen.append(result["fileEvents"])
                if result["fileEvents"]["action"] == "MEDIA_PROBED":
                    break
    assert [e["action"] for e in seen] == ["REPORT", "MEDIA_PROBED"]
    assert seen[-1]["file"]["media"] == {"codec": "prores", "width": 3840}
    # News about the file, not a lifecycle step: no states (so no state-change webhook, no extra step in trails).
    assert (seen[-1]["fromState"], seen[-1]["toState"]) == (None, None)


RULE = "mutation($i: RoutingRuleInput!){ createRoutingRule(input:$i){ id codecs minWidth minHeight } }"
SIMULATE = """
query($path: String!, $codec: String, $profile: String, $w: Int, $h: Int){
  simulateRouting(site: "tustin", path: $path, codec: $codec, profile: $profile, width: $w, height: $h){
    matched ruleName destinationSite waitingForMedia reasons } }
"""


async def test_routing_on_codec_and_resolution_waits_for_media(server: Server, db: SessionFactory) -> None:
    await make_user(db, "eng", Role.ENGINEER)
    async with Api(server.url) as eng, Api(server.url, api_key=GLOBAL_KEY) as daemon:
        await eng.login("eng")
        uhd = {
            "name": "prores-4444-uhd-to-nashville",
            "priority": 10,
            "pattern": "*",
            "codecs": ["ProRes 4444", "prores 4444 xq"],
            "minWidth": 3840,
            "minHeight": 2160,
            "destinationSite": "nashville",
            "autoValidate": True,
            "autoQueue": True,
        }
        created = (await eng.gql(RULE, {"i": uhd}))["createRoutingRule"]
        assert created["codecs"] == ["prores 4444", "prores 4444 xq"] and created["minWidth"] == 3840
        rest = {"name": "rest-to-dallas", "priority": 20, "pattern": "*", "destinationSite": "dallas",
                "autoValidate": True, "autoQueue": True}  # fmt: skip
        await eng.gql(RULE, {"i": rest})

        # Before media: a clip waits for the media rule; a sidecar the daemon never probes goes on.
        waiting = (await eng.gql(SIMULATE, {"path": "A/clip.mov"}))["simulateRouting"]
        assert waiting["matched"] is False and waiting["waitingForMedia"] is True
        assert waiting["reasons"] == ["prores-4444-uhd-to-nashville: waits for the file's media info"]
        sidecar = (await eng.gql(SIMULATE, {"path": "A/clip.ale"}))["simulateRouting"]
        assert sidecar["ruleName"] == "rest-to-dallas" and sidecar["waitingForMedia"] is False
        hd = await eng.gql(SIMULATE, {"path": "A/c.mov", "codec": "prores", "profile": "4444", "w": 1920, "h": 1080})
        assert hd["simulateRouting"]["ruleName"] == "rest-to-dallas"
        assert hd["simulateRouting"]["reasons"][0] == "prores-4444-uhd-to-nashville: width 1920 is below 3840"
        h264 = await eng.gql(SIMULATE, {"path": "A/c.mov", "codec": "h264", "w": 3840, "h": 2160})
        assert "codec h264 is not one of" in h264["simulateRouting"]["reasons"][0]

        sha_uhd, sha_hd, sha_bad = random_sha(), random_sha(), random_sha()
        uhd_file = await report(daemon, path="R/A001C001.mov", sha=sha_uhd)
        hd_file = await report(daemon, path="R/A001C002.mov", sha=sha_hd)
        bad_file = await report(daemon, path="R/A001C003.mov", sha=sha_bad)
        assert uhd_file["state"] == hd_file["state"] == bad_file["state"] == "DETECTED"  # held for their media

        routed = await daemon.gql(MEDIA, media_input(uhd_file, sha_uhd, **PRORES))
        assert routed["reportMediaInfo"]["state"] == "QUEUED"
        other = await daemon.gql(MEDIA, media_input(hd_file, sha_hd, **{**PRORES, "width": 1920, "height": 1080}))
        assert other["reportMediaInfo"]["state"] == "QUEUED"
        broken = await daemon.gql(MEDIA, media_input(bad_file, sha_bad, probeError="probe timed out after 60 s"))
        assert broken["reportMediaInfo"]["state"] == "QUEUED"  # no codec: not the media rule's, the next one's
        q = "query($id: ID!){ file(id:$id){ destinationSite { code } auditTrail { action actor } } }"
        dest = {}
        for name, f in (("uhd", uhd_file), ("hd", hd_file), ("bad", bad_file)):
            got = (await eng.gql(q, {"id": f["id"]}))["file"]
            dest[name] = got["destinationSite"]["code"]
        assert dest == {"uhd": "nashville", "hd": "dallas", "bad": "dallas"}
        trail = (await eng.gql(q, {"id": uhd_file["id"]}))["file"]["auditTrail"]
        assert [a["action"] for a in trail][:2] == ["REPORT", "MEDIA_PROBED"]
        assert {a["actor"] for a in trail if a["action"] in ("VALIDATE", "QUEUE")} == {
            "routing:prores-4444-uhd-to-nashville"
        }
