"""Issue 6 end to end: a routing rule takes a Tustin ``.mov`` to the less loaded Nashville colorist with no human
action — the Tustin daemon reports and uploads, the rule validates and queues, Nashville's transfer agent moves
and verifies the bytes, the rule assigns. Every automatic step's audit actor names the rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from daemon_harness import DaemonProcess, Orchestrator, wait_until
from transfer_harness import MIB, Operator

from tests.support import sha256_of, write_random

DaemonFactory = Callable[..., DaemonProcess]
RULE = "tustin-mov-to-nashville-e2e"


@pytest.fixture(scope="module")
def operator(orchestrator: Orchestrator) -> Iterator[Operator]:
    op = Operator.create(orchestrator)
    yield op
    op.close()


def test_rule_routes_a_tustin_mov_to_the_least_loaded_nashville_colorist(
    orchestrator: Orchestrator, operator: Operator, daemon_factory: DaemonFactory, tmp_path: Path
) -> None:
    users = {}
    for name in ("routing-busy", "routing-idle"):
        created = operator.gql(
            'mutation($u:String!){ createUser(input:{username:$u, password:"colorist-pass-1", role: COLORIST, '
            'siteCode:"nashville"}){ id } }',
            {"u": name},
        )
        users[name] = created["createUser"]["id"]
    rule = operator.gql(
        "mutation($i: RoutingRuleInput!){ createRoutingRule(input:$i){ id } }",
        {
            "i": {
                "name": RULE,
                "priority": 1,
                "sourceSite": "tustin",
                "pattern": "routed-*.mov",
                "destinationSite": "nashville",
                "autoValidate": True,
                "autoQueue": True,
                "autoAssign": "LEAST_LOADED",
            }
        },
    )["createRoutingRule"]["id"]
    watch, agent_watch, incoming = tmp_path / "watch", tmp_path / "nash-watch", tmp_path / "incoming"
    watch.mkdir()
    agent_watch.mkdir()
    source = daemon_factory("tustin", watch, orchestrator.url, state="routing-tustin").start()
    agent = daemon_factory(
        "nashville", agent_watch, orchestrator.url, "--incoming", str(incoming), state="routing-nashville"
    ).start()
    try:
        source.wait_event("heartbeat.ok")
        agent.wait_event("heartbeat.ok")
        # Give "routing-busy" a file first, so the second goes to "routing-idle".
        digests = {}
        ids = {}
        for name in ("routed-1.mov", "routed-2.mov"):
            digests[name] = write_random(watch / "rt" / name, 2 * MIB)
            ids[name] = wait_until(
                lambda n=name: orchestrator.files(f"rt/{n}", site="tustin"), 60, what=f"report of {name}"
            )[0]["id"]
            wait_until(
                lambda n=name: operator.file(ids[n])["state"] == "COLORIST_ASSIGNED", 90, what=f"{name} assigned"
            )
            if name == "routed-1.mov":
                first = operator.file(ids[name])
                operator.gql(
                    "mutation($id:ID!,$c:ID!){ assignColorist(id:$id, coloristId:$c){ id } }",
                    {"id": ids[name], "c": users["routing-busy"]},
                )
        second = operator.gql(
            "query($id:ID!){ file(id:$id){ state colorist { username } auditTrail { action actor toState } } }",
            {"id": ids["routed-2.mov"]},
        )["file"]
    finally:
        operator.gql("mutation($id:ID!){ deleteRoutingRule(id:$id) }", {"id": rule})
        source.stop()
        agent.stop()
    assert first["state"] == "COLORIST_ASSIGNED"
    assert second["state"] == "COLORIST_ASSIGNED" and second["colorist"]["username"] == "routing-idle"
    for name, digest in digests.items():
        assert sha256_of(incoming / "rt" / name) == digest
    by_action = {a["action"]: a["actor"] for a in second["auditTrail"]}
    assert by_action["VALIDATE"] == by_action["QUEUE"] == by_action["ASSIGN"] == f"routing:{RULE}"
    # The bytes were moved by the destination's agent (the harness daemons use the global key), not by the rule
    # or a person.
    assert by_action["START_TRANSFER"] == by_action["COMPLETE_TRANSFER"] == "daemon:global-key"
    assert [a["toState"] for a in second["auditTrail"] if a["toState"]][-1] == "COLORIST_ASSIGNED"
