"""HMAC-SHA256 of the exact bytes sent, as ``X-ColorRoute-Signature: sha256=<hex>``."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-ColorRoute-Signature"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    return header is not None and hmac.compare_digest(signature(secret, body), header)
