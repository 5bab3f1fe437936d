"""Hashing of passwords, session tokens and API keys; the login limiter (attempts counted in PostgreSQL) and
the bounded pool that checks passwords off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import secrets
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from passlib.context import CryptContext
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import SessionFactory
from app.domain.errors import RateLimited
from app.repositories import login_attempts

T = TypeVar("T")

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


class PasswordChecks:
    """bcrypt costs ~250 ms of CPU at 12 rounds. Run on the event loop, every check stalled every request of the
    replica (21 anonymous logins held /healthz for 2.9 s). Checks run in this pool's threads (bcrypt releases
    the GIL), at most ``concurrency`` at a time, so a crowd of logins queues for its turn instead of taking the
    server's CPUs; when ``concurrency x WAITING_PER_SLOT`` already wait, a caller is told to retry shortly
    (``RATE_LIMITED``) rather than queueing without bound. Owned by the app, one per process."""

    #: Checks that may wait per running one: at 12 rounds, a full queue drains in about 8 s.
    WAITING_PER_SLOT = 32

    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._pending = 0
        self._limit = concurrency * (1 + self.WAITING_PER_SLOT)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="password-check")

    async def run(self, work: Callable[[], T]) -> T:
        """``work`` (a bcrypt computation) in the pool, when a slot is free."""
        if self._pending >= self._limit:
            raise RateLimited("the server is busy checking passwords; try again shortly", retryAfter=1)
        self._pending += 1
        try:
            await self._slots.acquire()
            loop = asyncio.get_running_loop()
            future: Future[T] = self._pool.submit(work)

            def free_slot(_: Future[T]) -> None:
                with contextlib.suppress(RuntimeError):  # the loop has closed (shutdown): nobody waits any more
                    loop.call_soon_threadsafe(self._slots.release)

            # The slot is freed when the thread is done, not when the caller stops waiting: a client that hangs
            # up mid-check must not let one more check start beside the one still running.
            future.add_done_callback(free_slot)
            return await asyncio.wrap_future(future)
        finally:
            self._pending -= 1

    async def verify(self, password: str, stored: str | None) -> tuple[bool, str | None]:
        return await self.run(lambda: verify_password(password, stored))

    async def hash(self, password: str) -> str:
        return await self.run(lambda: hash_password(password))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class AttemptKeys:
    """What one password guess is counted against: its username and its client address (stored hashed)."""

    user: str
    address: str

    @classmethod
    def of(cls, username: str, client_addr: str | None) -> AttemptKeys:
        return cls(
            user=token_hash(f"user:{username.strip().lower()}"), address=token_hash(f"addr:{client_addr or '?'}")
        )


class LoginLimiter:
    """Password guesses per username and per client address, ``max_attempts`` per window. Each attempt is
    counted in PostgreSQL *before* its password is checked, in one statement that also decides, so neither
    concurrent requests nor several replicas get more than the limit checked. A successful check gives its
    attempt back (only failures use up the window) and starts its username afresh.

    Windows are fixed: one starts at a key's first attempt and lasts ``window_seconds``; at its end the key may
    try again. Across a window boundary a key can be checked at most twice the limit in a short time."""

    def __init__(self, max_attempts: int, window_seconds: float, passwords: PasswordChecks) -> None:
        self.max_attempts = max_attempts
        self.window = window_seconds
        self.passwords = passwords

    async def attempt(self, session: AsyncSession, keys: AttemptKeys) -> None:
        """Count one attempt on both keys, or raise ``RateLimited`` when either is over the limit. Raised inside the
        caller's transaction, it rolls the count back: a refused attempt checks nothing, so it costs nothing."""
        counted = await login_attempts.count(session, (keys.user, keys.address), self.window)
        over = [seconds_left for attempts, seconds_left in counted if attempts > self.max_attempts]
        if over:
            raise RateLimited("too many attempts; try again later", retryAfter=max(1, math.ceil(max(over))))

    async def succeeded(self, session: AsyncSession, keys: AttemptKeys) -> None:
        await login_attempts.forget(session, keys.user)
        await login_attempts.give_back(session, keys.address)

    async def forget_expired(self, db: SessionFactory) -> None:
        async with db() as session, session.begin():
            await login_attempts.delete_expired(session, self.window)
