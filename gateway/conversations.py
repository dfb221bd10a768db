"""Conversation state kept by the gateway in Redis, always with an expiry."""

import secrets

from redis.asyncio import Redis

RTL_LANGUAGES = frozenset({"ar", "fa"})
# Rasa's RedisTrackerStore key is "<key_prefix>:tracker:<sender_id>" (bot endpoints).
RASA_KEY_PREFIX = "hw"


def new_conversation_id() -> str:
    return secrets.token_urlsafe(18)


def text_direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def state_key(conversation_id: str) -> str:
    return f"hw:conversation:{conversation_id}"


def rasa_tracker_key(conversation_id: str) -> str:
    return f"{RASA_KEY_PREFIX}:tracker:{conversation_id}"


class ConversationStore:
    """The gateway's per-conversation state (language); a sliding expiry on every touch."""

    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self._redis = redis
        self._ttl = ttl_seconds

    async def exists(self, conversation_id: str) -> bool:
        return bool(await self._redis.exists(state_key(conversation_id)))

    async def language(self, conversation_id: str) -> str | None:
        return await self._get(conversation_id, "language")

    async def save_language(self, conversation_id: str, language: str) -> None:
        await self._set(conversation_id, "language", language)

    async def rasa_language(self, conversation_id: str) -> str | None:
        """The language last written into Rasa's `language` slot for this conversation."""
        return await self._get(conversation_id, "rasa_language")

    async def save_rasa_language(self, conversation_id: str, language: str) -> None:
        await self._set(conversation_id, "rasa_language", language)

    async def _get(self, conversation_id: str, field: str) -> str | None:
        value = await self._redis.hget(state_key(conversation_id), field)
        return value.decode() if isinstance(value, bytes) else value

    async def _set(self, conversation_id: str, field: str, value: str) -> None:
        key = state_key(conversation_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, field, value)
            pipe.expire(key, self._ttl)
            await pipe.execute()

    async def touch(self, conversation_id: str) -> None:
        await self._redis.expire(state_key(conversation_id), self._ttl)

    async def delete(self, conversation_id: str) -> None:
        """Forget everything about a conversation: gateway state and Rasa's tracker."""
        await self._redis.delete(state_key(conversation_id), rasa_tracker_key(conversation_id))
