"""What browsers get from the gateway: headers, public files, websocket origins."""

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from gateway.main import create_app
from gateway.settings import GatewaySettings
from tests.gateway.test_chat_safety import end_chat


@pytest.fixture(scope="module")
def client(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = GatewaySettings(
        redis_url=redis_url,
        allowed_origins=["https://help.example"],
        staff_database_url=f"sqlite:///{tmp_path_factory.mktemp('staff')}/staff.sqlite3",
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_send_privacy_headers_with_demo_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp


def test_serve_widget_module(client: TestClient) -> None:
    response = client.get("/widget/src/index.mjs")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]


@pytest.mark.parametrize(
    "path",
    ["/widget/tools/package.json", "/widget/tools/screenshots.py", "/widget//tools/package.json"],
)
def test_hide_test_tooling(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("origin", ["http://testserver", "https://help.example"])
def test_accept_chat_from_allowed_origin(client: TestClient, origin: str) -> None:
    with client.websocket_connect("/ws/chat", headers={"origin": origin}) as socket:
        socket.send_json({"type": "start", "language": "nl"})
        assert socket.receive_json()["type"] == "ready"
        end_chat(socket)


def test_refuse_chat_from_other_site(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws/chat", headers={"origin": "https://evil.example"}):
            pass
    assert refused.value.code == 1008


def test_keep_conversation_but_switch_language_on_reconnect(client: TestClient) -> None:
    with client.websocket_connect("/ws/chat") as socket:
        socket.send_json({"type": "start", "language": "nl"})
        conversation_id = socket.receive_json()["conversation_id"]
        # Leave without ending; give the server a moment to finish its side.
        socket.close(1000)
        time.sleep(0.3)
    with client.websocket_connect("/ws/chat") as socket:
        socket.send_json({"type": "start", "language": "ar", "conversation_id": conversation_id})
        ready = socket.receive_json()
        end_chat(socket)
    assert ready["conversation_id"] == conversation_id
    assert (ready["language"], ready["dir"]) == ("ar", "rtl")


def test_delete_unknown_conversation_quietly(client: TestClient) -> None:
    response = client.post("/api/v1/conversations/unknown-id/delete")
    assert response.status_code == 204
