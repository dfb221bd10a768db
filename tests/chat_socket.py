"""Talking to the real gateway's chat websocket in tests (docs/protocol.md)."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from websockets.sync.client import connect
from websockets.sync.connection import Connection

from tests.conftest import RunningStack

Frame = dict[str, Any]


def chat_url(stack: RunningStack) -> str:
    return stack.urls.gateway_url.replace("http://", "ws://") + "/ws/chat"


@contextmanager
def open_chat(
    stack: RunningStack, language: str = "nl", conversation_id: str | None = None
) -> Iterator[tuple[Connection, Frame]]:
    """A connected chat and the gateway's `ready` frame."""
    with connect(chat_url(stack)) as socket:
        start = {"type": "start", "language": language, "conversation_id": conversation_id}
        socket.send(json.dumps(start))
        yield socket, json.loads(socket.recv(timeout=10))


def turn(socket: Connection, text: str, quiet_seconds: float = 3) -> list[Frame]:
    """Send one message; every frame until the bot has answered and the gateway has been
    quiet for `quiet_seconds` (a reply can be several messages). Waits up to 60 s for the
    bot's first frame: the machine may be busy."""
    socket.send(json.dumps({"type": "message", "text": text, "id": "t"}))
    frames: list[Frame] = []
    while not any(f["type"] in ("bot", "error") for f in frames):
        frames.append(json.loads(socket.recv(timeout=60)))
    while True:
        try:
            frames.append(json.loads(socket.recv(timeout=quiet_seconds)))
        except TimeoutError:
            return frames
