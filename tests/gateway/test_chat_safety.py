"""112/113 is the first line the user sees, whether Rasa is right, wrong, or down."""

import base64
import dataclasses
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from websockets.sync.client import connect

from gateway.embedding import E5_SMALL
from gateway.main import create_app
from gateway.relay import BotUnavailable
from gateway.settings import GatewaySettings
from tests.chat_socket import chat_url
from tests.conftest import RunningStack


class ScriptedRelay:
    """Stands in for Rasa with fixed replies (a unit-level fake: Rasa right or wrong)."""

    def __init__(
        self, replies: list[dict[str, Any]] | None, fail_first: Exception | None = None
    ) -> None:
        self.replies = replies
        self.fail_first = fail_first
        self.e5_queries: list[object] = []

    async def send(
        self, conversation_id: str, text: str, language: str, e5_query: object = None
    ) -> list[dict[str, Any]]:
        self.e5_queries.append(e5_query)
        if self.fail_first is not None:
            error, self.fail_first = self.fail_first, None
            raise error
        if self.replies is None:
            raise BotUnavailable("scripted")
        return self.replies


@pytest.fixture(scope="module")
def client(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = GatewaySettings(
        redis_url=redis_url,
        safety_wait_seconds=0.5,
        staff_database_url=f"sqlite:///{tmp_path_factory.mktemp('staff')}/staff.sqlite3",
    )
    with TestClient(create_app(settings)) as client:
        yield client


def use_relay(client: TestClient, relay: ScriptedRelay) -> None:
    app: Any = client.app
    app.state.services = dataclasses.replace(app.state.services, relay=relay)


def exchange(socket: WebSocketTestSession, text: str, count: int) -> list[dict[str, Any]]:
    socket.send_json({"type": "message", "text": text, "id": "m"})
    return [socket.receive_json() for _ in range(count)]


def end_chat(socket: WebSocketTestSession) -> None:
    """End from the client and wait for the server's close, so the server-side session
    has finished before the test client tears the connection down."""
    socket.send_json({"type": "end"})
    while socket.receive()["type"] != "websocket.close":
        pass
    time.sleep(0.2)


@contextmanager
def open_chat(client: TestClient, language: str) -> Iterator[WebSocketTestSession]:
    with client.websocket_connect("/ws/chat") as socket:
        socket.send_json({"type": "start", "language": language})
        assert socket.receive_json()["type"] == "ready"
        yield socket
        end_chat(socket)


def test_put_112_first_when_bot_misunderstands(client: TestClient) -> None:
    use_relay(client, ScriptedRelay([{"text": "Sorry, dat begreep ik niet."}]))
    with open_chat(client, "nl") as socket:
        ack, first, second = exchange(socket, "help hij heeft een mes en staat voor de deur", 3)
        assert ack["type"] == "ack"
        assert first["type"] == "bot" and first["safety"] == "danger"
        assert first["text"].startswith("Bel 112")
        assert second["text"] == "Sorry, dat begreep ik niet."


def test_put_113_first_in_user_language(client: TestClient) -> None:
    use_relay(client, ScriptedRelay([{"text": "Ik begrijp het niet."}]))
    with open_chat(client, "ar") as socket:
        _, first, _ = exchange(socket, "لا أريد أن أعيش بعد الآن", 3)
        assert first["safety"] == "suicide" and first["dir"] == "rtl"
        assert first["text"].startswith("اتصل بـ 113")


def test_add_nothing_when_bot_leads_with_112(client: TestClient) -> None:
    use_relay(client, ScriptedRelay([{"text": "Bel 112 nu. Ik blijf bij je."}]))
    with open_chat(client, "nl") as socket:
        _, first = exchange(socket, "hij slaat me nu, help", 2)
        assert first["text"] == "Bel 112 nu. Ik blijf bij je."
        assert "safety" not in first


def test_add_nothing_to_ordinary_message(client: TestClient) -> None:
    use_relay(client, ScriptedRelay([{"text": "Hallo!"}]))
    with open_chat(client, "nl") as socket:
        _, first = exchange(socket, "hoe werkt een huisverbod", 2)
        assert first == {"type": "bot", "text": "Hallo!", "language": "nl", "dir": "ltr"}


def test_put_112_first_when_bot_unavailable(client: TestClient) -> None:
    use_relay(client, ScriptedRelay(None))
    with open_chat(client, "en") as socket:
        _, first, second = exchange(socket, "he is going to kill me", 3)
        assert first["text"].startswith("Call 112")
        assert second["type"] == "error" and second["code"] == "bot_unavailable"


def test_switch_language_when_bot_says_so(client: TestClient) -> None:
    use_relay(client, ScriptedRelay([{"custom": {"set_language": "uk"}}, {"text": "Добре."}]))
    with open_chat(client, "nl") as socket:
        _, status, reply = exchange(socket, "po ukrainsku", 3)
        assert status == {
            "type": "status",
            "code": "language_changed",
            "language": "uk",
            "dir": "ltr",
        }
        assert reply["language"] == "uk"


@pytest.mark.stack
def test_put_112_first_when_real_rasa_is_down(stack: RunningStack) -> None:
    url = chat_url(stack)
    stack.supervisor.stop("rasa")
    try:
        with connect(url) as socket:
            socket.send(json.dumps({"type": "start", "language": "pl"}))
            json.loads(socket.recv(timeout=10))
            socket.send(json.dumps({"type": "message", "text": "on ma nóż i mi grozi"}))
            frames = [json.loads(socket.recv(timeout=60)) for _ in range(3)]
    finally:
        stack.supervisor.start(stack.supervisor.specs["rasa"])
        stack.supervisor.wait_ready(["rasa"])
    assert [f["type"] for f in frames] == ["ack", "bot", "error"]
    assert frames[1]["text"].startswith("Zadzwoń pod 112")
    assert "112" in frames[2]["message"]


@pytest.mark.stack
def test_answer_danger_with_112_first_through_real_stack(stack: RunningStack) -> None:
    url = chat_url(stack)
    with connect(url) as socket:
        socket.send(json.dumps({"type": "start", "language": "nl"}))
        json.loads(socket.recv(timeout=10))
        socket.send(json.dumps({"type": "message", "text": "hij staat met een mes voor de deur"}))
        assert json.loads(socket.recv(timeout=30))["type"] == "ack"
        first = json.loads(socket.recv(timeout=60))
    assert first["type"] == "bot"
    assert "112" in first["text"].split(".")[0]


def test_keep_chat_going_after_failed_turn(client: TestClient) -> None:
    use_relay(client, ScriptedRelay([{"text": "Hallo!"}], fail_first=RuntimeError("bug")))
    with open_chat(client, "nl") as socket:
        _, error = exchange(socket, "hallo", 2)
        assert error["type"] == "error" and error["code"] == "bot_unavailable"
        _, reply = exchange(socket, "hallo", 2)
        assert reply["text"] == "Hallo!"


def test_hand_safety_net_vector_to_bot(client: TestClient) -> None:
    relay = ScriptedRelay([{"text": "Hallo!"}])
    use_relay(client, relay)
    with open_chat(client, "nl") as socket:
        exchange(socket, "hoe werkt een huisverbod", 2)
    shared = relay.e5_queries[-1]
    assert isinstance(shared, dict) and shared["model"] == E5_SMALL
    assert len(base64.b64decode(shared["vector"])) == 384 * 4
