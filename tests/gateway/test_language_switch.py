"""An explicit request to change language, understood by the bot, switches the chat."""

import json
from typing import Any

import pytest
from websockets.sync.client import connect

from tests.conftest import RunningStack

pytestmark = pytest.mark.stack


def frames_until_quiet(socket: Any) -> list[dict[str, Any]]:
    frames = [json.loads(socket.recv(timeout=60))]
    while True:
        try:
            frames.append(json.loads(socket.recv(timeout=3)))
        except TimeoutError:
            return frames


@pytest.mark.parametrize(
    ("request_text", "language"), [("po polsku", "pl"), ("English please", "en")]
)
def test_switch_language_on_request(stack: RunningStack, request_text: str, language: str) -> None:
    url = stack.urls.gateway_url.replace("http://", "ws://") + "/ws/chat"
    with connect(url) as socket:
        socket.send(json.dumps({"type": "start", "language": "nl"}))
        json.loads(socket.recv(timeout=10))
        # Two words: too short for the gateway's detector, so only the bot can switch.
        socket.send(json.dumps({"type": "message", "text": request_text, "id": "s"}))
        frames = frames_until_quiet(socket)
        status = [f for f in frames if f["type"] == "status" and f["code"] == "language_changed"]
        assert status and status[0]["language"] == language, frames
        socket.send(json.dumps({"type": "message", "text": "ok", "id": "o"}))
        later = [f for f in frames_until_quiet(socket) if f["type"] == "bot"]
    assert later and all(f["language"] == language for f in later)
