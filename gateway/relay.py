"""Relay of user messages to Rasa's REST channel, one turn at a time per conversation."""

from typing import Any

import httpx
from redis.asyncio import Redis

from gateway.conversations import ConversationStore
from gateway.handoff.rasa_control import RasaControl
from gateway.settings import GatewaySettings


class BotUnavailable(Exception):
    """Rasa did not answer; the widget is told and the safety net still applies."""


class RasaRelay:
    def __init__(
        self,
        http: httpx.AsyncClient,
        redis: Redis,
        conversations: ConversationStore,
        settings: GatewaySettings,
    ) -> None:
        self._http = http
        self._redis = redis
        self._conversations = conversations
        self._webhook = f"{settings.rasa_url.rstrip('/')}/webhooks/rest/webhook"
        self._rasa = RasaControl(http, settings.rasa_url, settings.rasa_token)
        self._turn_lock_seconds = settings.turn_lock_seconds

    async def send(
        self,
        conversation_id: str,
        text: str,
        language: str,
        e5_query: dict[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Send one user message and return Rasa's replies, in order.

        `e5_query` is the message's e5 vector the safety net already computed; the bot's
        featurizer uses it instead of embedding the text again (docs/protocol.md).

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
                await self._sync_language(conversation_id, language)
                response = await self._http.post(
                    self._webhook,
                    json={
                        "sender": conversation_id,
                        "message": text,
                        "metadata": {"language": language}
                        | ({"e5_query": e5_query} if e5_query else {}),
                    },
                )
                response.raise_for_status()
            except httpx.HTTPError as error:
                raise BotUnavailable(type(error).__name__) from error
        replies: list[dict[str, Any]] = response.json()
        return replies

    async def _sync_language(self, conversation_id: str, language: str) -> None:
        """Write the language into Rasa's `language` slot, only when it changed.

        Setting it from message metadata took a call to the action server on every turn
        (`action_validate_slot_mappings`), a third of a turn's time (docs/benchmarks.md).
        """
        if await self._conversations.rasa_language(conversation_id) == language:
            return
        if not await self._rasa.set_language(conversation_id, language):
            raise BotUnavailable("tracker events")
        await self._conversations.save_rasa_language(conversation_id, language)
