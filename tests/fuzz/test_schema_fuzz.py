"""Schemathesis against the committed ``schema.graphql``, once per caller kind, with a fixed seed.

For every Query and Mutation field, Hypothesis draws a few operations (valid ones and deliberately invalid ones:
missing arguments, wrong types, nulls) and sends them to a real orchestrator on 127.0.0.1 as each caller. The
property, checked on every response:

* never an HTTP 5xx, and always a JSON body;
* every GraphQL error carries an ``extensions.code`` from the known set, never ``INTERNAL_SERVER_ERROR``;
* no internals leak into messages or extensions (tracebacks, driver names, source paths).

Schemathesis's own ``not_a_server_error`` check (ST113) treats every GraphQL error as a failure, which is wrong
for an API whose refusals *are* GraphQL errors, so the property is written out here instead.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from tests.fuzz import strategies
from tests.fuzz.conftest import ROLES, Caller, FuzzTarget
from tests.support import PASSWORD

SEED = 20_240_808
#: Per (caller, operation): 43 operations x 6 callers x 3 = 774 generated requests per run. Raise it for a
#: deeper local run: ``COLORROUTE_FUZZ_EXAMPLES=50 pytest tests/fuzz``.
EXAMPLES = int(os.environ.get("COLORROUTE_FUZZ_EXAMPLES", "3"))
#: What the run saw, printed in the terminal summary (tests/fuzz/conftest.py).
STATS: Counter[str] = Counter()

KNOWN_CODES = frozenset(
    {
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "NOT_FOUND",
        "INVALID_TRANSITION",
        "CONFLICT",
        "BAD_USER_INPUT",
        "RATE_LIMITED",
        "QUERY_TOO_COMPLEX",
        "GRAPHQL_VALIDATION_FAILED",
        "GRAPHQL_PARSE_FAILED",
        "MAM_DELIVERY_FAILED",
        "SUBSCRIBER_TOO_SLOW",
        "PAYLOAD_TOO_LARGE",
    }
)
#: Words and shapes that only appear when an internal error escapes unmasked.
INTERNALS = re.compile(
    r"Traceback|sqlalchemy|asyncpg|psycopg|/work/|site-packages|\.py\"|File \"|"
    r"IntegrityError|DataError|ProgrammingError|OperationalError|KeyError|TypeError|AttributeError",
    re.IGNORECASE,
)

strategies.register()
SCHEMA = schemathesis.graphql.from_path(Path(__file__).resolve().parents[2] / "schema.graphql")
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}


def check_response(status: int, text: str, where: str) -> list[dict[str, Any]]:
    """The fuzz property for one response; returns its GraphQL errors."""
    assert status < 500, f"{where}: HTTP {status}\n{text[:2000]}"
    try:
        body = json.loads(text)
    except ValueError:
        raise AssertionError(f"{where}: HTTP {status} with a non-JSON body\n{text[:2000]}") from None
    assert isinstance(body, dict), f"{where}: not a JSON object: {text[:500]}"
    errors = body.get("errors") or []
    if status != 200:
        assert errors, f"{where}: HTTP {status} without errors\n{text[:2000]}"
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        assert code in KNOWN_CODES, f"{where}: error code {code!r} is not a known code\n{json.dumps(error)[:2000]}"
        leaked = INTERNALS.search(error.get("message", "")) or INTERNALS.search(json.dumps(error.get("extensions")))
        assert leaked is None, f"{where}: internals in an error ({leaked.group(0)!r})\n{json.dumps(error)[:2000]}"
    return list(errors)


def _caller_lost_its_session(caller: Caller, errors: list[dict[str, Any]]) -> bool:
    return caller.username is not None and any(e["extensions"]["code"] == "UNAUTHENTICATED" for e in errors)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_fuzz_operation_as_every_caller(fuzz_target: FuzzTarget, role: str, label: str) -> None:
    caller = fuzz_target.callers[role]
    operation = OPERATIONS[label]
    endpoint = f"{fuzz_target.url}/graphql"
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )
    http = requests.Session()

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        response = case.call(base_url=endpoint, session=http, headers=caller.headers(), timeout=30)
        where = f"{role} {label}\n{case.body}"
        errors = check_response(response.status_code, response.text, where)
        STATS["requests"] += 1
        STATS[f"requests as {role}"] += 1
        STATS[f"HTTP {response.status_code}"] += 1
        for error in errors:
            STATS[f"code {error['extensions']['code']}"] += 1
        if not errors:
            STATS["answered without errors"] += 1
        if _caller_lost_its_session(caller, errors):  # the fuzzer logged itself out: log in again
            caller.login()

    try:
        fuzz()
    finally:
        http.close()


def test_fuzz_callers_are_still_who_they_were(fuzz_target: FuzzTarget) -> None:
    """The run above really exercised each caller kind (a deactivated fuzz user would fuzz as nobody)."""
    expected = {"readonly": "READONLY", "engineer": "ENGINEER", "admin": "ADMIN"}
    for role, want in expected.items():
        caller = fuzz_target.callers[role]
        caller.login()
        assert caller.post("{ me { role active } }")["me"] == {"role": want, "active": True}
    for role in ("global_key", "site_key"):
        assert fuzz_target.callers[role].post("{ sites { code } }")["sites"]
    assert PASSWORD  # the fuzz users kept the password they were created with (login above)
    log = fuzz_target.server.log_tail(1_000_000)
    assert "unexpected error" not in log and "Traceback" not in log, log[-4000:]
