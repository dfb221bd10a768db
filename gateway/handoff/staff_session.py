"""One staff console connection: queue, claimed conversations, live chat.

Tasks: receive, send, log reader (XREAD over the held conversations' streams, cursors from
the console so a reconnect resumes exactly after the last entry it showed), events (pub/sub)
and presence heartbeat (which also ends the connection once the account is deactivated
or expired; the conversations it holds then go back to the queue). Claim, message, transfer
and close check the account first too, so a deactivated account changes nothing in the
seconds before its next heartbeat.
"""

import asyncio
import contextlib
import logging
import time
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from redis.exceptions import RedisError

from gateway.conversations import text_direction
from gateway.handoff import texts
from gateway.handoff.accounts import StaffAccounts
from gateway.handoff.log import NOT_HOLDER, LogEntry
from gateway.handoff.presence import StaffPresence
from gateway.handoff.service import HandoffService
from gateway.handoff.staff_frames import (
    STAFF_FRAME,
    ClaimFrame,
    CloseFrame,
    HelloFrame,
    StaffClientFrame,
    StaffMessageFrame,
    StaffTypingFrame,
    TransferFrame,
)
from gateway.handoff.store import HandoffState
from gateway.tasks import cancel_and_wait

logger = logging.getLogger(__name__)
READ_BLOCK_MS = 1000
HEARTBEAT_SECONDS = 10.0
# At most one "counsellor is typing" per conversation this often (the console sends one
# every 3 s while typing; the widget shows it for 6 s).
STAFF_TYPING_INTERVAL_SECONDS = 2.0
# Frames that change a conversation: each waits for an account check (SQL) first. Typing is
# a hint that changes nothing, so it goes without one.
ACCOUNT_CHECKED = (ClaimFrame, StaffMessageFrame, TransferFrame, CloseFrame)
# Frames read ahead of the one being handled; beyond this the socket is not read (backpressure).
READ_AHEAD_FRAMES = 100
ERROR_MESSAGES = {
    "invalid_frame": "Dit bericht van de console kon niet worden gelezen.",
    "not_holder": "Je hebt dit gesprek niet (meer) in behandeling.",
    "empty_message": "Het bericht is leeg.",
    "message_too_long": "Het bericht is te lang (maximaal {limit} tekens).",
    "unknown_outcome": "Kies een uitkomst uit de lijst.",
    "transfer_failed": (
        "Overdragen lukte niet: de collega is niet online of het gesprek is niet van jou."
    ),
}


