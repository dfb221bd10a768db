"""An open console finds its account refused, at its heartbeat or at the console's next
claim, message, transfer or close: the conversations it holds go back to the queue and the
console is closed; an action of a refused account changes nothing.

The session runs in-process against a real Redis and a real SQL account store, with only
the console's end of the websocket in memory, so the session is the only thing that can
requeue here (the gateway's periodic release check is not running).
"""

import asyncio
import json
from collections.abc import Callable
from typing import Any, cast

import pytest
from fastapi import WebSocket, WebSocketDisconnect

from gateway.handoff import keys, staff_session
from gateway.handoff.accounts import StaffAccounts
from gateway.handoff.presence import StaffPresence
from gateway.handoff.service import HandoffService
from gateway.handoff.staff_session import StaffSession
from gateway.handoff.store import REQUEUED_CODE, HandoffState
from tests.gateway.handoff.in_process import (
    Scenario,
    new_staff,
    queue_scores,
    queue_up,
    status_codes,
)


class ConsoleSocket:
    """The console's end of the staff websocket, in memory."""

    def __init__(self) -> None:
        self.incoming: asyncio.Queue[str | None] = asyncio.Queue()
        self.incoming.put_nowait(json.dumps({"type": "hello"}))
        self.sent: list[dict[str, Any]] = []
        self.close_code: int | None = None

    async def receive_text(self) -> str:
        text = await self.incoming.get()
        if text is None:
            raise WebSocketDisconnect(1000)
        return text

    async def send_json(self, frame: dict[str, Any]) -> None:
        if self.close_code is not None:
            raise RuntimeError("closed")
        self.sent.append(frame)

    async def close(self, code: int = 1000) -> None:
        self.close_code = code
        self.incoming.put_nowait(None)


@pytest.fixture(autouse=True)
def quick_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_session, "HEARTBEAT_SECONDS", 0.2)


def open_console(service: HandoffService, accounts: StaffAccounts, username: str) -> Any:
    socket = ConsoleSocket()
    session = StaffSession(cast(WebSocket, socket), service, username, accounts)
    return socket, asyncio.create_task(session.run())


def test_requeue_held_conversations_when_heartbeat_finds_account_deactivated(
    with_handoff: Callable[[Scenario], None],
) -> None:
    async def scenario(service: HandoffService, accounts: StaffAccounts) -> None:
        ann = new_staff(accounts)
        held = [await queue_up(service), await queue_up(service, risk=True)]
        original = await service.redis.zrange(keys.QUEUE, 0, -1, withscores=True)
        for conversation_id in held:
            await service.claim(conversation_id, ann)
        socket, console = open_console(service, accounts, ann)
        await asyncio.sleep(0.5)  # a few heartbeats of a working account
        assert await service.store.held_by(ann) == set(held)

        assert accounts.store.deactivate(ann)  # in SQL only: nothing told Redis
        await asyncio.wait_for(console, timeout=10)

        assert socket.close_code == 1008
        assert await service.redis.zrange(keys.QUEUE, 0, -1, withscores=True) == original
        assert await service.store.held_by(ann) == set()
        for conversation_id in held:
            handoff = await service.store.get(conversation_id)
            assert handoff is not None and handoff.state == HandoffState.WAITING
            assert await status_codes(service, conversation_id) == ["handoff_joined", REQUEUED_CODE]
        assert ann not in await service.presence.online()

    with_handoff(scenario)


def test_keep_held_conversations_while_account_works(
    with_handoff: Callable[[Scenario], None],
) -> None:
    async def scenario(service: HandoffService, accounts: StaffAccounts) -> None:
        bob = new_staff(accounts)
        conversation_id = await queue_up(service)
        await service.claim(conversation_id, bob)
        socket, console = open_console(service, accounts, bob)
        await asyncio.sleep(1.0)  # five heartbeats
        socket.incoming.put_nowait(None)  # the console goes away
        await asyncio.wait_for(console, timeout=10)

        assert socket.close_code is None
        assert await service.store.held_by(bob) == {conversation_id}
        handoff = await service.store.get(conversation_id)
        assert handoff is not None and handoff.state == HandoffState.ACTIVE
        assert REQUEUED_CODE not in await status_codes(service, conversation_id)

    with_handoff(scenario)


@pytest.mark.parametrize("action", ["claim", "message", "transfer", "close"])
def test_change_nothing_when_console_acts_after_deactivation(
    with_handoff: Callable[[Scenario], None], monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    """Deactivated, then at once an action from the still-open console: the heartbeat is an
    hour away, so only the action's own account check can stop it."""
    monkeypatch.setattr(staff_session, "HEARTBEAT_SECONDS", 3600.0)

    async def scenario(service: HandoffService, accounts: StaffAccounts) -> None:
        ann, bob = new_staff(accounts), new_staff(accounts)
        await service.presence.beat(StaffPresence.new_member(bob))  # a colleague online
        conversation_id = await queue_up(service)
        original = await queue_scores(service)
        if action != "claim":
            await service.claim(conversation_id, ann)
        socket, console = open_console(service, accounts, ann)
        await asyncio.sleep(0.2)  # the console is up: welcome, queue, conversation
        sent_before = []
        if action != "claim":  # a check that passed before must not answer for later frames
            hello = {"type": "message", "conversation_id": conversation_id, "text": "Hallo"}
            socket.incoming.put_nowait(json.dumps(hello | {"id": "s0"}))
            sent_before = ["Hallo"]
            for _ in range(50):
                if {"type": "ack", "id": "s0"} in socket.sent:
                    break
                await asyncio.sleep(0.05)
        shown = len(socket.sent)

        assert accounts.store.deactivate(ann)  # in SQL only: nothing told Redis
        frames = {
            "claim": {"type": "claim"},
            "message": {"type": "message", "text": "Ben je nu veilig?", "id": "s1"},
            "transfer": {"type": "transfer", "to": bob},
            "close": {"type": "close", "outcome": "information_given"},
        }
        frame = frames[action] | {"conversation_id": conversation_id}
        socket.incoming.put_nowait(json.dumps(frame))
        await asyncio.wait({console}, timeout=5)
        if not console.done():  # the console went on: end it, then see what it changed
            socket.incoming.put_nowait(None)
            await asyncio.wait_for(console, timeout=10)

        assert not [f for f in socket.sent[shown:] if f["type"] in ("conversation", "ack")]
        # Still (or again) waiting at its place, held by nobody, with nothing from ann.
        assert await queue_scores(service) == original
        handoff = await service.store.get(conversation_id)
        assert handoff is not None and handoff.state == HandoffState.WAITING
        assert await service.store.held_by(ann) == set() == await service.store.held_by(bob)
        expected = [] if action == "claim" else ["handoff_joined", REQUEUED_CODE]
        assert await status_codes(service, conversation_id) == expected
        entries: Any = await service.redis.xrange(keys.log(conversation_id))
        staff_texts = [fields["text"] for _, fields in entries if fields.get("kind") == "staff"]
        assert staff_texts == sent_before
        assert socket.close_code == 1008

    with_handoff(scenario)
