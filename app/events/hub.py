"""The per-process event hub.

Events are rows in ``events`` written in the same transaction as the change; NOTIFY carries only the id.
One listener connection per process wakes on NOTIFY (or a slow poll, or a reconnect) and reads every
``id > last_seen`` in order, so a lost notification or a dropped connection delays an event, never loses it.
Each subscriber has a bounded queue: a subscriber that falls behind is cut off with an error (and can
resume with ``after:``) instead of stalling the others.

Each event reaches its subscribers as one ``Delivery``: whatever rendering the event costs (rows read, payloads
built, results per document and viewer) is done once for all of them, and dropped when the last one is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import asyncpg

from app.domain.errors import BadInput, DomainError, Unauthenticated
from app.services.records import EVENTS_CHANNEL, PROGRESS_CHANNEL

log = logging.getLogger(__name__)
PROGRESS_TOPIC = "progress"
#: Bytes of an upload at the hub so far (NOTIFY only, on the progress channel; the payload names an upload).
UPLOAD_PROGRESS_TOPIC = "upload_progress"
_BATCH = 500
T = TypeVar("T")


class SubscriberTooSlow(DomainError):
    code = "SUBSCRIBER_TOO_SLOW"


@dataclass(frozen=True)
class Event:
    id: int  # 0 for ephemeral (progress) signals, which have no cursor
    topic: str
    payload: dict[str, Any]
    at: datetime | None = None


class Delivery:
    """One event on its way to this process's subscribers. The hub makes one per event and hands the same one to
    every subscriber of the event's topic, and to every replay of the event while any of them still holds it (a
    thousand subscribers resuming after a restart replay each event once). Work that is the same for
    all of them is done once, through ``shared``/``once``; it lives exactly as long as the delivery: when the
    last subscriber is done with the event it is dropped (and unfinished work cancelled), so nothing outlives the
    event and nothing is keyed by anything but this object."""

    __slots__ = ("__weakref__", "_holders", "_memo", "event")

    def __init__(self, event: Event, holders: int = 0) -> None:
        self.event = event
        self._holders = holders
        self._memo: dict[Hashable, Any] = {}

    def shared(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()`` the first time ``key`` is asked for in this delivery; the same object after."""
        if key not in self._memo:
            self._memo[key] = make()
        value: T = self._memo[key]
        return value

    def once(self, key: Hashable, work: Callable[[], Awaitable[T]]) -> Awaitable[T]:
        """``work()`` started once for this delivery, whoever asks first, in its own task (unless it hands back a
        future, possibly done already); everyone waits for the same outcome (a failure included: the next
        delivery of the event, a replay, tries again). A subscriber that leaves (its task is cancelled) stops
        waiting without cancelling the work for the others."""
        task: asyncio.Future[T] = self.shared(key, lambda: asyncio.ensure_future(work()))
        return task if task.done() else asyncio.shield(task)

    def hold(self) -> None:
        self._holders += 1

    def done(self) -> None:
        """One subscriber is finished with the event; the last one releases what rendering it built."""
        self._holders -= 1
        if self._holders > 0:
            return
        for value in self._memo.values():
            if isinstance(value, asyncio.Future) and not value.done():
                value.cancel()
        self._memo.clear()

    @property
    def released(self) -> bool:
        return self._holders <= 0 and not self._memo


