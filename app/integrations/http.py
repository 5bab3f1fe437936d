"""One signed POST with a timeout and retries with exponential backoff; the caller decides what failure means."""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from typing import Any

import httpx

from app.integrations.signing import SIGNATURE_HEADER, signature

RETRYABLE = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class PostResult:
    ok: bool
    status_code: int | None
    attempts: int
    body: Any = None
    error: str | None = None


async def signed_post(
    url: str,
    payload: dict[str, Any],
    *,
    secret: str | None,
    request_timeout: float,
    retries: int,
    backoff: float,
    headers: dict[str, str] | None = None,
) -> PostResult:
    """POST ``payload`` as JSON; 2xx is success, retryable statuses and network errors are retried."""
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    all_headers = {"Content-Type": "application/json", "User-Agent": "colorroute", **(headers or {})}
    if secret:
        all_headers[SIGNATURE_HEADER] = signature(secret, body)
    status: int | None = None
    error: str | None = None
    attempts = 0
    async with httpx.AsyncClient(timeout=request_timeout) as client:
        for attempt in range(1, retries + 2):
            attempts = attempt
            try:
                response = await client.post(url, content=body, headers=all_headers)
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        parsed = response.json()
                    except ValueError:
                        parsed = None
                    return PostResult(True, status, attempts, parsed)
                error = f"HTTP {status}: {response.text[:300]}"
                if status not in RETRYABLE:
                    break
            except httpx.HTTPError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"[:400]
            if attempt <= retries:
                await asyncio.sleep(backoff * 2 ** (attempt - 1) * (0.5 + random.random() / 2))
    return PostResult(False, status, attempts, None, error)
