"""The user's side of a handoff, attached to one widget connection (gateway/chat.py).

Delivery to the widget goes through the stream's consumer group: an entry is acknowledged
only after it was written to the websocket, so a replica that dies mid-send leaves it
pending and the next connection (on any replica) sends it again. Frames carry the entry's
id so the widget can drop the rare repeat (docs/protocol.md).
"""

import asyncio
import logging
import re
from typing import Any, Protocol

from redis.exceptions import RedisError

from gateway.conversations import text_direction
from gateway.handoff import keys, texts
from gateway.handoff.log import LogEntry
from gateway.handoff.service import HandoffService
from gateway.handoff.store import REQUEUED_CODE, HandoffState
from gateway.tasks import cancel_and_wait

logger = logging.getLogger(__name__)
CANCEL_PAYLOAD = "/handoff_cancel"
STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
# Below redis-py's default 5 s socket timeout, so a quiet stream is not an error.
READ_BLOCK_MS = 2000
WAIT_REFRESH_SECONDS = 30.0


class ChatSide(Protocol):
    conversation_id: str
    language: str
    outbox: asyncio.Queue[dict[str, Any]]

    async def send_now(self, frame: dict[str, Any]) -> bool: ...


class UserHandoff:
    def __init__(self, chat: ChatSide, service: HandoffService) -> None:
        self.chat = chat
        self.service = service
        self.engaged = asyncio.Event()
        # Serialises status frames with log delivery, so a stale "waiting" computed just
        # before a claim can never follow "joined".
        self.sending = asyncio.Lock()
        # The queue position reporter; started again when the conversation is requeued.
        self.waiting_report: asyncio.Task[None] | None = None

    @property
    def conversation_id(self) -> str:
        return self.chat.conversation_id

    # ---- hooks called by ChatSession ---------------------------------------------------

    async def resume(self, after: str | None = None) -> None:
        """After `ready`: continue a handoff this conversation already has; `after` is the
        last entry id the widget showed (from its `start` frame)."""
        handoff = await self.service.store.get(self.conversation_id)
        if handoff is None:
            return
        if after and STREAM_ID.match(after):
            await self.service.log.rewind_for_user(self.conversation_id, after)
        self.engaged.set()
        if handoff.state == HandoffState.ACTIVE:
            await self.service.events.publish(
                "user_presence", conversation_id=self.conversation_id, present=True
            )

    async def take_bot_replies(self, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Acts on a handoff request in Rasa's replies (custom payload `hw_handoff`, sent
        by action_request_handoff) and returns the other replies."""
        rest = []
        for reply in replies:
            custom = reply.get("custom")
            request = custom.get("hw_handoff") if isinstance(custom, dict) else None
            if not isinstance(request, dict):
                rest.append(reply)
                continue
            await self.request(
                topic=str(request.get("topic") or "general")[:40],
                risk=bool(request.get("risk")),
                consent=request.get("consent") is True,
            )
        return rest

    async def take_user_text(self, message_id: str | None, text: str) -> bool:
        """True when the message belongs to the handoff (not to the bot)."""
        if text == CANCEL_PAYLOAD:
            await self.cancel(message_id)
            return True
        handoff = await self.service.store.get(self.conversation_id)
        if handoff is None or handoff.state != HandoffState.ACTIVE:
            return False
        await self.service.log.append_message(self.conversation_id, "user", text, message_id)
        # Acknowledged only once the message is in Redis: an ack means it will arrive.
        self.chat.outbox.put_nowait({"type": "ack", "id": message_id})
        return True

    async def user_typing(self) -> None:
        handoff = await self.service.store.get(self.conversation_id)
        if handoff is not None and handoff.state == HandoffState.ACTIVE:
            await self.service.events.publish("typing", conversation_id=self.conversation_id)

    async def disconnected(self) -> None:
        try:
            handoff = await self.service.store.get(self.conversation_id)
            if handoff is not None and handoff.state == HandoffState.ACTIVE:
                await self.service.events.publish(
                    "user_presence", conversation_id=self.conversation_id, present=False
                )
        except RedisError as error:
            logger.warning("presence update failed: %s", type(error).__name__)

    async def forget(self) -> None:
        await self.service.forget(self.conversation_id)

    # ---- the handoff itself ---------------------------------------------------------------

    async def request(self, topic: str, risk: bool, consent: bool) -> None:
        language = self.chat.language
        if not await self.service.available():
            await self.service.unavailable(language)
            hours = self.service.hours_text(language)
            self.queue_bot_text(texts.user_text("unavailable", language, hours=hours))
            self.chat.outbox.put_nowait({"type": "status", "code": "handoff_unavailable"})
            return
        handoff = await self.service.request(self.conversation_id, language, topic, risk, consent)
        if handoff is None:
            self.queue_bot_text(texts.user_text("already_waiting", language))
            return
        self.queue_bot_text(
            texts.user_text("queued" if consent else "queued_no_consent", language),
            buttons=[
                {"title": texts.user_text("cancel_button", language), "payload": CANCEL_PAYLOAD}
            ],
        )
        self.engaged.set()

    async def cancel(self, message_id: str | None) -> None:
        self.chat.outbox.put_nowait({"type": "ack", "id": message_id})
        if await self.service.cancel(self.conversation_id):
            self.queue_bot_text(texts.user_text("cancelled", self.chat.language))
            self.chat.outbox.put_nowait({"type": "status", "code": "handoff_cancelled"})

    def queue_bot_text(self, text: str, buttons: list[dict[str, str]] | None = None) -> None:
        frame: dict[str, Any] = {
            "type": "bot",
            "text": text,
            "language": self.chat.language,
            "dir": text_direction(self.chat.language),
        }
        if buttons:
            frame["buttons"] = buttons
        self.chat.outbox.put_nowait(frame)

    async def run(self) -> None:
        """The task ChatSession runs: follows each handoff of this conversation."""
        while True:
            await self.engaged.wait()
            typing = asyncio.create_task(self.relay_staff_typing())
            self.start_waiting_report()
            try:
                await self.deliver()
            except RedisError as error:
                # Never end the user's chat over this; the entry stays pending in Redis.
                logger.warning("handoff delivery failed: %s", type(error).__name__)
                await asyncio.sleep(1.0)
                continue
            finally:
                await cancel_and_wait([typing, self.waiting_report])
                self.waiting_report = None
            self.engaged.clear()

    def start_waiting_report(self, last: dict[str, Any] | None = None) -> None:
        """Report the queue position, unless a reporter already runs; `last`: already sent."""
        if self.waiting_report is None or self.waiting_report.done():
            self.waiting_report = asyncio.create_task(self.report_waiting(last))

    async def deliver(self) -> None:
        """Staff messages and status changes to the widget, until the handoff ends."""
        log = self.service.log
        entries = await log.read_for_user(self.conversation_id, pending=True, block_ms=0)
        while entries is not None:
            sent: list[str] = []
            try:
                for entry in entries:
                    frame = self.user_frame(entry)
                    async with self.sending:
                        if frame is not None and not await self.chat.send_now(frame):
                            return  # the socket is gone: the rest stays pending for the next one
                    sent.append(entry.id)
                    if entry.code == REQUEUED_CODE:
                        await self.requeued()
                    if entry.code == "handoff_closed":
                        await log.ack_for_user(self.conversation_id, *sent)
                        sent.clear()
                        await self.finish()
                        return
            finally:
                if sent:  # acknowledged only once written to the websocket
                    await log.ack_for_user(self.conversation_id, *sent)
            entries = await log.read_for_user(
                self.conversation_id, pending=False, block_ms=READ_BLOCK_MS
            )
            if not entries:
                handoff = await self.service.store.get(self.conversation_id)
                if handoff is None:
                    return  # cancelled or forgotten

    async def requeued(self) -> None:
        """The counsellor's account was ended: waiting again at the original place, with the
        bot answering meanwhile (as before the claim) and a way to stop waiting."""
        language = self.chat.language
        async with self.sending:
            handoff = await self.service.store.get(self.conversation_id)
            waiting = await self.waiting_frame()
            if handoff is None or waiting is None:
                return  # already claimed again, cancelled or forgotten: nothing to say
            text = texts.user_text("queued" if handoff.consent else "queued_no_consent", language)
            stop = texts.user_text("cancel_button", language)
            await self.chat.send_now(
                {
                    "type": "bot",
                    "text": text,
                    "language": language,
                    "dir": text_direction(language),
                    "buttons": [{"title": stop, "payload": CANCEL_PAYLOAD}],
                }
            )
            # The position now, after "the counsellor has left", even when a reporter
            # already sent the same one (a reconnect after the requeue).
            await self.chat.send_now(waiting)
        self.start_waiting_report(last=waiting)

    async def finish(self) -> None:
        """The counsellor closed: back to the bot; the handoff's data is deleted now."""
        language = self.chat.language
        await self.chat.send_now(
            {
                "type": "bot",
                "text": texts.user_text("returned", language),
                "language": language,
                "dir": text_direction(language),
            }
        )
        await self.service.store.delete(self.conversation_id)

    def user_frame(self, entry: LogEntry) -> dict[str, Any] | None:
        if entry.kind == "staff":
            return {
                "type": "staff",
                "id": entry.id,
                "text": entry.text,
                "language": self.chat.language,
                "dir": text_direction(self.chat.language),
            }
        if entry.kind == "status" and entry.code == REQUEUED_CODE:
            # The widget already says "the counsellor has left" for handoff_closed;
            # `requeued` says the user is waiting again instead of back with the bot.
            return {"type": "status", "id": entry.id, "code": "handoff_closed", "requeued": True}
        if entry.kind == "status":
            return {"type": "status", "id": entry.id, "code": entry.code}
        return None  # the user's own messages are already on their screen

    async def relay_staff_typing(self) -> None:
        """`{"type": "typing", "from": "staff"}` to the widget when the counsellor types."""
        channel = keys.user_events(self.conversation_id)
        async with self.service.events.subscribe(channel) as events:
            while True:
                event = await events.next(timeout=WAIT_REFRESH_SECONDS)
                if event is not None and event.get("kind") == "staff_typing":
                    await self.chat.send_now({"type": "typing", "from": "staff"})

    async def report_waiting(self, last: dict[str, Any] | None = None) -> None:
        """Queue position and estimated wait, sent again whenever the queue changes."""
        async with self.service.events.subscribe() as events:
            while True:
                async with self.sending:
                    frame = await self.waiting_frame()
                    if frame is None:
                        return
                    if frame != last and await self.chat.send_now(frame):
                        last = frame
                await events.next(timeout=WAIT_REFRESH_SECONDS)

    async def waiting_frame(self) -> dict[str, Any] | None:
        """`status handoff_waiting` as of now; None when the conversation is not waiting."""
        handoff = await self.service.store.get(self.conversation_id)
        position = await self.service.store.position(self.conversation_id)
        if handoff is None or handoff.state != HandoffState.WAITING or not position:
            return None
        return {
            "type": "status",
            "code": "handoff_waiting",
            "position": position,
            "wait_minutes": await self.service.wait_minutes(position),
        }
