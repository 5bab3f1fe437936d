"""Routing rules: their administration, and the automatic steps they take on a file.

Every automatic step is an ordinary transition (its own transaction, the same checks, an audit row) with the
actor ``routing:<rule name>``, so a file's history explains itself. A step that cannot happen (someone got
there first, no colorist available) is logged and skipped: the file simply waits for a human.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.engine import SessionFactory, memory
from app.db.models import File, RoutingRule
from app.domain.clock import now
from app.domain.errors import BadInput, Conflict, DomainError, Forbidden, NotFound
from app.domain.ids import parse_id
from app.domain.media import probed
from app.domain.permissions import Actor, Capability, has_capability, routing_actor
from app.domain.routing import AssignStrategy, Candidate, Decision, Media, Rule, check_rule, decide, least_loaded
from app.domain.states import FileState
from app.repositories import routing as routing_repo
from app.repositories import sites as sites_repo
from app.services import lifecycle, records

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleInput:
    name: str
    priority: int
    enabled: bool
    source_site: str | None
    pattern: str
    destination_site: str | None
    auto_validate: bool
    auto_queue: bool
    auto_assign: AssignStrategy
    min_size_bytes: int | None = None
    max_size_bytes: int | None = None
    codecs: tuple[str, ...] = ()
    min_width: int | None = None
    min_height: int | None = None


def _require(actor: Actor) -> None:
    if not has_capability(actor, Capability.MANAGE_ROUTING):
        raise Forbidden(f"{actor.name} may not manage routing rules")


async def _site_id(session: AsyncSession, code: str | None, field: str) -> int | None:
    if code is None or code == "":
        return None
    site = await sites_repo.by_code(session, code)
    if site is None:
        raise BadInput(f"unknown site {code!r}", field=field)
    return site.id


async def _changed(session: AsyncSession) -> None:
    invalidate_rules(session)
    await records.publish(session, "routing", {"changed": True})


async def _apply(session: AsyncSession, row: RoutingRule, data: RuleInput) -> None:
    src = data.source_site.lower() if data.source_site else None
    dst = data.destination_site.lower() if data.destination_site else None
    check_rule(
        name=data.name,
        pattern=data.pattern,
        source_site=src,
        destination_site=dst,
        auto_queue=data.auto_queue,
        min_size=data.min_size_bytes,
        max_size=data.max_size_bytes,
        codecs=data.codecs,
        min_width=data.min_width,
        min_height=data.min_height,
    )
    row.name = data.name.strip()
    row.priority = data.priority
    row.enabled = data.enabled
    row.source_site_id = await _site_id(session, src, "sourceSite")
    row.destination_site_id = await _site_id(session, dst, "destinationSite")
    row.pattern = data.pattern.strip()
    row.auto_validate = data.auto_validate
    row.auto_queue = data.auto_queue
    row.auto_assign = data.auto_assign.value
    row.min_size_bytes = data.min_size_bytes
    row.max_size_bytes = data.max_size_bytes
    row.codecs = sorted({c.strip().lower() for c in data.codecs}) or None
    row.min_width = data.min_width
    row.min_height = data.min_height
    row.updated_at = now()


async def list_rules(db: SessionFactory, actor: Actor) -> Sequence[RoutingRule]:
    if not has_capability(actor, Capability.READ):
        raise Forbidden(f"{actor.name} may not read routing rules")
    async with db() as session:
        return await routing_repo.all_rules(session)


async def create_rule(db: SessionFactory, actor: Actor, data: RuleInput) -> RoutingRule:
    _require(actor)
    async with db() as session, session.begin():
        row = RoutingRule(created_at=now())
        await _apply(session, row, data)
        session.add(row)
        try:
            await session.flush()
        except Exception as exc:  # unique name
            raise Conflict(f"a routing rule named {data.name!r} already exists", field="name") from exc
        await records.audit(session, actor, "ROUTING_RULE_CREATED", details={"ruleId": str(row.id), "name": row.name})
        await _changed(session)
        return row


async def _locked_rule(session: AsyncSession, rule_id: str) -> RoutingRule:
    row = await session.get(RoutingRule, parse_id(rule_id, "routing rule"), with_for_update=True)
    if row is None:
        raise NotFound(f"routing rule {rule_id} not found", id=str(rule_id))
    return row


async def update_rule(db: SessionFactory, actor: Actor, rule_id: str, data: RuleInput) -> RoutingRule:
    _require(actor)
    async with db() as session, session.begin():
        row = await _locked_rule(session, rule_id)
        await _apply(session, row, data)
        await records.audit(session, actor, "ROUTING_RULE_UPDATED", details={"ruleId": str(row.id), "name": row.name})
        await _changed(session)
        return row


async def delete_rule(db: SessionFactory, actor: Actor, rule_id: str) -> bool:
    _require(actor)
    async with db() as session, session.begin():
        row = await _locked_rule(session, rule_id)
        await session.delete(row)
        await records.audit(session, actor, "ROUTING_RULE_DELETED", details={"ruleId": str(row.id), "name": row.name})
        await _changed(session)
        return True


async def reorder_rules(db: SessionFactory, actor: Actor, rule_ids: Sequence[str]) -> Sequence[RoutingRule]:
    """Priorities 10, 20, 30… in the order given; rules not named keep their relative order after them."""
    _require(actor)
    ids = [parse_id(r, "routing rule") for r in rule_ids]
    if len(set(ids)) != len(ids):
        raise BadInput("each rule may appear once", field="ids")
    async with db() as session, session.begin():
        rows = list(await routing_repo.all_rules(session))
        by_id = {r.id: r for r in rows}
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise NotFound(f"routing rule {missing[0]} not found", id=str(missing[0]))
        ordered = [by_id[i] for i in ids] + [r for r in rows if r.id not in set(ids)]
        for position, row in enumerate(ordered, start=1):
            row.priority = position * 10
            row.updated_at = now()
        await records.audit(session, actor, "ROUTING_RULES_REORDERED", details={"order": [str(r.id) for r in ordered]})
        await _changed(session)
        return ordered


@dataclass(frozen=True)
class Simulation:
    rule: Rule | None
    colorist_id: int | None
    decision: Decision | None = None


async def _candidates(session: AsyncSession, rule: Rule) -> list[Candidate]:
    if rule.auto_assign is not AssignStrategy.LEAST_LOADED or rule.destination_site is None:
        return []
    site = await sites_repo.by_code(session, rule.destination_site)
    return await routing_repo.colorist_candidates(session, site.id) if site else []


async def simulate(
    db: SessionFactory, actor: Actor, site: str, path: str, size: int | None, media: Media | None = None
) -> Simulation:
    """``media`` None: as when the file is reported, before its media info arrives."""
    if not has_capability(actor, Capability.READ):
        raise Forbidden(f"{actor.name} may not read routing rules")
    async with db() as session:
        rules = await routing_repo.as_domain(session, await routing_repo.all_rules(session))
        decision = decide(rules, site.strip().lower(), path, size, media, media_expected=probed(path))
        rule = decision.rule
        chosen = least_loaded(await _candidates(session, rule)) if rule else None
    return Simulation(rule=rule, colorist_id=chosen.user_id if chosen else None, decision=decision)


def file_media(file: File) -> Media | None:
    """What routing reads of a file's media info; None while it has not arrived."""
    if file.media is None:
        return None
    return Media(
        file.media_codec, file.media.get("profile"), file.media_width, file.media_height, file.media.get("probe_error")
    )


