"""While a counsellor holds the chat, a message reaches them before the safety net has
looked at it; the 112 line follows (gateway/chat.py). The real-stack check that the line
arrives is tests/gateway/handoff/test_handoff_safety.py."""

import asyncio
import threading
from types import SimpleNamespace
from typing import Any

from gateway.chat import ChatSession
from gateway.frames import MessageFrame
from gateway.safety_net import Assessment, Signal
from gateway.settings import GatewaySettings
from tests.gateway.handoff.clients import run_async


class HeldSafetyNet:
    """Answers only once released, like embeddings queued behind a busy CPU."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def assess(self, text: str) -> Assessment:
        self.release.wait(timeout=30)  # bounded: a failing test must not hang the suite
        return Assessment(Signal.DANGER, "phrase")


class CounsellorHolds:
    def __init__(self) -> None:
        self.relayed: list[str] = []

    async def take_user_text(self, message_id: str | None, text: str) -> bool:
        self.relayed.append(text)
        return True


def test_relay_to_counsellor_before_safety_check() -> None:
    net = HeldSafetyNet()
    services: Any = SimpleNamespace(
        settings=GatewaySettings(default_language="en"), safety_net=net, handoff=None
    )
    session = ChatSession(websocket=None, services=services)  # type: ignore[arg-type]
    counsellor = CounsellorHolds()
    session.handoff = counsellor  # type: ignore[assignment]

    async def scenario() -> tuple[list[str], int, dict[str, Any]]:
        checks = asyncio.create_task(session.handoff_safety_loop())
        try:
            frames = [
                MessageFrame(type="message", text=t, id=i) for i, t in (("u1", "a"), ("u2", "b"))
            ]
            # Both messages reach the counsellor while the safety net is still busy.
            for frame in frames:
                await asyncio.wait_for(session.handle_message(frame), timeout=10)
            relayed, early = list(counsellor.relayed), session.outbox.qsize()
            net.release.set()
            line = await asyncio.wait_for(session.outbox.get(), timeout=10)
            return relayed, early, line
        finally:
            net.release.set()
            checks.cancel()

    relayed, early, line = run_async(scenario)
    assert relayed == ["a", "b"]
    assert early == 0  # no 112 line before the check
    assert line["safety"] == "danger" and line["text"].startswith("Call 112")
