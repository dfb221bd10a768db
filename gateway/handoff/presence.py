"""Which staff members are online, across replicas: a sorted set of expiring entries."""

import secrets
import time
from typing import cast

from redis.asyncio import Redis

from gateway.handoff import keys

PRESENCE_SECONDS = 30
SEPARATOR = "|"


class StaffPresence:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    @staticmethod
    def new_member(username: str) -> str:
        """One entry per open console, so closing one tab keeps the others online."""
        return f"{username}{SEPARATOR}{secrets.token_hex(6)}"

    async def beat(self, member: str) -> None:
        expires = int((time.time() + PRESENCE_SECONDS) * 1000)
        await self._redis.zadd(keys.PRESENCE, {member: expires})

    async def leave(self, member: str) -> None:
        await self._redis.zrem(keys.PRESENCE, member)

    async def online(self) -> set[str]:
        now = int(time.time() * 1000)
        await self._redis.zremrangebyscore(keys.PRESENCE, 0, now)
        members = cast(list[str], await self._redis.zrange(keys.PRESENCE, 0, -1))
        return {member.split(SEPARATOR, 1)[0] for member in members}
