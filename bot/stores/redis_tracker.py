"""Rasa's Redis tracker store without the costly re-merge on every save.

Rasa's `RedisTrackerStore.save` reads the stored conversation back, rebuilds it event by
event and merges it with the tracker being saved, because a tracker fetched for one turn
holds only the latest session and saving it as is would drop earlier sessions. Rebuilding
costs more than the rest of a turn once a chat has a few dozen events (docs/benchmarks.md).

Here `save` compares the stored events with the new ones as JSON: when the stored events
are the start of the new tracker's events (one session, turns serialised by the lock
store: every turn), the new tracker is written as it is. Anything else (earlier sessions,
or events another writer added meanwhile) goes through Rasa's own merge, so the stored
result is the same as Rasa's; only the common case is cheaper.

Also: events are rebuilt from their type name through a per-process lookup table instead
of Rasa's walk over every Event subclass for each event.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

# Rasa's own lookup, kept before the store replaces it.
_RASA_RESOLVE_BY_TYPE = Event.resolve_by_type


@functools.cache
def _event_class(type_name: str) -> type[Event] | None:
    # Event classes are fixed once Rasa has imported them, so one walk per name is enough.
    return _RASA_RESOLVE_BY_TYPE(type_name, None)


def _resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    found = _event_class(type_name)
    if found is not None:
        return found
    # Unknown names (and Rasa's backwards-compatible "topic") keep Rasa's behaviour.
    return _RASA_RESOLVE_BY_TYPE(type_name, default)


class AppendingRedisTrackerStore(RedisTrackerStore):
    """`type: stores.redis_tracker.AppendingRedisTrackerStore` in Rasa's endpoints."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Installed by the store, not at import: only a Rasa server using this store
        # changes how events are looked up.
        Event.resolve_by_type = staticmethod(_resolve_event_type)  # type: ignore[method-assign]

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        if self.event_broker is not None:
            # Streaming to a broker needs Rasa's event diff; keep Rasa's path entirely.
            await super().save(tracker, timeout)
            return
        key = self.key_prefix + tracker.sender_id
        stored = self.red.get(key)
        dialogue = tracker.as_dialogue().as_dict()
        if stored is not None and not _extends(json.loads(stored), dialogue):
            await super().save(tracker, timeout)
            return
        self.red.set(key, json.dumps(dialogue), ex=timeout or self.record_exp)


def _extends(stored: dict[str, Any], new: dict[str, Any]) -> bool:
    """True when the stored events are exactly the first events of the new dialogue."""
    stored_events = stored.get("events") or []
    new_events = new.get("events") or []
    if len(stored_events) > len(new_events):
        return False
    # JSON round trip on the new side too: the stored copy went through it.
    prefix = json.loads(json.dumps(new_events[: len(stored_events)]))
    return bool(prefix == stored_events)
