"""Runs in the bot venv (Rasa 3.6): saves and reads trackers with the project's store and
with Rasa's own RedisTrackerStore, and prints what each stored, as JSON, for the test."""

import asyncio
import json
import sys
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from stores.redis_tracker import AppendingRedisTrackerStore


def turn(text: str, at: float) -> list[Any]:
    return [
        UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=at),
        ActionExecuted("utter_greet", timestamp=at + 0.1),
        BotUttered("hallo", timestamp=at + 0.2),
        ActionExecuted("action_listen", timestamp=at + 0.3),
    ]


def session(at: float) -> list[Any]:
    return [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at + 0.01),
        SlotSet("language", "ar", timestamp=at + 0.02),
        ActionExecuted("action_listen", timestamp=at + 0.03),
    ]


async def scenario(store: RedisTrackerStore, sender: str) -> dict[str, Any]:
    domain = Domain.empty()
    # One session, turn after turn (the common case).
    tracker = DialogueStateTracker.from_events(sender, session(1.0) + turn("a", 2.0), domain=domain)
    await store.save(tracker)
    tracker = await store.retrieve(sender)
    assert tracker is not None
    for event in turn("b", 3.0):
        tracker.update(event)
    await store.save(tracker)
    one_session = [e.as_dict() for e in (await store.retrieve_full_tracker(sender)).events]

    # A second session: a turn's tracker holds only it; the first must survive the save.
    tracker = DialogueStateTracker.from_events(
        sender, list((await store.retrieve_full_tracker(sender)).events) + session(10.0)
    )
    await store.save(tracker)
    tracker = await store.retrieve(sender)
    for event in turn("c", 11.0):
        tracker.update(event)
    await store.save(tracker)
    two_sessions = [e.as_dict() for e in (await store.retrieve_full_tracker(sender)).events]

    # Another writer added an event after this tracker was read: it must not be lost.
    stale = await store.retrieve_full_tracker(sender)
    fresh = await store.retrieve_full_tracker(sender)
    fresh.update(SlotSet("language", "uk", timestamp=20.0))
    await store.save(fresh)
    stale.update(UserUttered("d", {"name": "deny", "confidence": 1.0}, timestamp=21.0))
    await store.save(stale)
    concurrent = [e.as_dict() for e in (await store.retrieve_full_tracker(sender)).events]
    ttl = store.red.ttl(store.key_prefix + sender)
    return {
        "one_session": one_session,
        "two_sessions": two_sessions,
        "concurrent": concurrent,
        "ttl": ttl,
    }


async def main(host: str, port: int) -> None:
    domain = Domain.empty()
    options = {"host": host, "port": port, "record_exp": 300, "key_prefix": "check"}
    ours = AppendingRedisTrackerStore(domain=domain, **options)
    rasas = RedisTrackerStore(domain=domain, **options)
    print(
        json.dumps(
            {
                "ours": await scenario(ours, "conversation-ours"),
                "rasa": await scenario(rasas, "conversation-rasa"),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
