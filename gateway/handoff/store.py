"""The handoff record and the waiting queue in Redis; state changes are atomic (Lua).

A conversation's handoff moves waiting -> active -> closed, and active -> waiting again
when its counsellor's account is deactivated or expires (requeue). Every key carries the
conversation's expiry, so an abandoned handoff disappears with the conversation.
"""

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from redis.asyncio import Redis

from gateway.handoff import keys
from gateway.handoff.log import MAX_ENTRIES

# Risk first, then the oldest request: the risk offset dwarfs any millisecond timestamp.
RISK_OFFSET_MS = 10**14
# The stream's status entry for a requeue (the widget gets handoff_closed, requeued: true).
REQUEUED_CODE = "handoff_requeued"

CLAIM = """
if redis.call('HGET', KEYS[1], 'state') ~= 'waiting' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'active', 'staff', ARGV[2], 'claimed_at', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return 1
"""
CANCEL = """
if redis.call('HGET', KEYS[1], 'state') ~= 'waiting' then return 0 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
"""
TRANSFER = """
if redis.call('HGET', KEYS[1], 'state') ~= 'active' then return 0 end
if redis.call('HGET', KEYS[1], 'staff') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'staff', ARGV[3])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return 1
"""
# Back to the queue at the place it had (the score kept when it was queued), the
# counsellor's hold dropped and the user told (a status entry), in one step: a process that
# dies around it leaves either nothing or everything done. An entry that is no longer this
# counsellor's (closed, transferred, gone) is only dropped from their held set.
REQUEUE = """
local record = redis.call('HMGET', KEYS[1], 'state', 'staff', 'queue_score', 'requested_at', 'risk')
if record[1] ~= 'active' or record[2] ~= ARGV[2] then
  redis.call('SREM', KEYS[3], ARGV[1])
  return 0
end
local score = record[3]
if not score then
  -- Queued before queue_score was kept: from requested_at (to within a millisecond).
  local ms = math.floor(tonumber(record[4] or '0') * 1000 + 0.5)
  if record[5] == '1' then ms = ms - tonumber(ARGV[3]) end
  score = string.format('%d', ms)
end
redis.call('HSET', KEYS[1], 'state', 'waiting')
redis.call('HDEL', KEYS[1], 'staff', 'claimed_at')
redis.call('ZADD', KEYS[2], score, ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('XADD', KEYS[4], 'NOMKSTREAM', 'MAXLEN', '~', ARGV[4], '*',
  'kind', 'status', 'at', ARGV[5], 'code', ARGV[6])
return 1
"""
CLOSE = """
if redis.call('HGET', KEYS[1], 'state') ~= 'active' then return 0 end
if redis.call('HGET', KEYS[1], 'staff') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'closed')
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
"""


