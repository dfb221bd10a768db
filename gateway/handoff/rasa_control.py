"""Rasa's tracker API for one conversation (loopback): pause, resume, language, transcript."""

import logging
from typing import Any

import httpx

logger = logging.getLogger(__name__)
PAUSE = [{"event": "pause"}]
# `resume` alone made the next message hit the fallback in Rasa 3.6.21.
RESUME = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]


class RasaControl:
    def __init__(self, http: httpx.AsyncClient, rasa_url: str, token: str) -> None:
        self._http = http
        self._base = rasa_url.rstrip("/")
        self._token = token

    async def _post_events(self, conversation_id: str, events: list[dict[str, Any]]) -> bool:
        try:
            response = await self._http.post(
                f"{self._base}/conversations/{conversation_id}/tracker/events",
                params={"token": self._token, "include_events": "NONE"},
                json=events,
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            # The gateway routes around Rasa while a human holds the chat anyway.
            logger.warning("rasa events failed: %s", type(error).__name__)
            return False
        return True

    async def pause(self, conversation_id: str) -> bool:
        return await self._post_events(conversation_id, PAUSE)

    async def resume(self, conversation_id: str) -> bool:
        return await self._post_events(conversation_id, RESUME)

    async def set_language(self, conversation_id: str, language: str) -> bool:
        slot = {"event": "slot", "name": "language", "value": language}
        return await self._post_events(conversation_id, [slot])

    async def transcript(self, conversation_id: str) -> list[dict[str, str]]:
        """User and bot texts of the bot part of the conversation (only shown with consent)."""
        try:
            response = await self._http.get(
                f"{self._base}/conversations/{conversation_id}/tracker",
                params={"token": self._token, "include_events": "ALL"},
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            logger.warning("rasa tracker failed: %s", type(error).__name__)
            return []
        lines = []
        for event in response.json().get("events", []):
            text = event.get("text")
            if event.get("event") not in ("user", "bot") or not text:
                continue
            if event["event"] == "user" and text.startswith("/"):
                continue  # a button payload, not something the user wrote
            lines.append({"from": event["event"], "text": text})
        return lines
