"""Which webhook targets are public (app/integrations/egress.py), without a network: address literals and
``localhost`` resolve locally."""

from __future__ import annotations

import ipaddress

import pytest

from app.integrations.egress import EgressPolicy, EgressRefused, is_public, parse_target


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("224.0.1.1", False),
        ("255.255.255.255", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:93.184.215.14", True),
        ("2002:7f00:1::", False),
        ("64:ff9b::a00:1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
        ("fec0::1", False),
        ("fe80::1", False),
        ("::", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


async def test_allowlist_by_network_and_by_name() -> None:
    with pytest.raises(EgressRefused):
        await EgressPolicy().resolve("localhost", 80)
    assert await EgressPolicy(["127.0.0.0/8"]).resolve("127.1", 80) == ["127.0.0.1"]
    assert await EgressPolicy(["LOCALHOST"]).resolve("localhost", 80)
    # A mapped address is judged, and connected to, as the IPv4 address it stands for.
    assert await EgressPolicy(["127.0.0.1"]).resolve("::ffff:127.0.0.1", 80) == ["127.0.0.1"]
    with pytest.raises(EgressRefused):
        await EgressPolicy(["10.0.0.0/8"]).resolve("2130706433", 80)


def test_one_parser_for_check_and_request() -> None:
    assert parse_target("http://evil.example\\@127.0.0.1:81/x")[1:] == ("127.0.0.1", 81)
    assert parse_target("https://[::1]/x")[1:] == ("::1", 443)
    with pytest.raises(ValueError):
        parse_target("ftp://example.com/")
