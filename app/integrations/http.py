"""One signed POST with a timeout and retries with exponential backoff; the caller decides what failure means.

``error`` describes a failure fully (the response's first bytes included: for the MAM, whose URL the operator
configured); ``reason`` is short and never echoes what the other side said (for integrator webhooks, whose
URL is user input and whose delivery log any admin reads). With an ``egress`` policy the request goes only to
addresses it allows, connecting to the address it checked (see ``egress``)."""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from typing import Any

import httpx

from app.integrations.egress import EgressPolicy, EgressRefused, Unresolvable, parse_target
from app.integrations.signing import SIGNATURE_HEADER, signature

RETRYABLE = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class PostResult:
    ok: bool
    status_code: int | None
    attempts: int
    body: Any = None
    error: str | None = None
    reason: str | None = None


async def _post_to_checked_address(
    client: httpx.AsyncClient,
    egress: EgressPolicy,
    url: str,
    body: bytes,
    headers: dict[str, str],
    lookup_seconds: float,
) -> httpx.Response:
    """Resolve, check every address, then connect to a checked one by address (Host header and TLS server
    name from the URL). The first address that accepts a connection gets the request."""
    target, host, port = parse_target(url)
    addresses = await asyncio.wait_for(egress.resolve(host, port), lookup_seconds)
    extensions = {"sni_hostname": host} if target.scheme == "https" else {}
    pinned_headers = {**headers, "Host": target.netloc.decode("ascii")}
    failure: httpx.ConnectError | None = None
    for address in addresses:
        try:
            return await client.post(
                target.copy_with(host=address), content=body, headers=pinned_headers, extensions=extensions
            )
        except httpx.ConnectError as exc:
            failure = exc
    assert failure is not None
    raise failure


async def signed_post(
    url: str,
    payload: dict[str, Any],
    *,
    secret: str | None,
    request_timeout: float,
    retries: int,
    backoff: float,
    headers: dict[str, str] | None = None,
    egress: EgressPolicy | None = None,
) -> PostResult:
    """POST ``payload`` as JSON; 2xx is success, retryable statuses and network errors are retried; a target
    the ``egress`` policy refuses is not tried at all."""
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    all_headers = {"Content-Type": "application/json", "User-Agent": "colorroute", **(headers or {})}
    if secret:
        all_headers[SIGNATURE_HEADER] = signature(secret, body)
    status: int | None = None
    error: str | None = None
    reason: str | None = None
    attempts = 0
    # With a policy, no environment proxy: the proxy, not us, would choose where the request goes.
    async with httpx.AsyncClient(timeout=request_timeout, trust_env=egress is None) as client:
        for attempt in range(1, retries + 2):
            attempts = attempt
            try:
                if egress is None:
                    response = await client.post(url, content=body, headers=all_headers)
                else:
                    response = await _post_to_checked_address(client, egress, url, body, all_headers, request_timeout)
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        parsed = response.json()
                    except ValueError:
                        parsed = None
                    return PostResult(True, status, attempts, parsed)
                error, reason = f"HTTP {status}: {response.text[:300]}", f"HTTP {status}"
                if status not in RETRYABLE:
                    break
            except (EgressRefused, ValueError, httpx.InvalidURL) as exc:  # ValueError: not an http(s) URL
                return PostResult(False, None, attempts, None, str(exc), f"refused: {exc}"[:200])
            except (httpx.HTTPError, Unresolvable, TimeoutError) as exc:
                status, error, reason = None, f"{type(exc).__name__}: {exc}"[:400], _network_reason(exc)
            if attempt <= retries:
                await asyncio.sleep(backoff * 2 ** (attempt - 1) * (0.5 + random.random() / 2))
    return PostResult(False, status, attempts, None, error, reason)


def _network_reason(exc: Exception) -> str:
    """A category, not the exception's text (which can carry what the other side sent)."""
    if isinstance(exc, Unresolvable):
        return "host does not resolve"
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    return "network error"
