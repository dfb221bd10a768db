"""Test clients for the handoff: staff accounts, a widget socket and a staff socket."""

import asyncio
import json
import secrets
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from redis.asyncio import Redis
from typer.testing import CliRunner
from websockets.sync.client import ClientConnection, connect

from gateway.handoff import keys
from gateway.handoff.account_store import open_account_store
from stack.cli import app
from tests.conftest import RunningStack

Frame = dict[str, Any]
PASSWORD = "correct horse battery"


def ws_url(stack: RunningStack, path: str) -> str:
    return stack.urls.gateway_url.replace("http://", "ws://") + path


def create_staff(
    stack: RunningStack, prefix: str = "staff", expires_in: timedelta | None = timedelta(days=30)
) -> str:
    """A fresh staff account in the gateway's SQL database (unique name: the stack is
    shared)."""
    username = f"{prefix}-{secrets.token_hex(3)}"
    expires = datetime.now(UTC) + expires_in if expires_in is not None else None
    with open_account_store(stack.staff_database_url) as store:
        store.create(username, PASSWORD, expires)
    return username


def deactivate_staff(stack: RunningStack, username: str) -> None:
    with open_account_store(stack.staff_database_url) as store:
        assert store.deactivate(username)


def deactivate_from_command_line(stack: RunningStack, username: str) -> str:
    """`hulpwijzer staff deactivate` against the running stack; its output."""

    def run() -> str:  # its own thread: asyncio.run inside, and the test's loop is busy
        env = {
            "HW_GATEWAY_STAFF_DATABASE_URL": stack.staff_database_url,
            "HW_GATEWAY_REDIS_URL": stack.urls.redis_url,
            "HW_GATEWAY_RASA_URL": stack.urls.rasa_url,
            "HW_GATEWAY_RASA_TOKEN": stack.urls.rasa_token,
        }
        result = CliRunner().invoke(app, ["staff", "deactivate", username], env=env)
        assert result.exit_code == 0, result.output
        return result.output

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def run_async(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine in its own thread (Playwright's sync API owns this thread's loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, make()).result()


def redis_command(stack: RunningStack, *args: Any) -> Any:
    async def run() -> Any:
        redis = Redis.from_url(stack.urls.redis_url, decode_responses=True)
        try:
            return await redis.execute_command(*args)
        finally:
            await redis.aclose()

    return run_async(run)


def nobody_online(stack: RunningStack) -> None:
    """Forget presence left by consoles of earlier tests (e.g. killed with the gateway)."""
    redis_command(stack, "DEL", keys.PRESENCE)


def log_in(stack: RunningStack, username: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{stack.urls.gateway_url}/api/v1/staff/login",
        json={"username": username, "password": password},
        timeout=10,
    )


def session_cookie(stack: RunningStack, username: str) -> str:
    response = log_in(stack, username)
    assert response.status_code == 204, response.text
    return str(response.cookies["hw_staff_session"])


class FrameReader:
    socket: ClientConnection

    def __init__(self) -> None:
        self.frames: list[Frame] = []

    def wait_for(self, test: Callable[[Frame], bool], timeout: float = 30, since: int = 0) -> Frame:
        """The first frame from index `since` on passing `test`, reading more as needed."""
        for frame in self.frames[since:]:
            if test(frame):
                return frame
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                frame = json.loads(self.socket.recv(timeout=left))
            except TimeoutError:
                break
            self.frames.append(frame)
            if test(frame):
                return frame
        raise AssertionError(f"no matching frame in {timeout}s; got {self.frames[-8:]}")

    def drain(self, seconds: float = 0.5) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.frames.append(json.loads(self.socket.recv(timeout=left)))
            except TimeoutError:
                return

    def send(self, frame: Frame) -> None:
        self.socket.send(json.dumps(frame))


class UserClient(FrameReader):
    def __init__(self, stack: RunningStack, language: str = "en") -> None:
        super().__init__()
        self.stack = stack
        self.language = language
        self.conversation_id: str | None = None
        self.counter = 0
        self.connect()

    def connect(self) -> None:
        self.socket = connect(ws_url(self.stack, "/ws/chat"), open_timeout=20)
        start: Frame = {
            "type": "start",
            "language": self.language,
            "conversation_id": self.conversation_id,
        }
        shown = [f["id"] for f in self.frames if f["type"] in ("staff", "status") and "id" in f]
        if shown:  # like the widget: the last handoff entry it showed
            start["after"] = shown[-1]
        self.send(start)
        ready = json.loads(self.socket.recv(timeout=20))
        assert ready["type"] == "ready", ready
        self.conversation_id = ready["conversation_id"]

    def say(self, text: str, message_id: str | None = None) -> str:
        self.counter += 1
        message_id = message_id or f"c{self.counter}"
        self.send({"type": "message", "text": text, "id": message_id})
        return message_id

    def request_handoff(self, consent: bool = True) -> None:
        self.say("/talk_to_human")
        self.wait_for(lambda f: f["type"] == "bot" and bool(f.get("buttons")))
        self.say("/affirm" if consent else "/deny")

    def close(self) -> None:
        self.socket.close()


class StaffClient(FrameReader):
    def __init__(self, stack: RunningStack, username: str) -> None:
        super().__init__()
        self.stack = stack
        self.username = username
        self.cookie = session_cookie(stack, username)
        self.cursors: dict[str, str] = {}
        self.connect()

    def connect(self) -> None:
        self.socket = connect(
            ws_url(self.stack, "/ws/staff"),
            additional_headers={"Cookie": f"hw_staff_session={self.cookie}"},
            open_timeout=20,
        )
        known = len(self.frames)
        self.send({"type": "hello", "cursors": self.cursors})
        self.wait_for(lambda f: f["type"] == "welcome", since=known)

    def claim(self, conversation_id: str) -> None:
        self.send({"type": "claim", "conversation_id": conversation_id})

    def say(self, conversation_id: str, text: str, message_id: str) -> None:
        self.send(
            {"type": "message", "conversation_id": conversation_id, "text": text, "id": message_id}
        )

    def close_conversation(self, conversation_id: str, outcome: str = "information_given") -> None:
        self.send({"type": "close", "conversation_id": conversation_id, "outcome": outcome})

    def close(self) -> None:
        self.socket.close()


def hand_over(user: UserClient, staff: StaffClient) -> str:
    """The user asks for a person (sharing the conversation) and `staff` takes it; its id."""
    user.request_handoff()
    user.wait_for(lambda f: f.get("code") == "handoff_waiting")
    cid = user.conversation_id
    assert cid is not None
    staff.claim(cid)
    staff.wait_for(lambda f: f["type"] == "conversation")
    user.wait_for(lambda f: f.get("code") == "handoff_joined")
    return cid
