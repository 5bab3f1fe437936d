"""EXTERNAL transport chosen on its own: a site whose daemon says ``metadataOnly`` in its heartbeat uploads no
bytes, so files queued from it get EXTERNAL jobs, which whatever moves the bytes drives through the API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import Role
from tests.conftest import Server
from tests.support import Api, GraphQLFailure, make_user
from tests.transfers.conftest import queue_to, reported
from tests.transfers.test_tus_upload import tus_uploader

BEAT = """mutation($site: String!, $m: Boolean) {
  heartbeat(input: {site: $site, daemonVersion: "test", metadataOnly: $m}) { code metadataOnly } }"""
SITES = "query { sites { code metadataOnly } }"
FILE = """query($id: ID!) {
  file(id: $id) { state transfers { id status transport attempts bytesTransferred error } } }"""
START = "mutation($id: ID!) { startTransfer(id: $id) { state transfers { id status transport } } }"
PROGRESS = """mutation($id: ID!, $b: BigInt!) {
  reportTransferProgress(transferId: $id, bytesTransferred: $b) { id transport bytesTransferred } }"""
COMPLETE = "mutation($id: ID!, $sha: String!) { completeTransfer(id: $id, sha256: $sha) { state } }"
FAIL = 'mutation($id: ID!) { failTransfer(transferId: $id, error: "RaySync: link down") { status transport } }'
RETRY = "mutation($id: ID!) { retryTransfer(transferId: $id) { status transport attempts } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A short lease, to show it leaves EXTERNAL jobs to their mover."""
    return settings.model_copy(update={"transfer_stall_seconds": 1.0})


async def _beat(api: Api, site: str, metadata_only: bool | None) -> dict[str, Any]:
    return dict((await api.gql(BEAT, {"site": site, "m": metadata_only}))["heartbeat"])


async def _transfers(api: Api, file_id: str) -> list[dict[str, Any]]:
    return list((await api.gql(FILE, {"id": file_id}))["file"]["transfers"])


async def test_a_metadata_only_sites_files_move_externally_start_to_finish(
    server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    async with Api(server.url, api_key=keys["tustin"]) as tustin, Api(server.url, keys["nashville"]) as mover:
        assert await _beat(tustin, "tustin", True) == {"code": "tustin", "metadataOnly": True}
        assert await _beat(tustin, "tustin", None) == {"code": "tustin", "metadataOnly": True}, "omitted: kept"
        sites = {s["code"]: s["metadataOnly"] for s in (await tustin.gql(SITES))["sites"]}
        assert sites == {"tustin": True, "dallas": False, "nashville": False}

        content = await reported(server, keys["tustin"], tmp_path, 200_000)
        await queue_to(db, content.file_id, "nashville")
        [job] = await _transfers(mover, content.file_id)
        assert (job["status"], job["transport"]) == ("PENDING", "EXTERNAL")

        # The external mover (here with Nashville's key): start, progress, complete with the hash it verified.
        started = (await mover.gql(START, {"id": content.file_id}))["startTransfer"]
        assert started["state"] == "TRANSFERRING" and started["transfers"][0]["transport"] == "EXTERNAL"
        moved = (await mover.gql(PROGRESS, {"id": job["id"], "b": 100_000}))["reportTransferProgress"]
        assert moved == {"id": job["id"], "transport": "EXTERNAL", "bytesTransferred": 100_000}
        # A bounded negative window (a dozen sweeps): nothing marks "the sweep passed this job by"; the rule itself
        # is checked without timing in test_transfer_lease (an EXTERNAL job is its mover's to fail).
        await asyncio.sleep(3 * server.settings.transfer_stall_seconds)  # silent, but not the lease's to fail
        done = await mover.gql(COMPLETE, {"id": content.file_id, "sha": content.sha256})
        assert done["completeTransfer"]["state"] == "TRANSFERRED"
        [finished] = await _transfers(mover, content.file_id)
        assert (finished["status"], finished["transport"], finished["bytesTransferred"]) == (
            "COMPLETED",
            "EXTERNAL",
            200_000,
        )


async def test_a_failed_external_job_is_retried_externally(
    server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    async with Api(server.url, api_key=keys["tustin"]) as tustin, Api(server.url, keys["nashville"]) as mover:
        await _beat(tustin, "tustin", True)
        content = await reported(server, keys["tustin"], tmp_path, 1000)
        await queue_to(db, content.file_id, "nashville")
        await mover.gql(START, {"id": content.file_id})
        [job] = await _transfers(mover, content.file_id)
        assert (await mover.gql(FAIL, {"id": job["id"]}))["failTransfer"] == {
            "status": "FAILED",
            "transport": "EXTERNAL",
        }
        await _beat(tustin, "tustin", False)  # the site's mode changed; the file's bytes are still not on the hub
        await make_user(db, "ops", Role.ADMIN)
        async with Api(server.url) as admin:
            await admin.login("ops")
            retried = (await admin.gql(RETRY, {"id": job["id"]}))["retryTransfer"]
        assert retried == {"status": "PENDING", "transport": "EXTERNAL", "attempts": 1}


async def test_hub_transport_when_the_site_uploads_or_the_bytes_are_already_on_the_hub(
    server: Server, db: SessionFactory, keys: dict[str, str], tmp_path: Path
) -> None:
    async with Api(server.url, api_key=keys["tustin"]) as tustin:
        await _beat(tustin, "tustin", True)
        uploaded = await reported(server, keys["tustin"], tmp_path, 50_000)
        await asyncio.to_thread(tus_uploader(server.url, keys["tustin"], uploaded).upload)
        await queue_to(db, uploaded.file_id, "nashville")
        assert [j["transport"] for j in await _transfers(tustin, uploaded.file_id)] == ["HUB"]

        assert await _beat(tustin, "tustin", False) == {"code": "tustin", "metadataOnly": False}
        later = await reported(server, keys["tustin"], tmp_path, 1000)
        await queue_to(db, later.file_id, "nashville")
        assert [j["transport"] for j in await _transfers(tustin, later.file_id)] == ["HUB"]


async def test_bad_heartbeat_input_gets_a_clear_code(server: Server, keys: dict[str, str]) -> None:
    async with Api(server.url, api_key=keys["tustin"]) as tustin:
        body = await tustin.raw(BEAT, {"site": "tustin", "m": "yes"})
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert "metadataOnly" in error["message"] or "Boolean" in error["message"]
        with pytest.raises(GraphQLFailure) as other_site:
            await _beat(tustin, "nashville", True)
        assert other_site.value.code == "FORBIDDEN"
        with pytest.raises(GraphQLFailure) as unknown:
            await _beat(Api(server.url), "tustin", True)
        assert unknown.value.code == "UNAUTHENTICATED"
