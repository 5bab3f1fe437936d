"""Who is calling: logins, sessions and daemon keys, each change audited."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.engine import SessionFactory, reader
from app.db.models import Session as DbSession
from app.db.models import User
from app.domain.clock import now
from app.domain.errors import RateLimited, Unauthenticated
from app.domain.permissions import ANONYMOUS, Actor, ActorKind, Role
from app.repositories import users as users_repo
from app.services import records
from app.services.security import AttemptKeys, LoginLimiter, new_token, token_hash

LOGIN_FAILED = "invalid username or password"


@dataclass(frozen=True)
class LoginResult:
    user: User
    token: str
    max_age_seconds: int


def user_actor(user: User, client_addr: str | None = None) -> Actor:
    site_code = None
    return Actor(
        kind=ActorKind.USER,
        name=user.username,
        user_id=user.id,
        role=Role(user.role),
        site_code=site_code,
        client_addr=client_addr,
    )


async def login(
    db: SessionFactory,
    settings: Settings,
    limiter: LoginLimiter,
    username: str,
    password: str,
    client_addr: str | None,
    user_agent: str | None,
) -> LoginResult:
    """Every call is one attempt, even fifty aliased in one request, counted before the password is checked.
    Unknown users and wrong passwords cost the same time and read the same message. No database connection is
    held while the password is checked."""
    keys = AttemptKeys.of(username, client_addr)
    attempt_actor = Actor(kind=ActorKind.ANONYMOUS, name=username.strip()[:64] or "anonymous", client_addr=client_addr)
    try:
        async with db() as session, session.begin():
            await limiter.attempt(session, keys)
            user = await users_repo.by_username(session, username) if len(username) <= 64 else None
            user_id, stored = (user.id, user.password_hash) if user else (None, None)
    except RateLimited:
        async with db() as session, session.begin():
            await records.audit(session, attempt_actor, "LOGIN_RATE_LIMITED", details={"username": username[:64]})
        raise
    ok, upgraded = await limiter.passwords.verify(password[:1024], stored)
    async with db() as session, session.begin():
        user = await session.get(User, user_id, with_for_update=True) if ok and user_id is not None else None
        # The hash must still be the one checked: a password changed meanwhile is not beaten by the old one.
        if user is None or not user.active or user.password_hash != stored:
            await records.audit(session, attempt_actor, "LOGIN_FAILED", details={"username": username[:64]})
        else:
            if upgraded:
                user.password_hash = upgraded
            token = new_token()
            ttl = timedelta(hours=settings.session_ttl_hours)
            t = now()
            session.add(
                DbSession(
                    user_id=user.id,
                    token_hash=token_hash(token),
                    created_at=t,
                    last_seen_at=t,
                    expires_at=t + ttl,
                    client_addr=client_addr,
                    user_agent=(user_agent or "")[:256] or None,
                )
            )
            await records.audit(session, user_actor(user, client_addr), "LOGIN", details=None)
            await limiter.succeeded(session, keys)
            return LoginResult(user=user, token=token, max_age_seconds=int(ttl.total_seconds()))
    raise Unauthenticated(LOGIN_FAILED)


async def logout(db: SessionFactory, actor: Actor, token: str | None) -> bool:
    if not token:
        return False
    async with db() as session, session.begin():
        ended = await session.scalar(
            delete(DbSession).where(DbSession.token_hash == token_hash(token)).returning(DbSession.id)
        )
        if ended is not None:
            await records.audit(session, actor, "LOGOUT")
            await records.revoke(session, records.Revoked.LOGOUT, session_id=ended)  # its open sockets close
            return True
    return False


_SESSION_LOOKUP = text(
    "WITH live AS ("
    " SELECT s.id, s.last_seen_at, u.id AS user_id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.token_hash = :h AND u.active AND s.expires_at > now()"
    " AND s.last_seen_at > now() - make_interval(secs => :idle)),"
    " touched AS (UPDATE sessions SET last_seen_at = now() WHERE id IN (SELECT id FROM live)"
    " AND last_seen_at < now() - interval '60 seconds')"
    " SELECT id AS session_id, user_id AS id, username, role FROM live"
)


@dataclass(frozen=True)
class Standing:
    """An identity as one lookup found it, with the id of the credential proving it: a WebSocket re-checks its
    standing per operation and is ended when that user, session or key is revoked."""

    actor: Actor
    session_id: int | None = None
    api_key_id: int | None = None

    @property
    def revocable(self) -> bool:
        """Whether a revocation can end it (the global ``DAEMON_API_KEY`` lives in configuration, not here)."""
        return self.session_id is not None or self.api_key_id is not None


async def session_standing(db: SessionFactory, settings: Settings, token: str, client_addr: str | None) -> Standing:
    """One statement: find a live session and its user (anonymous when there is none); touch it for the idle
    timeout at most once a minute (so reads do not turn every request into a write)."""
    async with reader(db)() as session:
        row = (
            await session.execute(_SESSION_LOOKUP, {"h": token_hash(token), "idle": settings.session_idle_hours * 3600})
        ).first()
    if row is None:
        return Standing(ANONYMOUS)
    actor = Actor(kind=ActorKind.USER, name=row.username, user_id=row.id, role=Role(row.role), client_addr=client_addr)
    return Standing(actor, session_id=row.session_id)


async def actor_for_session(db: SessionFactory, settings: Settings, token: str, client_addr: str | None) -> Actor:
    return (await session_standing(db, settings, token, client_addr)).actor


async def session_alive(db: SessionFactory, settings: Settings, token: str) -> bool:
    """Subscriptions re-check their session: an expired or revoked one ends the stream."""
    async with reader(db)() as session:
        found = await session.scalar(
            select(DbSession.id)
            .join(User, User.id == DbSession.user_id)
            .where(
                DbSession.token_hash == token_hash(token),
                User.active.is_(True),
                DbSession.expires_at > now(),
                DbSession.last_seen_at > now() - timedelta(hours=settings.session_idle_hours),
            )
        )
    return found is not None


_KEY_LOOKUP = text(
    "WITH k AS (SELECT id, site_id, last_used_at FROM api_keys WHERE key_hash = :h AND revoked_at IS NULL),"
    " touched AS (UPDATE api_keys SET last_used_at = now() WHERE id IN (SELECT id FROM k)"
    " AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds'))"
    " SELECT k.id, sites.code FROM k JOIN sites ON sites.id = k.site_id"
)


async def api_key_standing(db: SessionFactory, settings: Settings, key: str, client_addr: str | None) -> Standing:
    """One statement for a per-site key (the global key is checked against the configuration, no statement)."""
    if settings.daemon_api_key and hmac.compare_digest(key.encode(), settings.daemon_api_key.encode()):
        return Standing(Actor(kind=ActorKind.SITE, name="daemon:global-key", client_addr=client_addr))
    async with reader(db)() as session:
        row = (await session.execute(_KEY_LOOKUP, {"h": token_hash(key)})).first()
    if row is None:
        raise Unauthenticated("invalid or revoked API key")
    actor = Actor(
        kind=ActorKind.SITE, name=f"site:{row.code}", site_code=row.code, client_addr=client_addr, api_key_id=row.id
    )
    return Standing(actor, api_key_id=row.id)


async def actor_for_api_key(db: SessionFactory, settings: Settings, key: str, client_addr: str | None) -> Actor:
    return (await api_key_standing(db, settings, key, client_addr)).actor


async def end_sessions(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(DbSession).where(DbSession.user_id == user_id))