class StaffSession:
    def __init__(
        self,
        websocket: WebSocket,
        service: HandoffService,
        username: str,
        accounts: StaffAccounts,
    ) -> None:
        self.websocket = websocket
        self.service = service
        self.username = username
        self.accounts = accounts
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.cursors: dict[str, str] = {}
        self.held_changed = asyncio.Event()
        self.member = StaffPresence.new_member(username)
        self.max_chars = service.settings.max_message_chars
        self.typing_sent_at: dict[str, float] = {}  # conversation id -> monotonic time
        self.refused = False  # the account was found deactivated or expired
        # When the last check that found the account working started (monotonic).
        self.account_checked_at = float("-inf")

    async def run(self) -> None:
        hello = await self.receive_hello()
        if hello is None:
            return
        await self.service.presence.beat(self.member)
        await self.service.events.publish("staff_online")
        await self.send_welcome()
        for conversation_id in await self.service.store.held_by(self.username):
            await self.announce(conversation_id, hello.cursors.get(conversation_id, "0"))
        tasks = [
            asyncio.create_task(self.send_loop()),
            asyncio.create_task(self.receive_loop()),
            asyncio.create_task(self.log_loop()),
            asyncio.create_task(self.event_loop()),
            asyncio.create_task(self.heartbeat_loop()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await cancel_and_wait(tasks)
            await self.service.presence.leave(self.member)
            await self.service.events.publish("staff_online")
            if self.refused:
                await self.requeue_held()

    async def requeue_held(self) -> None:
        """After the presence is gone (no transfer to this console any more) and the
        session's tasks have ended; whatever this misses, the gateway's release check
        requeues (gateway/handoff/release.py)."""
        try:
            await self.service.requeue_held(self.username)
        except RedisError as error:
            logger.warning("requeue failed: %s", type(error).__name__)

    async def receive_hello(self) -> HelloFrame | None:
        try:
            frame = STAFF_FRAME.validate_json(await self.websocket.receive_text())
        except (ValidationError, WebSocketDisconnect):
            frame = None
        if not isinstance(frame, HelloFrame):
            await self.websocket.close(code=1008)
            return None
        return frame

    async def send_welcome(self) -> None:
        self.outbox.put_nowait(
            {
                "type": "welcome",
                "username": self.username,
                "outcomes": texts.outcomes(),
                "chat_open": self.service.is_open_now(),
            }
        )
        await self.send_staff_online()
        await self.send_queue()

    async def send_queue(self) -> None:
        self.outbox.put_nowait({"type": "queue", "items": await self.service.queue_snapshot()})

    async def send_staff_online(self) -> None:
        online = sorted(await self.service.presence.online())
        self.outbox.put_nowait({"type": "staff_online", "usernames": online})

    async def announce(self, conversation_id: str, cursor: str = "0") -> None:
        """Details of a conversation this staff member now holds (claim, transfer, reconnect)."""
        handoff = await self.service.store.get(conversation_id)
        if handoff is None or handoff.state != HandoffState.ACTIVE:
            await self.service.store.release(conversation_id, self.username)
            self.outbox.put_nowait(
                {"type": "released", "conversation_id": conversation_id, "reason": "ended"}
            )
            return
        transcript = (
            await self.service.rasa.transcript(conversation_id) if handoff.consent else None
        )
        self.outbox.put_nowait(
            {
                "type": "conversation",
                "conversation_id": conversation_id,
                "language": handoff.language,
                "language_name": texts.language_name(handoff.language),
                "dir": text_direction(handoff.language),
                "topic": handoff.topic,
                "risk": handoff.risk,
                "consent": handoff.consent,
                "transcript": transcript,
                "phrases": texts.quick_phrases(handoff.language),
            }
        )
        self.cursors[conversation_id] = cursor
        self.held_changed.set()

    def drop(self, conversation_id: str, reason: str) -> None:
        self.cursors.pop(conversation_id, None)
        self.typing_sent_at.pop(conversation_id, None)
        self.outbox.put_nowait(
            {"type": "released", "conversation_id": conversation_id, "reason": reason}
        )

    # ---- loops ----------------------------------------------------------------------------

    async def send_loop(self) -> None:
        while True:
            frame = await self.outbox.get()
            try:
                await self.websocket.send_json(frame)
            except (WebSocketDisconnect, RuntimeError):
                return

    async def receive_loop(self) -> None:
        """Frames in order. They are read ahead while an account check runs, so one check
        covers every frame that had arrived when it started (as safe as a check per frame:
        each frame still waits for a check begun after it arrived), and a slow check on a
        busy machine cannot make a console's frames pile up."""
        inbox: asyncio.Queue[tuple[float, str] | None] = asyncio.Queue(READ_AHEAD_FRAMES)
        reader = asyncio.create_task(self.read_frames(inbox))
        try:
            while (item := await inbox.get()) is not None:
                arrived, raw = item
                try:
                    frame = STAFF_FRAME.validate_json(raw)
                except ValidationError:
                    self.error("invalid_frame")
                    continue
                if isinstance(frame, ACCOUNT_CHECKED) and not await self.account_works(arrived):
                    return  # closed; run() puts what it holds back in the queue
                await self.act(frame)
        finally:
            await cancel_and_wait([reader])
        if not reader.cancelled() and (error := reader.exception()) is not None:
            raise error  # reading failed: the session ends, as when this loop read itself

    async def read_frames(self, inbox: asyncio.Queue[tuple[float, str] | None]) -> None:
        """Each frame with the time it was read; None once the console has gone, or reading
        failed, so that the frames before it are still handled and then the loop ends."""
        while True:
            try:
                raw = await self.websocket.receive_text()
            except WebSocketDisconnect:
                await inbox.put(None)
                return
            except Exception:
                await inbox.put(None)
                raise
            await inbox.put((time.monotonic(), raw))

    async def act(self, frame: StaffClientFrame) -> None:
        if isinstance(frame, ClaimFrame):
            await self.claim(frame)
        elif isinstance(frame, StaffMessageFrame):
            await self.send_message(frame)
        elif isinstance(frame, TransferFrame):
            await self.transfer(frame)
        elif isinstance(frame, CloseFrame):
            await self.close(frame)
        elif isinstance(frame, StaffTypingFrame):
            await self.staff_typing(frame)

    async def log_loop(self) -> None:
        while True:
            if not self.cursors:
                await self.held_changed.wait()
            self.held_changed.clear()
            batch = await self.service.log.read_after(dict(self.cursors), READ_BLOCK_MS)
            for conversation_id, entry in batch:
                if conversation_id not in self.cursors:
                    continue  # released while reading
                self.cursors[conversation_id] = entry.id
                self.outbox.put_nowait(log_frame_from(conversation_id, entry))

    async def event_loop(self) -> None:
        async with self.service.events.subscribe() as events:
            while True:
                event = await events.next(timeout=30.0)
                if event is None:
                    await self.send_queue()  # refresh the wait times now and then
                    continue
                await self.on_event(event)

    async def heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            if not await self.account_works():
                return
            await self.service.presence.beat(self.member)

    async def account_works(self, arrived: float | None = None) -> bool:
        """The account may still sign in; otherwise the console is closed and False.

        A frame read at `arrived` needs a check that started after it; one that already
        passed answers for it. Deactivated or expired: the open console stops (policy
        violation) and the conversations it holds go back to the queue (run). The SQL runs
        in a thread (StaffAccounts.may_sign_in), so other chats go on meanwhile.
        """
        if arrived is not None and arrived < self.account_checked_at:
            return True
        started = time.monotonic()
        if await self.accounts.may_sign_in(self.username):
            self.account_checked_at = max(self.account_checked_at, started)
            return True
        self.refused = True
        with contextlib.suppress(RuntimeError):  # already closed
            await self.websocket.close(code=1008)
        return False

    async def on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        conversation_id = str(event.get("conversation_id", ""))
        if kind == "queue":
            await self.send_queue()
        elif kind == "staff_online":
            await self.send_staff_online()
        elif kind == "typing" and conversation_id in self.cursors:
            self.outbox.put_nowait({"type": "typing", "conversation_id": conversation_id})
        elif kind == "user_presence" and conversation_id in self.cursors:
            self.outbox.put_nowait(
                {
                    "type": "user_presence",
                    "conversation_id": conversation_id,
                    "present": bool(event.get("present")),
                    "ended": bool(event.get("ended")),
                }
            )
        elif kind == "transferred":
            if event.get("target") == self.username:
                await self.announce(conversation_id)
            elif event.get("source") == self.username:
                self.drop(conversation_id, "transferred")
        elif kind == "requeued" and conversation_id in self.cursors:
            # This account may no longer work: the transcript leaves the screen at once.
            self.drop(conversation_id, "ended")

    # ---- actions --------------------------------------------------------------------------

    async def claim(self, frame: ClaimFrame) -> None:
        handoff = await self.service.claim(frame.conversation_id, self.username)
        if handoff is None:
            self.outbox.put_nowait(
                {
                    "type": "claim_failed",
                    "conversation_id": frame.conversation_id,
                    "code": "already_claimed",
                }
            )
            return
        await self.announce(frame.conversation_id)

    async def send_message(self, frame: StaffMessageFrame) -> None:
        text = frame.text.strip()
        if not text:
            self.error("empty_message", frame.id)
            return
        if len(text) > self.max_chars:
            self.error("message_too_long", frame.id, limit=self.max_chars)
            return
        appended = await self.service.log.append_message(
            frame.conversation_id, "staff", text, frame.id, holder=self.username
        )
        if appended == NOT_HOLDER:
            self.error("not_holder", frame.id)
            return
        self.typing_sent_at.pop(frame.conversation_id, None)  # typing again is news
        self.outbox.put_nowait({"type": "ack", "id": frame.id})

    async def staff_typing(self, frame: StaffTypingFrame) -> None:
        """Tell the user's widget, throttled; only for a conversation this console holds."""
        conversation_id = frame.conversation_id
        if conversation_id not in self.cursors:
            return  # not (or no longer) held here: typing is best effort, no error
        now = time.monotonic()
        last = self.typing_sent_at.get(conversation_id)
        if last is not None and now - last < STAFF_TYPING_INTERVAL_SECONDS:
            return
        self.typing_sent_at[conversation_id] = now
        await self.service.events.publish_to_user(conversation_id, "staff_typing")

    async def transfer(self, frame: TransferFrame) -> None:
        if not await self.service.transfer(frame.conversation_id, self.username, frame.to):
            self.error("transfer_failed")

    async def close(self, frame: CloseFrame) -> None:
        if frame.outcome not in texts.outcome_codes():
            self.error("unknown_outcome")
            return
        handoff = await self.service.store.get(frame.conversation_id)
        if handoff is not None and handoff.staff not in (None, self.username):
            self.error("not_holder")
            return
        await self.service.close(frame.conversation_id, self.username, frame.outcome)
        self.drop(frame.conversation_id, "closed")

    def error(self, code: str, frame_id: str | None = None, **values: object) -> None:
        frame: dict[str, Any] = {
            "type": "error",
            "code": code,
            "message": ERROR_MESSAGES[code].format(**values),
        }
        if frame_id is not None:
            frame["id"] = frame_id
        self.outbox.put_nowait(frame)


def log_frame_from(conversation_id: str, entry: LogEntry) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "log",
        "conversation_id": conversation_id,
        "id": entry.id,
        "from": entry.kind,
        "at": entry.at,
    }
    if entry.text:
        frame["text"] = entry.text
    if entry.code:
        frame["code"] = entry.code
    return frame
