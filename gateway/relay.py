"""Relay of user messages to Rasa's REST channel, one turn at a time per conversation."""

from typing import Any

import httpx
from redis.asyncio import Redis


class BotUnavailable(Exception):
    """Rasa did not answer; the widget is told and the safety net still applies."""


class RasaRelay:
    def __init__(
        self, http: httpx.AsyncClient, redis: Redis, rasa_url: str, turn_lock_seconds: float
    ) -> None:
        self._http = http
        self._redis = redis
        self._webhook = f"{rasa_url.rstrip('/')}/webhooks/rest/webhook"
        self._turn_lock_seconds = turn_lock_seconds

    async def send(self, conversation_id: str, text: str, language: str) -> list[dict[str, Any]]:
        """Send one user message and return Rasa's replies, in order.

        Rasa 3.6's Redis lock store is not atomic, so concurrent messages of one
        conversation can be lost; a Redis lock (SET NX with expiry) serialises them across
        all gateway replicas.
        """
        lock = self._redis.lock(
            f"hw:turn:{conversation_id}",
            timeout=self._turn_lock_seconds,
            blocking_timeout=self._turn_lock_seconds,
        )
        async with lock:
            try:
                response = await self._http.post(
                    self._webhook,
                    json={
                        "sender": conversation_id,
                        "message": text,
                        "metadata": {"language": language},
                    },
                )
                response.raise_for_status()
            except httpx.HTTPError as error:
                raise BotUnavailable(type(error).__name__) from error
        replies: list[dict[str, Any]] = response.json()
        return replies
