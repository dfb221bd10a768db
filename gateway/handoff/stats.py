"""Aggregated handoff counts per day: never an id, a text or anything about a person."""

from datetime import UTC, datetime, timedelta
from typing import cast

from redis.asyncio import Redis

from gateway.handoff import keys

RETENTION_DAYS = 400
RECENT_WAITS_KEPT = 20


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class HandoffStats:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def count(self, *fields: str) -> None:
        key = keys.stats(today())
        async with self._redis.pipeline(transaction=False) as pipe:
            for field in fields:
                pipe.hincrby(key, field, 1)
            pipe.expire(key, RETENTION_DAYS * 86400)
            await pipe.execute()

    async def record_wait(self, seconds: float) -> None:
        key = keys.stats(today())
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(key, "wait_seconds_total", int(seconds))
            pipe.hincrby(key, "wait_count", 1)
            pipe.lpush(keys.RECENT_WAITS, int(seconds))
            pipe.ltrim(keys.RECENT_WAITS, 0, RECENT_WAITS_KEPT - 1)
            await pipe.execute()

    async def mean_recent_wait(self) -> float | None:
        values = await self._redis.lrange(keys.RECENT_WAITS, 0, -1)
        return sum(float(v) for v in values) / len(values) if values else None

    async def days(self, count: int) -> dict[str, dict[str, int]]:
        start = datetime.now(UTC).date()
        result = {}
        for offset in range(count):
            day = (start - timedelta(days=offset)).isoformat()
            values = cast(dict[str, str], await self._redis.hgetall(keys.stats(day)))
            result[day] = {field: int(value) for field, value in sorted(values.items())}
        return result
