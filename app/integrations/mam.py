"""MAM adapters. ``webhook`` POSTs a signed JSON description of the finished file; ``none`` only changes
state (the seed's behaviour, and the default when no URL is configured)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from app.config import Settings
from app.integrations.http import signed_post


@dataclass(frozen=True)
class Delivery:
    ok: bool
    asset_id: str | None
    attempts: int
    error: str | None = None


class MamAdapter(Protocol):
    name: str

    async def deliver(self, payload: dict[str, Any], idempotency_key: str) -> Delivery: ...


class NoMam:
    name = "none"

    async def deliver(self, payload: dict[str, Any], idempotency_key: str) -> Delivery:
        return Delivery(ok=True, asset_id=None, attempts=0)


class WebhookMam:
    name = "webhook"

    def __init__(self, url: str, secret: str | None, timeout: float, retries: int, backoff: float) -> None:
        self.url, self.secret, self.timeout, self.retries, self.backoff = url, secret, timeout, retries, backoff

    async def deliver(self, payload: dict[str, Any], idempotency_key: str) -> Delivery:
        result = await signed_post(
            self.url,
            payload,
            secret=self.secret,
            request_timeout=self.timeout,
            retries=self.retries,
            backoff=self.backoff,
            headers={"Idempotency-Key": idempotency_key},
        )
        if not result.ok:
            return Delivery(
                False,
                None,
                result.attempts,
                f"MAM refused the delivery after {result.attempts} attempt(s): {result.error}",
            )
        asset = result.body.get("assetId") if isinstance(result.body, dict) else None
        return Delivery(True, str(asset)[:200] if asset is not None else None, result.attempts)


def mam_adapter(settings: Settings) -> MamAdapter:
    if settings.mam_url:
        return WebhookMam(
            settings.mam_url,
            settings.mam_secret,
            settings.mam_timeout_seconds,
            settings.mam_retries,
            settings.mam_backoff_seconds,
        )
    return NoMam()
