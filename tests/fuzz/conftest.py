"""One real ``colorroute serve`` subprocess per fuzz module, on its own database cloned from the template, with
one identity per caller kind and a little real data, so fuzzed ids and filters reach real rows.

Schemathesis is synchronous, so everything here is too: the database is cloned with the embedded server's psql,
users and the per-site key come from the real CLI and the real GraphQL API.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import DEV_SESSION_COOKIE as SESSION_COOKIE
from tests.faults.processes import ServeProcess, cli, create_database, drop_database, psql
from tests.support import GLOBAL_KEY, PASSWORD, random_sha

#: Identities get ids far from the small integers Hypothesis favours, so a fuzzed ``updateUser(id: 1, ...)`` or
#: ``revokeApiKey(id: 2)`` run as ADMIN cannot deactivate the fuzzer's own callers halfway through a run.
FAR_ID = 700_000

LOGIN = "mutation($u: String!, $p: String!){ login(username: $u, password: $p){ id } }"


@dataclass
class Caller:
    """How one kind of caller authenticates: no credentials, a session cookie, or an ``X-API-Key``."""

    name: str
    base: str
    username: str | None = None
    api_key: str | None = None
    cookie: str | None = None
    logins: int = 0

    def login(self) -> None:
        assert self.username is not None
        r = httpx.post(f"{self.base}/graphql", json={"query": LOGIN, "variables": {"u": self.username, "p": PASSWORD}})
        assert r.status_code == 200 and not r.json().get("errors"), r.text
        self.cookie = r.cookies[SESSION_COOKIE]
        self.logins += 1

    def headers(self) -> dict[str, str]:
        if self.api_key:
            return {"X-API-Key": self.api_key}
        if self.cookie:
            return {"Cookie": f"{SESSION_COOKIE}={self.cookie}"}
        return {}

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        r = httpx.post(
            f"{self.base}/graphql", json={"query": query, "variables": variables or {}}, headers=self.headers()
        )
        body: dict[str, Any] = r.json()
        assert r.status_code == 200 and not body.get("errors"), body
        data: dict[str, Any] = body["data"]
        return data


@dataclass
class FuzzTarget:
    server: ServeProcess
    callers: dict[str, Caller] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url


ROLES = ("anonymous", "readonly", "engineer", "admin", "global_key", "site_key")


def _seed(admin: Caller, engineer: Caller, daemon: Caller) -> None:
    """A handful of files in different states, a transfer job, a routing rule: something for every query."""
    report = "mutation($i: ReportFileInput!){ reportFile(input: $i){ id } }"
    ids = []
    for i, site in enumerate(("tustin", "tustin", "nashville", "tustin", "dallas", "tustin")):
        path = f"fuzz/A{i:03d}/clip{i}.mov"
        data = daemon.post(report, {"i": {"site": site, "path": path, "sizeBytes": 1000 + i, "sha256": random_sha()}})
        ids.append(data["reportFile"]["id"])
    for fid in ids[:3]:
        engineer.post("mutation($id: ID!){ validateFile(id: $id){ id } }", {"id": fid})
    engineer.post('mutation($id: ID!){ queueFile(id: $id, destinationSite: "nashville"){ id } }', {"id": ids[0]})
    engineer.post('mutation($id: ID!){ queueFile(id: $id, destinationSite: "dallas"){ id } }', {"id": ids[1]})
    daemon.post("mutation($id: ID!){ startTransfer(id: $id){ id } }", {"id": ids[0]})
    engineer.post('mutation($id: ID!){ rejectFile(id: $id, reason: "fuzz seed"){ id } }', {"id": ids[3]})
    admin.post(
        'mutation { createRoutingRule(input: {name: "fuzz rule", pattern: "*.mov", destinationSite: "dallas"}){ id } }'
    )
    daemon.post('mutation { heartbeat(input: {site: "tustin", daemonVersion: "fuzz"}){ id } }')


@pytest.fixture(scope="module")
def fuzz_target(pg_root: str) -> Iterator[FuzzTarget]:
    work = Path(tempfile.mkdtemp(prefix="crf-", dir="/tmp"))
    db_url = create_database(pg_root, "fuzz")
    server = ServeProcess(
        db_url,
        work / "data",
        env={"COLORROUTE_LOGIN_MAX_ATTEMPTS": "1000000", "COLORROUTE_LOGIN_WINDOW_SECONDS": "1"},
    )
    try:
        psql(
            db_url,
            f"SELECT setval(pg_get_serial_sequence('users', 'id'), {FAR_ID}); "
            f"SELECT setval(pg_get_serial_sequence('api_keys', 'id'), {FAR_ID});",
        )
        cli(db_url, work, "create-user", "fuzzadmin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
        site_key = cli(db_url, work, "create-api-key", "--site", "tustin", "--name", "fuzz").strip()
        server.start()
        base = server.url
        admin = Caller("admin", base, username="fuzzadmin")
        admin.login()
        for username, role in (("fuzzreader", "READONLY"), ("fuzzengineer", "ENGINEER")):
            admin.post(
                "mutation($i: CreateUserInput!){ createUser(input: $i){ id } }",
                {"i": {"username": username, "password": PASSWORD, "role": role}},
            )
        reader = Caller("readonly", base, username="fuzzreader")
        engineer = Caller("engineer", base, username="fuzzengineer")
        reader.login()
        engineer.login()
        daemon = Caller("global_key", base, api_key=GLOBAL_KEY)
        _seed(admin, engineer, daemon)
        target = FuzzTarget(server)
        for caller in (
            Caller("anonymous", base),
            reader,
            engineer,
            admin,
            daemon,
            Caller("site_key", base, api_key=site_key),
        ):
            target.callers[caller.name] = caller
        yield target
    finally:
        server.stop()
        drop_database(db_url)
        shutil.rmtree(work, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print what the fuzz run sent and got back (only when it ran)."""
    fuzz = sys.modules.get("tests.fuzz.test_schema_fuzz")
    if fuzz is not None and fuzz.STATS:
        terminalreporter.section("schemathesis fuzz")
        terminalreporter.write_line(f"seed {fuzz.SEED}, {fuzz.EXAMPLES} examples per (caller, operation)")
        for key, count in sorted(fuzz.STATS.items()):
            terminalreporter.write_line(f"{key:<40} {count}")
