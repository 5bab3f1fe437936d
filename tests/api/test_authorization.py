"""Role x operation: every query and mutation, for every kind of caller, against the live API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.config import Settings
from app.db.engine import SessionFactory
from app.domain.permissions import SYSTEM, Role
from app.services.reporting import FileReport, report_file
from app.services.users import create_api_key
from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, GraphQLFailure, file_in_state, make_user, random_sha

ACTORS = ["admin", "engineer", "assigned", "other_colorist", "readonly", "anonymous", "key_own", "key_other", "global"]


@dataclass
class World:
    db: SessionFactory
    settings: Settings
    ids: dict[str, str]


Setup = Callable[[World], Awaitable[dict[str, Any]]]


async def none(w: World) -> dict[str, Any]:
    return {}


def file_in(state: str) -> Setup:
    async def setup(w: World) -> dict[str, Any]:
        return {"id": await file_in_state(w.db, state, colorist_id=int(w.ids["assigned"]))}

    return setup


async def reported_clip(w: World) -> dict[str, Any]:
    sha = random_sha()
    f = await report_file(w.db, SYSTEM, FileReport("tustin", f"M/{sha[:10]}.mov", 4096, sha))
    return {"id": str(f.id), "sha": sha}


READERS = {"admin", "engineer", "assigned", "other_colorist", "readonly", "global"}
FILE_OPS = {"admin", "engineer"}
# (name, document, setup, callers allowed; "key_own" is the tustin key, "key_other" the dallas key)
CASES: list[tuple[str, str, Setup, set[str]]] = [
    ("me", "{ me { id } }", none, set(ACTORS)),
    ("sites", "{ sites { code } }", none, READERS | {"key_own", "key_other"}),
    ("files", "{ files { totalCount } }", none, READERS | {"key_own", "key_other"}),
    ("file", "query($id:ID!){ file(id:$id){ id } }", file_in("DETECTED"), READERS | {"key_own", "key_other"}),
    ("transfers", "{ transfers { totalCount } }", none, READERS | {"key_own", "key_other"}),
    ("users", "{ users { id } }", none, READERS),
    ("audit", "{ audit { totalCount } }", none, READERS),
    ("stats", "{ stats { totalFiles } }", none, READERS),
    ("apiKeys", "{ apiKeys { id } }", none, {"admin"}),
    (
        "reportFile",
        'mutation($s:String!){ reportFile(input:{site:"tustin", path:"r.mov", sizeBytes:1, sha256:$s}){ id } }',
        none,
        {"admin", "key_own", "global"},
    ),
    ("heartbeat", 'mutation{ heartbeat(input:{site:"tustin"}){ id } }', none, {"admin", "key_own", "global"}),
    (
        "reportMediaInfo",
        'mutation($id:ID!,$sha:String!){ reportMediaInfo(input:{site:"tustin", fileId:$id, sha256:$sha, '
        'codec:"prores", width:1920, height:1080}){ id } }',
        reported_clip,
        {"admin", "key_own", "global"},
    ),
    ("validateFile", "mutation($id:ID!){ validateFile(id:$id){ id } }", file_in("DETECTED"), FILE_OPS),
    (
        "queueFile",
        'mutation($id:ID!){ queueFile(id:$id, destinationSite:"dallas"){ id } }',
        file_in("VALIDATED"),
        FILE_OPS,
    ),
    # HUB transfers (tustin uploads to the hub): only the destination's (nashville's) agent starts and
    # completes them; people are refused. A random $s is a mismatch: the agent's call fails the transfer.
    ("startTransfer", "mutation($id:ID!){ startTransfer(id:$id){ id } }", file_in("QUEUED"), {"global", "key_dest"}),
    (
        "completeTransfer",
        "mutation($id:ID!,$s:String){ completeTransfer(id:$id, sha256:$s){ id } }",
        file_in("TRANSFERRING"),
        {"global", "key_dest"},
    ),
    (
        "assignColorist",
        "mutation($id:ID!,$c:ID!){ assignColorist(id:$id, coloristId:$c){ id } }",
        file_in("TRANSFERRED"),
        FILE_OPS,
    ),
    (
        "startWork",
        "mutation($id:ID!){ startWork(id:$id){ id } }",
        file_in("COLORIST_ASSIGNED"),
        FILE_OPS | {"assigned"},
    ),
    (
        "rejectFile",
        'mutation($id:ID!){ rejectFile(id:$id, reason:"bad"){ id } }',
        file_in("COLORIST_ASSIGNED"),
        FILE_OPS | {"assigned"},
    ),
    ("archiveFile", "mutation($id:ID!){ archiveFile(id:$id){ id } }", file_in("DETECTED"), set()),
    (
        "createUser",
        'mutation($u:String!){ createUser(input:{username:$u, password:"long enough", role: READONLY}){ id } }',
        none,
        {"admin"},
    ),
    ("createApiKey", 'mutation{ createApiKey(site:"dallas"){ secret } }', none, {"admin"}),
    ("seedDemoData", "mutation{ seedDemoData }", none, {"admin"}),
    ("logout", "mutation{ logout }", none, READERS | {"key_own", "key_other"} - {"global"} | {"global"}),
]


TRANSFER_OPS = ("startTransfer", "completeTransfer")


@pytest.fixture
async def world(server: Server, db: SessionFactory, settings: Settings) -> World:
    ids = {
        "admin": str(await make_user(db, "admin", Role.ADMIN)),
        "engineer": str(await make_user(db, "engineer", Role.ENGINEER)),
        "assigned": str(await make_user(db, "assigned", Role.COLORIST, "nashville")),
        "other_colorist": str(await make_user(db, "other_colorist", Role.COLORIST, "nashville")),
        "readonly": str(await make_user(db, "readonly", Role.READONLY)),
    }
    for site in ("tustin", "dallas", "nashville"):
        ids[f"key:{site}"] = (await create_api_key(db, SYSTEM, site)).secret
    return World(db=db, settings=settings, ids=ids)


async def _client(server: Server, w: World, actor: str, op: str) -> Api:
    keys = {"key_own": "tustin", "key_other": "dallas", "key_dest": "nashville"}
    if actor in keys:
        # For transfer jobs "own site" is the destination's agent, for reports the source's daemon.
        site = "nashville" if op in TRANSFER_OPS and actor == "key_own" else keys[actor]
        return Api(server.url, api_key=w.ids[f"key:{site}"])
    if actor == "global":
        return Api(server.url, api_key=GLOBAL_KEY)
    api = Api(server.url)
    if actor != "anonymous":
        await api.login(actor)
    return api


@pytest.mark.parametrize(("name", "document", "setup", "allowed"), CASES, ids=[c[0] for c in CASES])
async def test_role_by_operation(
    server: Server, world: World, name: str, document: str, setup: Setup, allowed: set[str]
) -> None:
    if name in TRANSFER_OPS:
        allowed = (allowed - {"key_dest"}) | {"key_own"}  # key_own means the destination (nashville) key here
    outcomes: dict[str, str] = {}
    clients = {actor: await _client(server, world, actor, name) for actor in ACTORS}
    for actor in ACTORS:
        variables = await setup(world)
        if "$s" in document:
            variables["s"] = random_sha()
        if "$u" in document:
            variables["u"] = "u" + random_sha()[:12]
        if "$c" in document:
            variables["c"] = world.ids["assigned"]
        api = clients[actor]
        try:
            await api.gql(document, variables)
            outcomes[actor] = "ok"
        except GraphQLFailure as failure:
            outcomes[actor] = failure.code
    for api in clients.values():
        await api.http.aclose()
    expected = {a: "ok" if a in allowed else ("UNAUTHENTICATED" if a == "anonymous" else "FORBIDDEN") for a in ACTORS}
    if name == "archiveFile":  # nobody may archive a DETECTED file: the table says so before any role does
        expected = {a: "INVALID_TRANSITION" if a in FILE_OPS else expected[a] for a in ACTORS}
    assert outcomes == expected
