"""The widget's websocket: one conversation per connection (docs/protocol.md)."""

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from gateway import messages
from gateway.conversations import new_conversation_id, text_direction
from gateway.deps import Services
from gateway.embedding import E5_SMALL, encode_vector
from gateway.frames import CLIENT_FRAME, EndFrame, MessageFrame, StartFrame, TypingFrame
from gateway.handoff.user_side import UserHandoff
from gateway.language import SUPPORTED
from gateway.relay import BotUnavailable
from gateway.safety_net import Assessment, Signal, leads_with
from gateway.security import origin_allowed
from gateway.services import GatewayServices
from gateway.tasks import cancel_and_wait

router = APIRouter(tags=["chat"])
logger = logging.getLogger(__name__)
SUPPORTED_LANGUAGES = frozenset(SUPPORTED) | {"ti"}


class ChatSession:
    """A receive task, a turn worker and a send task, so a slow bot turn never blocks
    reading the next frame (an `end` must act at once)."""

    def __init__(self, websocket: WebSocket, services: GatewayServices) -> None:
        self.websocket = websocket
        self.services = services
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.turns: asyncio.Queue[MessageFrame] = asyncio.Queue()
        # Texts a counsellor already has, still to be checked by the safety net.
        self.handoff_checks: asyncio.Queue[str] = asyncio.Queue()
        self.conversation_id = ""
        self.language = services.settings.default_language
        self.send_lock = asyncio.Lock()
        self.handoff = UserHandoff(self, services.handoff)

    async def run(self) -> None:
        start = await self.receive_start()
        if start is None:
            return
        await self.open(start)
        await self.handoff.resume(start.after)
        tasks = [
            asyncio.create_task(self.send_loop()),
            asyncio.create_task(self.turn_loop()),
            asyncio.create_task(self.receive_loop()),
            asyncio.create_task(self.handoff.run()),
            asyncio.create_task(self.handoff_safety_loop()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # The handoff task reads Redis: a plain cancel can be swallowed (gateway/tasks.py).
            await cancel_and_wait(tasks)
            await self.handoff.disconnected()

    async def receive_start(self) -> StartFrame | None:
        try:
            frame = CLIENT_FRAME.validate_json(await self.websocket.receive_text())
        except (ValidationError, WebSocketDisconnect):
            frame = None
        if not isinstance(frame, StartFrame):
            await self.send_error_now("invalid_frame")
            await self.websocket.close(code=1008)
            return None
        return frame

    async def open(self, start: StartFrame) -> None:
        conversations = self.services.conversations
        if start.conversation_id and await conversations.exists(start.conversation_id):
            self.conversation_id = start.conversation_id
            self.language = await conversations.language(self.conversation_id) or self.language
        else:
            self.conversation_id = new_conversation_id()
        # The widget's language picker reconnects with the chosen language.
        if start.language in SUPPORTED_LANGUAGES:
            self.language = start.language
        await conversations.save_language(self.conversation_id, self.language)
        await self.websocket.send_json(
            {
                "type": "ready",
                "conversation_id": self.conversation_id,
                "language": self.language,
                "dir": text_direction(self.language),
            }
        )

    async def receive_loop(self) -> None:
        while True:
            try:
                raw = await self.websocket.receive_text()
            except WebSocketDisconnect:
                return
            try:
                frame = CLIENT_FRAME.validate_json(raw)
            except ValidationError:
                self.queue_error("invalid_frame")
                continue
            if isinstance(frame, MessageFrame):
                await self.turns.put(frame)
            elif isinstance(frame, TypingFrame):
                await self.handoff.user_typing()
            elif isinstance(frame, EndFrame):
                await self.handoff.forget()
                await self.services.conversations.delete(self.conversation_id)
                await self.websocket.close(code=1000)
                return

    async def turn_loop(self) -> None:
        while True:
            frame = await self.turns.get()
            try:
                await self.handle_message(frame)
            except Exception as error:  # one failed turn must not silence the chat
                logger.error("turn failed: %s", type(error).__name__)
                self.queue_error("bot_unavailable")

    async def handle_message(self, frame: MessageFrame) -> None:
        text = frame.text.strip()
        limit = self.services.settings.max_message_chars
        if not text:
            self.queue_error("empty_message")
            return
        if len(text) > limit:
            self.queue_error("message_too_long", limit=limit)
            return
        if await self.handoff.take_user_text(frame.id, text):
            # A human holds the chat and the bot is paused. The counsellor gets the message
            # at once; the safety net's 112/113 line for the user follows from its own
            # queue, so embeddings waiting for a busy CPU never hold up the relay (with 50
            # handoffs they did, by seconds) and a person replies later than the check.
            self.handoff_checks.put_nowait(text)
            return
        assessment = await asyncio.to_thread(self.services.safety_net.assess, text)
        self.outbox.put_nowait({"type": "ack", "id": frame.id})
        await self.update_language(text)
        bot_turn = asyncio.create_task(
            self.services.relay.send(
                self.conversation_id, text, self.language, self.shared_embedding(assessment)
            )
        )
        if assessment.signal:
            logger.info("safety signal %s by %s", assessment.signal, assessment.reason)
            await self.put_safety_line_first(assessment.signal, bot_turn)
        try:
            replies = await bot_turn
        except BotUnavailable as error:
            logger.warning("rasa unavailable: %s", type(error).__name__)
            self.queue_error("bot_unavailable")
            return
        replies = await self.handoff.take_bot_replies(replies)
        await self.apply_bot_instructions(replies)
        for reply in replies:
            if reply.get("text"):
                self.outbox.put_nowait(self.bot_frame(reply))

    async def handoff_safety_loop(self) -> None:
        """The safety net on messages sent to a counsellor, in order, off the relay path."""
        while True:
            text = await self.handoff_checks.get()
            try:
                assessment = await asyncio.to_thread(self.services.safety_net.assess, text)
            except Exception as error:  # the chat goes on; the counsellor has the message
                logger.error("safety check failed: %s", type(error).__name__)
                continue
            if assessment.signal:
                self.outbox.put_nowait(self.safety_frame(assessment.signal))

    def shared_embedding(self, assessment: Assessment) -> dict[str, str] | None:
        """The safety net's e5 vector for the bot, if it is the model the bot uses."""
        model_id = self.services.safety_net.model_id
        if assessment.vector is None or model_id != E5_SMALL:
            return None
        return {"model": model_id, "vector": encode_vector(assessment.vector)}

    async def put_safety_line_first(
        self, signal: Signal, bot_turn: "asyncio.Task[list[dict[str, Any]]]"
    ) -> None:
        """Unless Rasa answers in time with the right number on its first line, the
        gateway's own line (112 or 113, in the user's language) goes out first."""
        wait = self.services.settings.safety_wait_seconds
        done, _ = await asyncio.wait({bot_turn}, timeout=wait)
        if done and not bot_turn.exception() and leads_with(bot_turn.result(), signal):
            return
        self.outbox.put_nowait(self.safety_frame(signal))

    def safety_frame(self, signal: Signal) -> dict[str, Any]:
        key = "danger_first_line" if signal is Signal.DANGER else "suicide_first_line"
        return {
            "type": "bot",
            "text": messages.text(key, self.language),
            "language": self.language,
            "dir": text_direction(self.language),
            "safety": signal.value,
        }

    async def apply_bot_instructions(self, replies: list[dict[str, Any]]) -> None:
        """Rasa's custom payloads: an explicit language switch asked by the user."""
        for reply in replies:
            language = (reply.get("custom") or {}).get("set_language")
            if language in SUPPORTED_LANGUAGES and language != self.language:
                self.language = language
                await self.services.conversations.save_language(self.conversation_id, language)
                # Rasa set its slot itself (action_change_language).
                await self.services.conversations.save_rasa_language(self.conversation_id, language)
                self.outbox.put_nowait(
                    {
                        "type": "status",
                        "code": "language_changed",
                        "language": language,
                        "dir": text_direction(language),
                    }
                )

    async def update_language(self, text: str) -> None:
        chosen = self.services.languages.choose(text, self.language)
        conversations = self.services.conversations
        if chosen != self.language:
            self.language = chosen
            await conversations.save_language(self.conversation_id, chosen)
        else:
            await conversations.touch(self.conversation_id)

    def bot_frame(self, reply: dict[str, Any]) -> dict[str, Any]:
        frame: dict[str, Any] = {
            "type": "bot",
            "text": reply.get("text", ""),
            "language": self.language,
            "dir": text_direction(self.language),
        }
        if reply.get("buttons"):
            frame["buttons"] = [
                {"title": b.get("title", ""), "payload": b.get("payload", "")}
                for b in reply["buttons"]
            ]
        return frame

    def queue_error(self, code: str, **values: object) -> None:
        self.outbox.put_nowait(self.error_frame(code, **values))

    def error_frame(self, code: str, **values: object) -> dict[str, Any]:
        return {
            "type": "error",
            "code": code,
            "message": messages.text(code, self.language, **values),
        }

    async def send_error_now(self, code: str) -> None:
        try:
            await self.websocket.send_json(self.error_frame(code))
        except (WebSocketDisconnect, RuntimeError):
            pass

    async def send_loop(self) -> None:
        while True:
            frame = await self.outbox.get()
            if not await self.send_now(frame):
                return

    async def send_now(self, frame: dict[str, Any]) -> bool:
        """Write one frame now (also used by the handoff); False once the socket is gone."""
        async with self.send_lock:
            try:
                await self.websocket.send_json(frame)
            except (WebSocketDisconnect, RuntimeError):
                return False
        return True


@router.websocket("/ws/chat")
async def chat(websocket: WebSocket, services: Services) -> None:
    """One conversation with the widget."""
    allowed = services.settings.allowed_origins
    if not origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"), allowed):
        await websocket.close(code=1008)
        return
    await websocket.accept()
    await ChatSession(websocket, services).run()