@dataclass(eq=False)
class Subscriber:
    topics: frozenset[str]
    queue: asyncio.Queue[Delivery]
    overflowed: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class EventHub:
    def __init__(self, dsn: str, *, queue_size: int = 1000, poll_seconds: float = 10.0) -> None:
        self._dsn = dsn
        self._queue_size = queue_size
        self._poll_seconds = poll_seconds
        self._subscribers: set[Subscriber] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running = False
        self.last_seen = 0
        self.healthy = False
        self._listening: asyncpg.Connection | None = None
        self._callbacks: dict[str, list[Callable[[Event], None]]] = {}
        #: Deliveries some subscriber still holds, by event id: gone with the last holder's reference.
        self._in_flight: weakref.WeakValueDictionary[int, Delivery] = weakref.WeakValueDictionary()
        self.last_dispatch_lag_seconds = 0.0

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def start(self) -> None:
        self._running = True
        conn = await asyncpg.connect(self._dsn)
        try:
            self.last_seen = int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM events"))
        finally:
            await conn.close()
        self._task = asyncio.create_task(self._run(), name="event-listener")

    async def stop(self) -> None:
        self._running = False
        self._wake.set()
        for sub in list(self._subscribers):
            sub.wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        backoff = 0.2
        while self._running:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self._dsn, timeout=10)
                await conn.add_listener(EVENTS_CHANNEL, self._on_notify)
                await conn.add_listener(PROGRESS_CHANNEL, self._on_progress)
                conn.add_termination_listener(self._on_terminated)
                self._listening = conn
                self.healthy = True
                backoff = 0.2
                await self._catch_up(conn)  # whatever committed while we were away
                while self._running:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)
                    self._wake.clear()
                    await asyncio.wait_for(self._catch_up(conn), timeout=30)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the listener must outlive any database hiccup
                self.healthy = False
                log.warning("event listener lost its connection (%s); reconnecting", exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(conn.close(), timeout=2)

    def _on_notify(self, *_args: object) -> None:
        self._wake.set()

    def _on_terminated(self, conn: object) -> None:
        """The server closed the connection (a restart): reconnect now, not at the next poll, and stop
        reporting healthy meanwhile (no NOTIFY can arrive on a dead connection)."""
        if conn is self._listening:
            self.healthy = False
            self._wake.set()

    def _on_progress(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            data = json.loads(payload)
        except ValueError:
            return
        topic = UPLOAD_PROGRESS_TOPIC if "uploadId" in data else PROGRESS_TOPIC
        self._dispatch(Event(id=0, topic=topic, payload=data))

    async def _catch_up(self, conn: asyncpg.Connection) -> None:
        while True:
            rows = await conn.fetch(
                "SELECT id, topic, payload, at FROM events WHERE id > $1 ORDER BY id LIMIT $2",
                self.last_seen,
                _BATCH,
            )
            for row in rows:
                event = _event(row)
                self.last_seen = event.id
                if event.at is not None:
                    self.last_dispatch_lag_seconds = max(0.0, time.time() - event.at.timestamp())
                self._dispatch(event)
            if len(rows) < _BATCH:
                return

    def on_topic(self, topic: str, callback: Callable[[Event], None]) -> None:
        """In-process reactions to events from any replica (e.g. dropping a cache when routing rules change)."""
        self._callbacks.setdefault(topic, []).append(callback)

    def _dispatch(self, event: Event) -> None:
        for callback in self._callbacks.get(event.topic, ()):
            try:
                callback(event)
            except Exception:
                log.warning("event callback for %s failed", event.topic, exc_info=True)
        delivery = self.delivery(event)
        for sub in list(self._subscribers):
            if event.topic not in sub.topics or sub.overflowed:
                continue
            try:
                sub.queue.put_nowait(delivery)
                delivery.hold()
            except asyncio.QueueFull:
                sub.overflowed = True
            sub.wake.set()

    def delivery(self, event: Event) -> Delivery:
        """The event's delivery in this process: the one in flight if a subscriber still holds it, else a new one
        (progress signals have no id and are dispatched once: always new)."""
        if not event.id:
            return Delivery(event)
        found = self._in_flight.get(event.id)
        if found is None:
            found = self._in_flight[event.id] = Delivery(event)
        return found

    def subscribe(self, topics: Iterable[str]) -> Subscriber:
        sub = Subscriber(topics=frozenset(topics), queue=asyncio.Queue(maxsize=self._queue_size))
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)
        while not sub.queue.empty():  # deliveries it will never take: let the others release them
            sub.queue.get_nowait().done()

    async def read_after(self, after: int, topics: Iterable[str]) -> AsyncIterator[Event]:
        """Replay committed events after a cursor, in order, in bounded batches."""
        wanted = list(topics)
        conn = await asyncpg.connect(self._dsn, timeout=10)
        try:
            cursor = after
            while True:
                rows = await conn.fetch(
                    "SELECT id, topic, payload, at FROM events WHERE id > $1 AND topic = ANY($2::text[]) "
                    "ORDER BY id LIMIT $3",
                    cursor,
                    wanted,
                    _BATCH,
                )
                for row in rows:
                    yield _event(row)
                    cursor = row["id"]
                if len(rows) < _BATCH:
                    return
        finally:
            await conn.close()

    async def stream(
        self,
        topics: Iterable[str],
        after: str | None = None,
        *,
        alive: Callable[[], Awaitable[bool]] | None = None,
        check_every: float = 30.0,
    ) -> AsyncIterator[Delivery]:
        """Deliveries for ``topics``: first the replay after ``after`` (if given), then live, without gaps or
        duplicates (the live subscription is registered before the replay is read). A delivery is the
        subscriber's until it asks for the next one (or leaves). ``alive`` is re-checked every ``check_every``
        seconds; when it turns false the stream ends with UNAUTHENTICATED."""
        wanted = frozenset(topics)
        last = parse_cursor(after)
        sub = self.subscribe(wanted)
        checked = time.monotonic()
        try:
            if last is not None:
                async for event in self.read_after(last, wanted - {PROGRESS_TOPIC, UPLOAD_PROGRESS_TOPIC}):
                    last = event.id
                    replayed = self.delivery(event)
                    replayed.hold()
                    try:
                        yield replayed
                    finally:
                        replayed.done()
            while self._running:
                if sub.overflowed and sub.queue.empty():
                    raise SubscriberTooSlow(
                        "subscriber fell behind and was disconnected; resubscribe with after: the last cursor",
                        lastCursor=str(last) if last else None,
                    )
                if sub.queue.empty():
                    sub.wake.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(check_every):  # no extra task per wait, unlike wait_for
                            await sub.wake.wait()
                    if alive is not None and time.monotonic() - checked >= check_every:
                        checked = time.monotonic()
                        if not await alive():
                            raise Unauthenticated("session expired; log in again")
                    continue
                delivery = sub.queue.get_nowait()
                try:
                    event = delivery.event
                    if event.id and last is not None and event.id <= last:
                        continue
                    if event.id:
                        last = event.id
                    yield delivery
                finally:
                    delivery.done()
        finally:
            self.unsubscribe(sub)


def parse_cursor(after: str | None) -> int | None:
    if after is None or after == "":
        return None
    try:
        value = int(after)
    except ValueError:
        raise BadInput("after: must be an event cursor", field="after") from None
    if value < 0:
        raise BadInput("after: must be an event cursor", field="after")
    return value


def _event(row: asyncpg.Record) -> Event:
    payload = row["payload"]
    if isinstance(payload, str):
        payload = json.loads(payload)
    return Event(id=int(row["id"]), topic=str(row["topic"]), payload=payload, at=row["at"])
