"""Ephemeral changes every replica's sessions react to, over Redis pub/sub.

Nothing here must survive a crash: typing, presence and "the queue changed" are
re-derived from Redis state by whoever receives them.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from gateway.handoff import keys


class Subscription:
    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub

    async def next(self, timeout: float) -> dict[str, Any] | None:
        """The next event, or None after `timeout` seconds without one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (left := deadline - loop.time()) > 0:
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            if message and message.get("type") == "message":
                event: dict[str, Any] = json.loads(message["data"])
                return event
        return None


class EventBus:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def publish(self, kind: str, **fields: Any) -> None:
        """To every session on every replica (keys.EVENTS)."""
        await self._redis.publish(keys.EVENTS, json.dumps({"kind": kind, **fields}))

    async def publish_to_user(self, conversation_id: str, kind: str) -> None:
        """To the user's connections of one conversation only (no text, ever)."""
        await self._redis.publish(keys.user_events(conversation_id), json.dumps({"kind": kind}))

    @asynccontextmanager
    async def subscribe(self, channel: str = keys.EVENTS) -> AsyncIterator[Subscription]:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(channel)
        try:
            yield Subscription(pubsub)
        finally:
            await pubsub.aclose()
