"""One conversation's messages reach Rasa one at a time: none lost, in order."""

import json
import threading

import pytest
from websockets.sync.client import connect
from websockets.sync.connection import Connection

from tests.chat_socket import chat_url
from tests.conftest import RunningStack

pytestmark = pytest.mark.stack


def start(socket: Connection, conversation_id: str | None = None) -> str:
    socket.send(json.dumps({"type": "start", "language": "nl", "conversation_id": conversation_id}))
    ready: dict[str, str] = json.loads(socket.recv(timeout=10))
    return ready["conversation_id"]


def send_and_wait(socket: Connection, texts: list[str]) -> None:
    for text in texts:
        socket.send(json.dumps({"type": "message", "text": text, "id": text}))
    answered = 0
    while answered < len(texts):  # every message gets an ack, then at least one reply
        frame = json.loads(socket.recv(timeout=120))
        answered += frame["type"] == "ack"
    socket.recv(timeout=120)


def test_keep_every_message_of_two_tabs_on_one_conversation(stack: RunningStack) -> None:
    with connect(chat_url(stack)) as first, connect(chat_url(stack)) as second:
        conversation_id = start(first)
        assert start(second, conversation_id) == conversation_id
        batches = {
            "first": [f"hallo {n} een" for n in range(4)],
            "second": [f"hallo {n} twee" for n in range(4)],
        }
        threads = [
            threading.Thread(target=send_and_wait, args=(first, batches["first"])),
            threading.Thread(target=send_and_wait, args=(second, batches["second"])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)

    events = stack.rasa_tracker(conversation_id)["events"]
    received = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(received) == sorted(batches["first"] + batches["second"])
    for batch in batches.values():  # each tab's messages kept their order
        assert [t for t in received if t in batch] == batch
    # Turns never interleave: every user message is followed by the bot's answer to it.
    kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
    assert "user" not in [kinds[i + 1] for i, k in enumerate(kinds[:-1]) if k == "user"]
