"""Whole conversations through the gateway's websocket in Arabic and Ukrainian.

Greeting, telling what happens, giving the postcode (in Arabic-Indic digits for Arabic),
and getting the routed services: each reply in the user's language, 112 before the
regional services.
"""

import json
import re
from typing import Any

import pytest
from websockets.sync.client import connect
from websockets.sync.connection import Connection

from tests.conftest import RunningStack

pytestmark = pytest.mark.stack


def ws_url(stack: RunningStack) -> str:
    return stack.urls.gateway_url.replace("http://", "ws://") + "/ws/chat"


def turn(socket: Connection, text: str) -> list[dict[str, Any]]:
    """Send one message; return the bot frames that answer it.

    Waits up to 60 s for the first bot frame (the machine may be busy), then collects
    until the gateway has been quiet for 4 s.
    """
    socket.send(json.dumps({"type": "message", "text": text, "id": "t"}))
    frames: list[dict[str, Any]] = []
    while not any(f["type"] == "bot" for f in frames):
        frames.append(json.loads(socket.recv(timeout=60)))
    while True:
        try:
            frames.append(json.loads(socket.recv(timeout=4)))
        except TimeoutError:
            return [f for f in frames if f["type"] == "bot"]


def texts(frames: list[dict[str, Any]]) -> str:
    return "\n".join(f["text"] for f in frames)


def start(socket: Connection) -> str:
    socket.send(json.dumps({"type": "start", "language": None}))
    ready = json.loads(socket.recv(timeout=10))
    assert ready["type"] == "ready"
    return str(ready["conversation_id"])


def test_converse_in_arabic_from_greeting_to_services(stack: RunningStack) -> None:
    with connect(ws_url(stack)) as socket:
        conversation_id = start(socket)

        greeting = turn(socket, "مرحبا، عندي سؤال")
        assert greeting and all(f["language"] == "ar" and f["dir"] == "rtl" for f in greeting)
        assert "Hulpwijzer" in texts(greeting) and "112" in texts(greeting)
        assert re.search(r"[\u0600-\u06ff]", texts(greeting))

        violence = turn(socket, "زوجي يضربني منذ سنوات وأنا خائفة منه")
        reply = texts(violence)
        assert "0800-2000" in reply and "ليس ذنبك" in reply
        assert "الرمز البريدي" in reply or "رمزك البريدي" in reply, "asks for the postcode"

        services = texts(turn(socket, "٣٥١١"))
        assert "3511" in services and "Utrecht" in services
        assert "0800-2000" in services and "0800-0188" in services
        assert services.index("112") < services.index("0800-2000"), "112 first"
        assert "للرمز البريدي" in services, "the intro is in Arabic"

        tracker = stack.rasa_tracker(conversation_id)
        assert tracker["slots"]["language"] == "ar"
        assert tracker["slots"]["postcode"] == "3511"


def test_converse_in_ukrainian_from_greeting_to_services(stack: RunningStack) -> None:
    with connect(ws_url(stack)) as socket:
        conversation_id = start(socket)

        greeting = turn(socket, "Добрий день, мені потрібна допомога")
        assert greeting and all(f["language"] == "uk" and f["dir"] == "ltr" for f in greeting)
        assert "112" in texts(greeting)

        shelter = texts(
            turn(socket, "чоловік мене б'є, мені треба безпечне місце для мене і дітей")
        )
        assert "0800-2000" in shelter
        assert "Адреси притулків таємні" in shelter or "Veilig Thuis" in shelter
        assert "поштового індексу" in shelter, "asks for the postcode"

        services = texts(turn(socket, "мій індекс 9712 AB"))
        assert "9712" in services and "0800-2000" in services
        assert services.index("112") < services.index("0800-2000"), "112 first"
        assert "Для поштового індексу" in services, "the intro is in Ukrainian"

        assert stack.rasa_tracker(conversation_id)["slots"]["language"] == "uk"
