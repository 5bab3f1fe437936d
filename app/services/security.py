"""Hashing of passwords, session tokens and API keys; a small in-process login limiter."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import defaultdict, deque

from passlib.context import CryptContext

# bcrypt_sha256 pre-hashes, so long passwords are not silently cut at 72 bytes; plain bcrypt hashes
# (from older installs) still verify and are upgraded on the next successful login.
PASSWORDS = CryptContext(schemes=["bcrypt_sha256", "bcrypt"], deprecated=["bcrypt"])
_DUMMY_HASH: str = PASSWORDS.hash("an unknown user costs the same as a wrong password")


def configure_password_cost(rounds: int) -> None:
    """bcrypt's work factor (default 12). Tests lower it; the dummy hash follows so timing stays equal."""
    global PASSWORDS, _DUMMY_HASH
    PASSWORDS = CryptContext(
        schemes=["bcrypt_sha256", "bcrypt"], deprecated=["bcrypt"], bcrypt_sha256__rounds=rounds, bcrypt__rounds=rounds
    )
    _DUMMY_HASH = PASSWORDS.hash("an unknown user costs the same as a wrong password")


def hash_password(password: str) -> str:
    return str(PASSWORDS.hash(password))


def verify_password(password: str, stored: str | None) -> tuple[bool, str | None]:
    """(ok, new_hash_if_upgrade_needed). With no stored hash, burn the same time as a real check."""
    if stored is None:
        PASSWORDS.verify(password, _DUMMY_HASH)
        return False, None
    ok, new_hash = PASSWORDS.verify_and_update(password, stored)
    return bool(ok), new_hash


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_key(site_code: str) -> str:
    return f"cr_{site_code}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginLimiter:
    """Sliding-window attempt counter per key (username, client address). In-process by design: each
    replica limits on its own, which bounds an attacker to N x replicas attempts per window."""

    def __init__(self, max_attempts: int, window_seconds: float) -> None:
        self.max_attempts = max_attempts
        self.window = window_seconds
        self._attempts: dict[str, deque[float]] = defaultdict(deque)

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._attempts[key]
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def retry_after(self, keys: list[str]) -> float:
        """Seconds until every key is under its limit again (0 when allowed now)."""
        now = time.monotonic()
        wait = 0.0
        for key in keys:
            q = self._prune(key, now)
            if len(q) >= self.max_attempts:
                wait = max(wait, q[0] + self.window - now)
        return wait

    def record_failure(self, keys: list[str]) -> None:
        now = time.monotonic()
        for key in keys:
            self._prune(key, now).append(now)

    def reset(self, key: str) -> None:
        self._attempts.pop(key, None)
