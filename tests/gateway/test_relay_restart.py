"""A conversation lives in Redis: it survives Rasa being killed and restarted."""

import json
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from tests.conftest import RunningStack

pytestmark = pytest.mark.stack


def ws_url(stack: RunningStack) -> str:
    return stack.urls.gateway_url.replace("http://", "ws://") + "/ws/chat"


def turn(socket: ClientConnection, text: str) -> list[dict[str, Any]]:
    """Send one message; collect frames until the bot has answered."""
    socket.send(json.dumps({"type": "message", "text": text, "id": "t"}))
    frames = [json.loads(socket.recv(timeout=60))]
    while True:
        try:
            frames.append(json.loads(socket.recv(timeout=3)))
        except TimeoutError:
            return frames


def test_keep_conversation_when_rasa_restarts(stack: RunningStack) -> None:
    with connect(ws_url(stack)) as socket:
        socket.send(json.dumps({"type": "start", "language": "en"}))
        ready = json.loads(socket.recv(timeout=10))
        conversation_id = ready["conversation_id"]
        frames = turn(socket, "3511")
        assert any(f["type"] == "bot" and "0800-2000" in f["text"] for f in frames)
        before = stack.rasa_tracker(conversation_id)
        assert before["slots"]["postcode"] == "3511"

        stack.supervisor.kill("rasa")
        stack.supervisor.start(stack.supervisor.specs["rasa"])
        stack.supervisor.wait_ready(["rasa"])

        after_restart = stack.rasa_tracker(conversation_id)
        assert after_restart["slots"]["postcode"] == "3511"
        assert after_restart["events"] == before["events"]

        frames = turn(socket, "hello")
        assert any(f["type"] == "bot" and "Hulpwijzer" in f["text"] for f in frames)
        assert len(stack.rasa_tracker(conversation_id)["events"]) > len(before["events"])