class RuleCache:
    """Every report consults the routing rules, so the app keeps them (per app: ``app.db.engine.memory``).
    A change clears them here at once and, through the ``routing`` event, on every other replica
    (``create_app`` wires that); the short expiry only covers a replica whose event listener is down."""

    SECONDS = 30.0

    def __init__(self) -> None:
        self.rules: list[Rule] | None = None
        self.loaded_at = 0.0

    async def current(self, db: SessionFactory) -> list[Rule]:
        if self.rules is not None and time.monotonic() - self.loaded_at < self.SECONDS:
            return self.rules
        async with db() as session:
            rules = await routing_repo.as_domain(session, await routing_repo.all_rules(session))
        self.rules, self.loaded_at = rules, time.monotonic()
        return rules


def rule_cache(of: SessionFactory | AsyncSession) -> RuleCache:
    remembered = memory(of)
    found = remembered.get(RuleCache)
    if found is None:
        found = remembered[RuleCache] = RuleCache()
    assert isinstance(found, RuleCache)
    return found


def invalidate_rules(of: SessionFactory | AsyncSession) -> None:
    """Called on every rule change here and, through the ``routing`` event, on every other replica."""
    rule_cache(of).rules = None


async def matching_rule(db: SessionFactory, file: File, site_code: str) -> Rule | None:
    """The rule for this file now; None also while a media rule waits for the file's media info."""
    media = file_media(file)
    rules = await rule_cache(db).current(db)
    return decide(rules, site_code, file.path, file.size_bytes, media, media_expected=probed(file.path)).rule


async def route_new_file(db: SessionFactory, settings: Settings, file: File, site_code: str) -> File:
    """After a report: validate and queue as the first matching rule says."""
    if file.state != FileState.DETECTED.value or file.version != 1:
        return file  # a repeat report, or someone already acted
    rule = await matching_rule(db, file, site_code)
    if rule is None:
        return file
    actor = routing_actor(rule.name)
    async with db() as session, session.begin():
        row = await session.get(File, file.id, with_for_update=True)
        if row is None:
            return file
        row.routing_rule_id = rule.id
    try:
        if rule.auto_validate:
            file = await lifecycle.validate_file(db, settings, actor, str(file.id), expected_version=1)
        if rule.auto_queue and file.state == FileState.VALIDATED.value and rule.destination_site:
            file = await lifecycle.queue_file(
                db, actor, str(file.id), rule.destination_site, expected_version=file.version
            )
    except DomainError as exc:
        log.info("routing %s stopped on file %s: %s", rule.name, file.id, exc.message)
    return file


async def assign_after_transfer(db: SessionFactory, file: File) -> File:
    """After a completed transfer: the least-loaded colorist at the destination, if the file's rule says so."""
    if file.state != FileState.TRANSFERRED.value or file.routing_rule_id is None:
        return file
    async with db() as session:
        row = await session.get(RoutingRule, file.routing_rule_id)
        if row is None:
            return file
        rule = (await routing_repo.as_domain(session, [row]))[0]
        if rule.auto_assign is not AssignStrategy.LEAST_LOADED or file.destination_site_id is None:
            return file
        chosen = least_loaded(await routing_repo.colorist_candidates(session, file.destination_site_id))
    if chosen is None:
        log.info("routing %s: no active colorist at the destination of file %s", rule.name, file.id)
        return file
    try:
        return await lifecycle.assign_colorist(
            db, routing_actor(rule.name), str(file.id), str(chosen.user_id), expected_version=file.version
        )
    except DomainError as exc:
        log.info("routing %s could not assign file %s: %s", rule.name, file.id, exc.message)
        return file
