"""Outgoing webhooks for integrators: subscriptions (admin), and the dispatcher that delivers events to them
in order, signed, with retries, leaving a delivery log. Each subscription's cursor advances only past events
that were delivered (or that it did not ask for), so an endpoint that is down gets everything once it is back.
Replicas share the work safely: a subscription is claimed with ``FOR UPDATE SKIP LOCKED``.

Targets must be public addresses unless ``COLORROUTE_WEBHOOK_ALLOW_PRIVATE`` lists them, checked at creation and
again, after resolving, at every delivery (``app.integrations.egress``). The delivery log keeps the status and a
short reason of ours, never the endpoint's answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from sqlalchemy import func, select

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import Event, WebhookDelivery, WebhookSubscription
from app.domain.clock import now
from app.domain.errors import BadInput, Forbidden, NotFound
from app.domain.ids import parse_id
from app.domain.notifications import TOPICS, topics_for
from app.domain.permissions import Actor, Capability, has_capability
from app.integrations.egress import EgressPolicy, EgressRefused, Unresolvable, parse_target
from app.integrations.http import signed_post
from app.repositories.pagination import check_first
from app.services import records
from app.services.notification_payloads import notification_data
from app.services.periodic import every

log = logging.getLogger(__name__)
_BATCH = 100
_LOOKUP_SECONDS = 10.0


def _require(actor: Actor) -> None:
    if not has_capability(actor, Capability.MANAGE_USERS):
        raise Forbidden(f"{actor.name} may not manage webhooks")


@dataclass(frozen=True)
class NewSubscription:
    url: str
    secret: str
    topics: Sequence[str]


async def _check_target(url: str, egress: EgressPolicy) -> None:
    try:
        _target, host, port = parse_target(url)
        await asyncio.wait_for(egress.resolve(host, port), _LOOKUP_SECONDS)
    except (ValueError, httpx.InvalidURL):
        raise BadInput("url must be an http(s) URL", field="url") from None
    except (EgressRefused, Unresolvable) as exc:
        raise BadInput(f"url: {exc}", field="url") from None
    except TimeoutError:
        raise BadInput(f"url: its host did not resolve within {_LOOKUP_SECONDS:g} s", field="url") from None


async def create_subscription(
    db: SessionFactory, actor: Actor, new: NewSubscription, egress: EgressPolicy
) -> WebhookSubscription:
    _require(actor)
    if len(new.url) > 2000:
        raise BadInput("url must be at most 2000 characters", field="url")
    await _check_target(new.url, egress)
    if len(new.secret) < 16:
        raise BadInput("secret must be at least 16 characters", field="secret")
    unknown = sorted(set(new.topics) - set(TOPICS))
    if unknown or not new.topics:
        raise BadInput(f"topics must be some of {', '.join(TOPICS)}", field="topics", unknown=unknown)
    async with db() as session, session.begin():
        start = int(await session.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0)
        sub = WebhookSubscription(
            url=new.url,
            secret=new.secret,
            topics=sorted(set(new.topics)),
            active=True,
            last_event_id=start,
            created_by=actor.name,
            created_at=now(),
        )
        session.add(sub)
        await session.flush()
        await records.audit(
            session, actor, "WEBHOOK_CREATED", details={"id": str(sub.id), "url": new.url, "topics": sub.topics}
        )
        return sub


async def set_active(db: SessionFactory, actor: Actor, sub_id: str, active: bool | None, delete: bool = False) -> bool:
    _require(actor)
    sid = parse_id(sub_id, "webhook")
    async with db() as session, session.begin():
        sub = await session.get(WebhookSubscription, sid, with_for_update=True)
        if sub is None:
            raise NotFound(f"webhook {sub_id} not found", id=str(sub_id))
        if delete:
            await session.delete(sub)
        elif active is not None:
            sub.active = active
        await records.audit(
            session,
            actor,
            "WEBHOOK_DELETED" if delete else "WEBHOOK_UPDATED",
            details={"id": str(sid), "active": active},
        )
        return True


async def list_subscriptions(db: SessionFactory, actor: Actor) -> Sequence[WebhookSubscription]:
    _require(actor)
    async with db() as session:
        return (await session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))).all()


async def list_deliveries(db: SessionFactory, actor: Actor, sub_id: str, first: int) -> Sequence[WebhookDelivery]:
    _require(actor)
    sid = parse_id(sub_id, "webhook")
    async with db() as session:
        stmt = (
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == sid)
            .order_by(WebhookDelivery.id.desc())
            .limit(check_first(first))
        )
        return (await session.scalars(stmt)).all()


async def dispatch_once(db: SessionFactory, settings: Settings) -> int:
    """One pass over every active subscription; returns how many notifications were delivered."""
    delivered = 0
    egress = EgressPolicy(settings.webhook_allow_private)
    async with db() as session:
        ids = list((await session.scalars(select(WebhookSubscription.id).where(WebhookSubscription.active))).all())
    for sid in ids:
        delivered += await _dispatch_subscription(db, settings, egress, sid)
    return delivered


async def _dispatch_subscription(db: SessionFactory, settings: Settings, egress: EgressPolicy, sid: int) -> int:
    delivered = 0
    async with db() as session, session.begin():
        sub = await session.scalar(
            select(WebhookSubscription).where(WebhookSubscription.id == sid).with_for_update(skip_locked=True)
        )
        if sub is None or not sub.active:
            return 0  # another replica has it, or it was switched off
        events = (
            await session.scalars(select(Event).where(Event.id > sub.last_event_id).order_by(Event.id).limit(_BATCH))
        ).all()
        for event in events:
            wanted = [t for t in topics_for(event.topic, event.payload) if t in sub.topics]
            for topic in wanted:
                data = await notification_data(session, event.payload)
                body = {"topic": topic, "eventId": str(event.id), "at": event.at.isoformat(), "data": data}
                result = await signed_post(
                    sub.url,
                    body,
                    secret=sub.secret,
                    request_timeout=settings.mam_timeout_seconds,
                    retries=settings.mam_retries,
                    backoff=settings.mam_backoff_seconds,
                    headers={"X-ColorRoute-Event": topic},
                    egress=egress,
                )
                session.add(
                    WebhookDelivery(
                        subscription_id=sub.id,
                        event_id=event.id,
                        topic=topic,
                        status_code=result.status_code,
                        attempts=result.attempts,
                        error=result.reason,  # ours, short: never the endpoint's answer
                        delivered=result.ok,
                        at=now(),
                    )
                )
                if not result.ok:
                    return delivered  # keep the cursor here; the next pass retries this event
                delivered += 1
            sub.last_event_id = event.id
    return delivered


async def dispatcher_loop(db: SessionFactory, settings: Settings) -> None:
    await every(settings.webhook_poll_seconds, lambda: dispatch_once(db, settings), "webhook dispatch", first_now=True)