class HandoffState(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    CLOSED = "closed"


@dataclass(frozen=True)
class Handoff:
    conversation_id: str
    state: HandoffState
    language: str
    topic: str
    risk: bool
    consent: bool
    requested_at: float
    staff: str | None = None
    claimed_at: float | None = None

    @classmethod
    def from_hash(cls, conversation_id: str, values: dict[str, str]) -> "Handoff":
        claimed_at = values.get("claimed_at")
        return cls(
            conversation_id=conversation_id,
            state=HandoffState(values["state"]),
            language=values.get("language", "nl"),
            topic=values.get("topic", "general"),
            risk=values.get("risk") == "1",
            consent=values.get("consent") == "1",
            requested_at=float(values.get("requested_at", "0")),
            staff=values.get("staff") or None,
            claimed_at=float(claimed_at) if claimed_at else None,
        )


class HandoffStore:
    def __init__(self, redis: Redis, ttl_seconds: int, closed_retention_seconds: int) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._closed_retention = closed_retention_seconds
        self._claim = redis.register_script(CLAIM)
        self._cancel = redis.register_script(CANCEL)
        self._transfer = redis.register_script(TRANSFER)
        self._close = redis.register_script(CLOSE)
        self._requeue = redis.register_script(REQUEUE)

    async def get(self, conversation_id: str) -> Handoff | None:
        values = cast(dict[str, str], await self._redis.hgetall(keys.handoff(conversation_id)))
        if not values or "state" not in values:
            return None
        return Handoff.from_hash(conversation_id, values)

    async def open(
        self, conversation_id: str, language: str, topic: str, risk: bool, consent: bool
    ) -> Handoff | None:
        """Queue the conversation; None when it already has a live handoff."""
        now = time.time()
        score = int(now * 1000) - (RISK_OFFSET_MS if risk else 0)
        key = keys.handoff(conversation_id)
        created = await self._redis.hsetnx(key, "state", HandoffState.WAITING)
        if not created:
            current = await self.get(conversation_id)
            if current is not None and current.state != HandoffState.CLOSED:
                return None
            await self.delete(conversation_id)
            if not await self._redis.hsetnx(key, "state", HandoffState.WAITING):
                return None
        values: dict[Any, Any] = {
            "language": language,
            "topic": topic,
            "risk": "1" if risk else "0",
            "consent": "1" if consent else "0",
            "requested_at": f"{now:.3f}",
            # The place in the queue, kept so a requeue puts it back exactly there.
            "queue_score": str(score),
        }
        log = keys.log(conversation_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=values)
            pipe.expire(key, self._ttl)
            pipe.delete(log, keys.client_ids(conversation_id))
            # "$" on a new stream: the user's delivery starts with this handoff.
            pipe.xgroup_create(log, keys.WIDGET_GROUP, id="$", mkstream=True)
            pipe.expire(log, self._ttl)
            pipe.zadd(keys.QUEUE, {conversation_id: score})
            await pipe.execute()
        return Handoff(conversation_id, HandoffState.WAITING, language, topic, risk, consent, now)

    async def touch(self, conversation_id: str) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.expire(keys.handoff(conversation_id), self._ttl)
            pipe.expire(keys.log(conversation_id), self._ttl)
            await pipe.execute()

    async def waiting(self) -> list[Handoff]:
        """The queue in staff order; entries whose conversation expired are dropped."""
        ids = cast(list[str], await self._redis.zrange(keys.QUEUE, 0, -1))
        if not ids:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for conversation_id in ids:
                pipe.hgetall(keys.handoff(conversation_id))
            rows = await pipe.execute()
        queue, stale = [], []
        for conversation_id, values in zip(ids, rows, strict=True):
            if values.get("state") == HandoffState.WAITING:
                queue.append(Handoff.from_hash(conversation_id, values))
            else:
                stale.append(conversation_id)
        if stale:
            await self._redis.zrem(keys.QUEUE, *stale)
        return queue

    async def position(self, conversation_id: str) -> int | None:
        rank = await self._redis.zrank(keys.QUEUE, conversation_id)
        return None if rank is None else int(cast(int, rank)) + 1

    async def claim(self, conversation_id: str, staff: str) -> bool:
        """Exactly one of several concurrent claims succeeds, on any replica."""
        done = await self._claim(
            keys=[keys.handoff(conversation_id), keys.QUEUE, keys.held(staff)],
            args=[conversation_id, staff, f"{time.time():.3f}", self._ttl],
        )
        return bool(done)

    async def cancel(self, conversation_id: str) -> bool:
        done = await self._cancel(
            keys=[keys.handoff(conversation_id), keys.QUEUE, keys.log(conversation_id)],
            args=[conversation_id],
        )
        return bool(done)

    async def transfer(self, conversation_id: str, from_staff: str, to_staff: str) -> bool:
        done = await self._transfer(
            keys=[keys.handoff(conversation_id), keys.held(from_staff), keys.held(to_staff)],
            args=[conversation_id, from_staff, to_staff, self._ttl],
        )
        return bool(done)

    async def close(self, conversation_id: str, staff: str) -> bool:
        """Active -> closed; the record and stream then live only a short retention."""
        done = await self._close(
            keys=[keys.handoff(conversation_id), keys.held(staff)],
            args=[conversation_id, staff, self._closed_retention],
        )
        return bool(done)

    async def requeue(self, conversation_id: str, staff: str) -> bool:
        """Active with `staff` -> waiting at its original place, status entry appended.

        False (and only `staff`'s hold dropped) when `staff` no longer holds it, so a
        repeat after a crash or a second replica doing the same does nothing twice."""
        done = await self._requeue(
            keys=[
                keys.handoff(conversation_id),
                keys.QUEUE,
                keys.held(staff),
                keys.log(conversation_id),
            ],
            args=[
                conversation_id,
                staff,
                RISK_OFFSET_MS,
                MAX_ENTRIES,
                f"{time.time():.3f}",
                REQUEUED_CODE,
            ],
        )
        return bool(done)

    async def holders(self) -> set[str]:
        """Usernames with a set of held conversations (SCAN: never blocks Redis)."""
        found = set()
        async for key in self._redis.scan_iter(match=keys.HELD_PATTERN, count=1000, _type="SET"):
            found.add(keys.holder(str(key)))
        return found

    async def shorten(self, conversation_id: str) -> None:
        """A closed handoff's stream lingers only for the widget to read the last frames."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.expire(keys.log(conversation_id), self._closed_retention)
            pipe.expire(keys.client_ids(conversation_id), self._closed_retention)
            await pipe.execute()

    async def held_by(self, staff: str) -> set[str]:
        return cast(set[str], await self._redis.smembers(keys.held(staff)))

    async def release(self, conversation_id: str, staff: str) -> None:
        await self._redis.srem(keys.held(staff), conversation_id)

    async def delete(self, conversation_id: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(
                keys.handoff(conversation_id),
                keys.log(conversation_id),
                keys.client_ids(conversation_id),
            )
            pipe.zrem(keys.QUEUE, conversation_id)
            await pipe.execute()
