"""Value strategies that make a few hundred fuzzed requests count.

Plain ``st.text()`` rarely produces the values that break a GraphQL-over-PostgreSQL service: a NUL character,
a 64-bit overflow, a date PostgreSQL cannot store, a string longer than a column, the id of a row that exists.
These strategies mix such values in with Hypothesis's own, for every String, ID, BigInt and DateTime argument.
"""

from __future__ import annotations

from hypothesis import strategies as st
from schemathesis.graphql import nodes

#: Values that mean something to this API: without them almost every fuzzed call stops at "unknown site".
REAL_TEXT = (
    "tustin",
    "nashville",
    "dallas",
    "fuzzadmin",
    "fuzz/A000/clip0.mov",
    "file.state_changed",
    "*.mov",
    "1",
)
#: Values that tend to break a service over PostgreSQL.
NASTY_TEXT = (
    "",
    " ",
    "\x00",
    "clip\x00.mov",
    " TUSTIN ",
    "-1",
    "99999999999999999999",
    "9223372036854775808",
    "../../etc/passwd",
    "/abs/path.mov",
    "C:\\clips\\a.mov",
    "%_\\",
    "'; DROP TABLE files; --",
    "[",
    "**/{a,b",
    "http://127.0.0.1:9/hook",
    "\u202e\u0301\U0001f3ac",
    "\ufeff",
    "a" * 65,
    "x" * 5000,
)
_text = st.one_of(
    st.sampled_from(REAL_TEXT),
    st.sampled_from(NASTY_TEXT),
    st.text(),
    st.sampled_from(REAL_TEXT).map(lambda s: s + "\x00"),
)

INTERESTING_INTS = (0, 1, -1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**70, -(10**30))

INTERESTING_DATETIMES = (
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2024-02-30T10:00:00Z",
    "2024-06-01T10:00:00",
    "2024-06-01",
    "1970-01-01T00:00:00Z",
    "not a date",
)


def string_values() -> st.SearchStrategy[object]:
    return _text.map(nodes.String)


def id_values() -> st.SearchStrategy[object]:
    """Mostly ids of rows that exist (the seed makes a few of each), sometimes anything at all."""
    small = st.integers(min_value=1, max_value=12)
    return st.one_of(small.map(str).map(nodes.String), small.map(nodes.Int), _text.map(nodes.String))


def bigint_values() -> st.SearchStrategy[object]:
    return st.one_of(st.integers(), st.sampled_from(INTERESTING_INTS)).map(nodes.Int)


def datetime_values() -> st.SearchStrategy[object]:
    dates = st.dates().map(str)
    times = st.times().map("%sZ".__mod__)
    anything = st.tuples(dates, times).map("T".join)
    return st.one_of(anything, st.sampled_from(INTERESTING_DATETIMES)).map(nodes.String)


def register() -> None:
    """Install the strategies for every generated argument of these types (schemathesis keeps a global map)."""
    import schemathesis

    schemathesis.graphql.scalar("String", string_values())
    schemathesis.graphql.scalar("ID", id_values())
    schemathesis.graphql.scalar("BigInt", bigint_values())
    schemathesis.graphql.scalar("DateTime", datetime_values())
