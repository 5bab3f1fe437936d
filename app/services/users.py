"""People and daemon keys: created, changed and revoked by admins, every change audited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app.db.engine import SessionFactory
from app.db.models import ApiKey, User
from app.domain.clock import now
from app.domain.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from app.domain.ids import parse_id
from app.domain.passwords import check_password
from app.domain.permissions import Actor, ActorKind, Capability, Role, has_capability
from app.repositories import sites as sites_repo
from app.repositories import users as users_repo
from app.services import records
from app.services.auth import end_sessions
from app.services.security import AttemptKeys, LoginLimiter, hash_password, new_api_key, token_hash

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")


@dataclass(frozen=True)
class NewUser:
    username: str
    password: str
    role: Role
    display_name: str | None = None
    site_code: str | None = None


@dataclass(frozen=True)
class UserChanges:
    display_name: str | None = None
    role: Role | None = None
    site_code: str | None = None
    active: bool | None = None


#: Work is routed to a colorist by site (files go to the site where they grade), so one without a site could be
#: assigned nothing sensibly.
_COLORIST_SITE = "a colorist must have a site: the site where they grade, which files are routed to"


def _require(actor: Actor, cap: Capability) -> None:
    if not has_capability(actor, cap):
        raise Forbidden(f"{actor.name} may not {cap.value.lower().replace('_', ' ')}")


async def create_user(db: SessionFactory, actor: Actor, new: NewUser) -> User:
    _require(actor, Capability.MANAGE_USERS)
    if not USERNAME_RE.fullmatch(new.username):
        raise BadInput("username: 2-64 letters, digits, '.', '_' or '-'", field="username")
    check_password(new.password)
    display = (new.display_name or new.username).strip()[:128] or new.username
    if new.role is Role.COLORIST and not (new.site_code or "").strip():
        raise BadInput(_COLORIST_SITE, field="siteCode")
    async with db() as session, session.begin():
        if await users_repo.by_username(session, new.username) is not None:
            raise Conflict(f"user {new.username} already exists", field="username")
        site_id = None
        if new.site_code:
            site = await sites_repo.by_code(session, new.site_code)
            if site is None:
                raise BadInput(f"unknown site {new.site_code!r}", field="siteCode")
            site_id = site.id
        user = User(
            username=new.username,
            display_name=display,
            password_hash=hash_password(new.password),
            role=new.role.value,
            site_id=site_id,
            active=True,
            created_at=now(),
            updated_at=now(),
        )
        session.add(user)
        await session.flush()
        await records.audit(
            session,
            actor,
            "USER_CREATED",
            details={"userId": str(user.id), "username": user.username, "role": user.role},
        )
        return user


async def update_user(db: SessionFactory, actor: Actor, user_id: str, changes: UserChanges) -> User:
    _require(actor, Capability.MANAGE_USERS)
    uid = parse_id(user_id, "user")
    async with db() as session, session.begin():
        user = await session.get(User, uid, with_for_update=True)
        if user is None:
            raise NotFound(f"user {user_id} not found", id=str(user_id))
        diff: dict[str, object] = {}
        if changes.display_name is not None:
            name = changes.display_name.strip()[:128]
            if not name:
                raise BadInput("displayName must not be empty", field="displayName")
            diff["displayName"], user.display_name = name, name
        if changes.role is not None and changes.role.value != user.role:
            if actor.user_id == user.id:
                raise BadInput("you cannot change your own role", field="role")
            diff["role"], user.role = changes.role.value, changes.role.value
            await records.revoke(session, records.Revoked.ROLE_CHANGED, user_id=user.id)
        if changes.site_code is not None:
            if changes.site_code == "":
                user.site_id = None
            else:
                site = await sites_repo.by_code(session, changes.site_code)
                if site is None:
                    raise BadInput(f"unknown site {changes.site_code!r}", field="siteCode")
                user.site_id = site.id
            diff["site"] = changes.site_code or None
        if user.role == Role.COLORIST.value and user.site_id is None:
            raise BadInput(_COLORIST_SITE, field="siteCode")
        if changes.active is not None and changes.active != user.active:
            if actor.user_id == user.id and not changes.active:
                raise BadInput("you cannot deactivate yourself", field="active")
            diff["active"], user.active = changes.active, changes.active
            if not changes.active:
                await end_sessions(session, user.id)
                await records.revoke(session, records.Revoked.DEACTIVATED, user_id=user.id)
        user.updated_at = now()
        await records.audit(session, actor, "USER_UPDATED", details={"userId": str(user.id), **diff})
        return user


async def change_password(db: SessionFactory, limiter: LoginLimiter, actor: Actor, old: str, new: str) -> bool:
    """A wrong current password is a failed guess like a wrong login, counted against the same limit (by
    username and address) before it is checked: a borrowed session must not become a way to guess."""
    if actor.kind is not ActorKind.USER or actor.user_id is None:
        raise Unauthenticated("log in to change your password")
    check_password(new, "newPassword")
    keys = AttemptKeys.of(actor.name, actor.client_addr)
    async with db() as session, session.begin():
        await limiter.attempt(session, keys)
        stored = await session.scalar(select(User.password_hash).where(User.id == actor.user_id))
    ok, _ = await limiter.passwords.verify(old[:1024], stored)
    fresh = await limiter.passwords.hash(new) if ok else None
    async with db() as session, session.begin():
        user = await session.get(User, actor.user_id, with_for_update=True)
        assert user is not None
        if fresh is None or user.password_hash != stored:  # wrong, or changed meanwhile by another request
            await records.audit(session, actor, "PASSWORD_CHANGE_FAILED", details={"userId": str(user.id)})
        else:
            user.password_hash = fresh
            user.updated_at = now()
            await end_sessions(session, user.id)  # every session, this one included, must log in again
            await records.revoke(session, records.Revoked.PASSWORD_CHANGED, user_id=user.id)
            await records.audit(session, actor, "PASSWORD_CHANGED", details={"userId": str(user.id)})
            await limiter.succeeded(session, keys)
            return True
    raise BadInput("the current password is wrong", field="oldPassword")


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # shown once, never stored


async def create_api_key(db: SessionFactory, actor: Actor, site_code: str, name: str | None = None) -> IssuedKey:
    _require(actor, Capability.MANAGE_KEYS)
    async with db() as session, session.begin():
        site = await sites_repo.by_code(session, site_code)
        if site is None:
            raise BadInput(f"unknown site {site_code!r}", field="site")
        secret = new_api_key(site.code)
        key = ApiKey(
            site_id=site.id,
            name=(name or f"{site.code} daemon")[:100],
            prefix=secret[:12],
            key_hash=token_hash(secret),
            created_at=now(),
            created_by=actor.name,
        )
        session.add(key)
        await session.flush()
        await records.audit(
            session, actor, "API_KEY_CREATED", details={"keyId": str(key.id), "site": site.code, "prefix": key.prefix}
        )
        return IssuedKey(key=key, secret=secret)


async def revoke_api_key(db: SessionFactory, actor: Actor, key_id: str) -> ApiKey:
    _require(actor, Capability.MANAGE_KEYS)
    kid = parse_id(key_id, "API key")
    async with db() as session, session.begin():
        key = await session.get(ApiKey, kid, with_for_update=True)
        if key is None:
            raise NotFound(f"API key {key_id} not found", id=str(key_id))
        if key.revoked_at is None:
            key.revoked_at = now()
            await records.audit(session, actor, "API_KEY_REVOKED", details={"keyId": str(key.id), "prefix": key.prefix})
            await records.revoke(session, records.Revoked.KEY_REVOKED, api_key_id=key.id)
        return key


async def list_api_keys(db: SessionFactory, actor: Actor) -> Sequence[ApiKey]:
    _require(actor, Capability.MANAGE_KEYS)
    async with db() as session:
        return (await session.scalars(select(ApiKey).order_by(ApiKey.id))).all()
