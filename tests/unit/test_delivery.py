"""The hub's per-event Delivery: work shared once by its subscribers, released by the last of them."""

from __future__ import annotations

import asyncio

import pytest

from app.events.hub import Delivery, Event, EventHub


async def test_work_runs_once_for_every_subscriber_and_one_leaving_does_not_cancel_it() -> None:
    delivery = Delivery(Event(id=7, topic="file", payload={}), holders=2)
    started, release = [], asyncio.Event()

    async def render() -> str:
        started.append(1)
        await release.wait()
        return "rendered"

    leaving = asyncio.ensure_future(delivery.once("k", render))
    staying = asyncio.ensure_future(delivery.once("k", render))
    await asyncio.sleep(0)
    leaving.cancel()
    release.set()
    assert await staying == "rendered"
    assert started == [1]
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert await delivery.once("k", render) == "rendered"  # done: the same outcome, no second run
    assert delivery.shared("loaders", object) is delivery.shared("loaders", object)


async def test_the_last_subscriber_done_releases_what_the_event_built() -> None:
    delivery = Delivery(Event(id=1, topic="file", payload={}), holders=2)
    pending = delivery.once("slow", asyncio.Event().wait)
    delivery.shared("loaders", dict)
    delivery.done()
    assert not delivery.released, "one subscriber still renders the event"
    delivery.done()
    assert delivery.released
    with pytest.raises(asyncio.CancelledError):
        await pending  # nobody is left to wait for it


async def test_the_hub_hands_every_subscriber_of_the_topic_the_same_delivery() -> None:
    hub = EventHub("postgresql://unused")
    files, sites, both, idle = (hub.subscribe(t) for t in ({"file"}, {"site"}, {"file", "site"}, {"file"}))
    hub._dispatch(Event(id=3, topic="file", payload={"fileId": 1}))
    mine, theirs = files.queue.get_nowait(), both.queue.get_nowait()
    assert mine is theirs and mine.event.id == 3 and sites.queue.empty()
    mine.shared("loaders", dict)
    mine.done()
    theirs.done()
    assert not mine.released, "the idle subscriber has not taken it yet"
    hub.unsubscribe(idle)  # leaves without taking it: counts as done
    assert mine.released


async def test_replays_of_an_event_join_its_delivery_while_someone_holds_it() -> None:
    hub = EventHub("postgresql://unused")
    live = hub.subscribe({"file"})
    event = Event(id=9, topic="file", payload={"fileId": 1})
    hub._dispatch(event)
    held = live.queue.get_nowait()
    assert hub.delivery(Event(id=9, topic="file", payload={"fileId": 1})) is held, "a replay joins the live one"
    assert hub.delivery(Event(id=10, topic="file", payload={})) is not held
    assert hub.delivery(Event(id=0, topic="progress", payload={})) is not hub.delivery(Event(0, "progress", {}))
    held.done()
    del held
    assert hub.delivery(event).released, "nobody held it: a new delivery, nothing left of the old one"
