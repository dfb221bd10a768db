"""The handoff as the gateway's sessions use it: one object made in the lifespan."""

import logging
import math
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from redis.asyncio import Redis

from gateway.handoff import texts
from gateway.handoff.events import EventBus
from gateway.handoff.hours import is_open, parse_opening_hours
from gateway.handoff.log import HandoffLog
from gateway.handoff.presence import StaffPresence
from gateway.handoff.rasa_control import RasaControl
from gateway.handoff.stats import HandoffStats
from gateway.handoff.store import Handoff, HandoffState, HandoffStore
from gateway.redis_client import connect_redis
from gateway.settings import GatewaySettings

logger = logging.getLogger(__name__)
DEFAULT_MINUTES_PER_PLACE = 5
# Every connection in a handoff holds a blocking stream read and, while waiting, a pub/sub
# subscription; redis-py 8 caps a pool low by default and fails fast beyond it.
REDIS_MAX_CONNECTIONS = 5000


class HandoffService:
    def __init__(self, settings: GatewaySettings, redis: Redis, http: httpx.AsyncClient) -> None:
        ttl = settings.conversation_ttl_seconds
        self.settings = settings
        self.redis = redis
        self.store = HandoffStore(redis, ttl, settings.handoff_closed_retention_seconds)
        self.log = HandoffLog(redis, ttl)
        self.events = EventBus(redis)
        self.presence = StaffPresence(redis)
        self.stats = HandoffStats(redis)
        self.rasa = RasaControl(http, settings.rasa_url, settings.rasa_token)
        self._hours = parse_opening_hours(settings.handoff_opening_hours)
        self._zone = ZoneInfo(settings.handoff_timezone)

    @classmethod
    def from_settings(cls, settings: GatewaySettings, http: httpx.AsyncClient) -> "HandoffService":
        # Its own client: the handoff works with text, the rest of the gateway with bytes.
        redis = connect_redis(
            settings.redis_url, decode_responses=True, max_connections=REDIS_MAX_CONNECTIONS
        )
        return cls(settings, redis, http)

    async def aclose(self) -> None:
        await self.redis.aclose()

    def is_open_now(self, moment: datetime | None = None) -> bool:
        return is_open(self._hours, moment or datetime.now(self._zone))

    async def available(self) -> bool:
        """A request is queued only when the chat is open and someone is online."""
        return self.is_open_now() and bool(await self.presence.online())

    def hours_text(self, language: str) -> str:
        return texts.localized_hours(self.settings.handoff_opening_hours, language)

    async def request(
        self, conversation_id: str, language: str, topic: str, risk: bool, consent: bool
    ) -> Handoff | None:
        handoff = await self.store.open(conversation_id, language, topic, risk, consent)
        if handoff is not None:
            await self.stats.count("requested", f"language:{language}", f"topic:{topic}")
            await self.events.publish("queue")
        return handoff

    async def unavailable(self, language: str) -> None:
        await self.stats.count("unavailable", f"language:{language}")

    async def claim(self, conversation_id: str, staff: str) -> Handoff | None:
        if not await self.store.claim(conversation_id, staff):
            return None
        handoff = await self.store.get(conversation_id)
        await self.rasa.pause(conversation_id)
        await self.log.append(conversation_id, "status", code="handoff_joined")
        if handoff is not None:
            await self.stats.count("claimed")
            await self.stats.record_wait(time.time() - handoff.requested_at)
        await self.events.publish("queue")
        return handoff

    async def cancel(self, conversation_id: str) -> bool:
        cancelled = await self.store.cancel(conversation_id)
        if cancelled:
            await self.stats.count("cancelled")
            await self.events.publish("queue")
        return cancelled

    async def transfer(self, conversation_id: str, from_staff: str, to_staff: str) -> bool:
        if to_staff == from_staff or to_staff not in await self.presence.online():
            return False
        if not await self.store.transfer(conversation_id, from_staff, to_staff):
            return False
        await self.log.append(conversation_id, "status", code="handoff_transferred")
        await self.stats.count("transferred")
        await self.events.publish(
            "transferred", conversation_id=conversation_id, source=from_staff, target=to_staff
        )
        return True

    async def close(self, conversation_id: str, staff: str, outcome: str) -> bool:
        """Hand the conversation back to the bot; the record then expires shortly."""
        closed = await self.store.close(conversation_id, staff)
        await self.store.release(conversation_id, staff)
        await self.stats.count("closed", f"outcome:{outcome}")
        if closed:
            await self.rasa.resume(conversation_id)
            await self.log.append(conversation_id, "status", code="handoff_closed")
            await self.store.shorten(conversation_id)
        return closed

    async def requeue(self, conversation_id: str, staff: str) -> bool:
        """`staff` may no longer work (account deactivated or expired): the conversation goes
        back to the queue at its original place and the user is told (stream entry).

        Safe to repeat and to run on several replicas at once. The bot is resumed before the
        Redis step, not after: a repeat after a crash in between finds the conversation no
        longer held, so resuming afterwards could be skipped for good; resuming early is
        harmless, because while a counsellor holds the chat nothing reaches Rasa."""
        handoff = await self.store.get(conversation_id)
        if handoff is None or handoff.state != HandoffState.ACTIVE or handoff.staff != staff:
            await self.store.release(conversation_id, staff)  # a stale hold (closed, moved)
            return False
        await self.rasa.resume(conversation_id)
        if not await self.store.requeue(conversation_id, staff):
            return False
        await self.stats.count("requeued")
        await self.events.publish("requeued", conversation_id=conversation_id, source=staff)
        await self.events.publish("queue")
        return True

    async def requeue_held(self, staff: str) -> int:
        """Every conversation `staff` holds back to the queue; how many went back."""
        requeued = 0
        for conversation_id in sorted(await self.store.held_by(staff)):
            if await self.requeue(conversation_id, staff):
                requeued += 1
        return requeued

    async def forget(self, conversation_id: str) -> None:
        """The user deleted the conversation (quick exit, "delete my chat")."""
        handoff = await self.store.get(conversation_id)
        await self.store.delete(conversation_id)
        if handoff is None:
            return
        if handoff.state == HandoffState.WAITING:
            await self.events.publish("queue")
        elif handoff.state == HandoffState.ACTIVE:
            await self.events.publish(
                "user_presence", conversation_id=conversation_id, present=False, ended=True
            )

    async def touch(self, conversation_id: str) -> None:
        await self.store.touch(conversation_id)

    async def wait_minutes(self, position: int) -> int:
        mean = await self.stats.mean_recent_wait()
        per_place = mean / 60 if mean else DEFAULT_MINUTES_PER_PLACE
        online = max(1, len(await self.presence.online()))
        return max(1, math.ceil(per_place * position / online))

    async def queue_snapshot(self) -> list[dict[str, Any]]:
        now = time.time()
        return [
            {
                "conversation_id": handoff.conversation_id,
                "language": handoff.language,
                "language_name": texts.language_name(handoff.language),
                "topic": handoff.topic,
                "risk": handoff.risk,
                "consent": handoff.consent,
                "waited_seconds": int(now - handoff.requested_at),
            }
            for handoff in await self.store.waiting()
        ]
