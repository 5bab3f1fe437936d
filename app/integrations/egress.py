"""Where integrator webhooks may connect: public addresses only, unless the operator lists a private target in
``COLORROUTE_WEBHOOK_ALLOW_PRIVATE`` (CIDRs, addresses or host names).

A webhook URL is user input (an admin's, but an admin session can be stolen, and the orchestrator sits inside
the facility network): without this it was a way to make the server POST to loopback, link-local (cloud
metadata) and private services, in any spelling (``127.1``, ``2130706433``, ``[::ffff:127.0.0.1]``,
``localhost``). The check runs on the *resolved* addresses, at creation and again at every delivery, and the
delivery connects to the address that was checked (the Host header and TLS name stay the URL's), so a DNS
answer that changes between the check and the connection (rebinding) cannot redirect it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class EgressRefused(Exception):
    """The target is not a public address and is not allowed explicitly. The message is safe to show."""


class Unresolvable(Exception):
    """The host name has no address (now)."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, NAT64), which is where it really leads."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def effective(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        return _embedded_ipv4(address) or address
    return address


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast: not private, loopback, link-local, unspecified, multicast, reserved, shared
    (CGNAT 100.64/10), documentation or benchmarking ranges; Teredo and site-local IPv6 are refused too."""
    target = effective(address)
    if isinstance(target, ipaddress.IPv6Address) and (target.teredo is not None or target.is_site_local):
        return False
    return target.is_global and not target.is_multicast


class EgressPolicy:
    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self.hosts: set[str] = set()
        for entry in allowed:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.lower().rstrip("."))

    def address_allowed(self, address: IPAddress) -> bool:
        target = effective(address)
        return is_public(address) or any(target in n or address in n for n in self.networks)

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for ``host``, every one of them checked; ``EgressRefused`` if any is not
        allowed (a name with one private address among public ones is refused whole)."""
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise Unresolvable(f"{host} does not resolve") from None
        addresses: list[IPAddress] = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise Unresolvable(f"{host} does not resolve")
        if host.lower().rstrip(".") not in self.hosts:
            for address in addresses:
                if not self.address_allowed(address):
                    raise EgressRefused(
                        f"{host} is not a public address (it resolves to {effective(address)}); "
                        "list it in COLORROUTE_WEBHOOK_ALLOW_PRIVATE to allow it"
                    )
        return [str(effective(a)) for a in addresses]


def parse_target(url: str) -> tuple[httpx.URL, str, int]:
    """The URL as httpx will request it (one parser for the check and the request), its host and port."""
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError("url must be an http(s) URL")
    return parsed, parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80)
