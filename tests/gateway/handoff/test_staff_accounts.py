"""Staff sign-in: argon2 accounts in SQL, lockout, expiry, deactivation, a Redis restart,
and the websocket refuses strangers."""

import time
from datetime import timedelta

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from gateway.handoff import keys
from tests.conftest import RunningStack
from tests.gateway.handoff.clients import (
    StaffClient,
    UserClient,
    create_staff,
    deactivate_staff,
    log_in,
    redis_command,
    ws_url,
)

pytestmark = pytest.mark.stack


def test_sign_in_and_out_staff(stack: RunningStack) -> None:
    username = create_staff(stack)
    response = log_in(stack, username)
    assert response.status_code == 204
    cookie = response.cookies["hw_staff_session"]
    assert "httponly" in response.headers["set-cookie"].lower()
    assert "samesite=strict" in response.headers["set-cookie"].lower()
    me = httpx.get(
        f"{stack.urls.gateway_url}/api/v1/staff/me", cookies={"hw_staff_session": cookie}
    )
    assert me.json() == {"username": username}
    # Only a hash of the token is stored.
    assert redis_command(stack, "KEYS", f"hw:staff:session:{cookie}") == []
    httpx.post(
        f"{stack.urls.gateway_url}/api/v1/staff/logout", cookies={"hw_staff_session": cookie}
    )
    me = httpx.get(
        f"{stack.urls.gateway_url}/api/v1/staff/me", cookies={"hw_staff_session": cookie}
    )
    assert me.status_code == 401


def test_lock_out_staff_after_failed_logins(stack: RunningStack) -> None:
    username = create_staff(stack)
    for _ in range(5):
        refused = log_in(stack, username, "wrong password!!")
        assert refused.status_code == 401
        assert refused.json()["detail"]["code"] == "invalid_credentials"
    locked = log_in(stack, username)
    assert locked.status_code == 401
    assert locked.json()["detail"]["code"] == "locked"


def test_refuse_expired_staff_account(stack: RunningStack) -> None:
    username = create_staff(stack, expires_in=timedelta(seconds=-1))
    refused = log_in(stack, username)
    assert refused.json()["detail"]["code"] == "expired"


def test_refuse_unknown_user_like_wrong_password(stack: RunningStack) -> None:
    refused = log_in(stack, "nobody-here")
    assert refused.status_code == 401
    assert refused.json()["detail"]["code"] == "invalid_credentials"


def test_refuse_staff_socket_without_session(stack: RunningStack) -> None:
    with pytest.raises((InvalidStatus, ConnectionClosed)):
        with connect(ws_url(stack, "/ws/staff"), open_timeout=10) as socket:
            socket.send('{"type": "hello"}')
            socket.recv(timeout=5)


def test_refuse_staff_socket_from_other_site(stack: RunningStack) -> None:
    username = create_staff(stack)
    cookie = log_in(stack, username).cookies["hw_staff_session"]
    with pytest.raises((InvalidStatus, ConnectionClosed)):
        with connect(
            ws_url(stack, "/ws/staff"),
            additional_headers={"Cookie": f"hw_staff_session={cookie}"},
            origin="http://evil.example",  # type: ignore[arg-type]
            open_timeout=10,
        ) as socket:
            socket.send('{"type": "hello"}')
            socket.recv(timeout=5)


def read_me(stack: RunningStack, cookie: str) -> httpx.Response:
    return httpx.get(
        f"{stack.urls.gateway_url}/api/v1/staff/me",
        cookies={"hw_staff_session": cookie},
        timeout=10,
    )


def wait_until_redis_healthy(stack: RunningStack, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        checks = httpx.get(f"{stack.urls.gateway_url}/healthz", timeout=10).json()["checks"]
        if checks["redis"] == "ok":
            return
        time.sleep(0.5)
    raise AssertionError("the gateway did not see Redis again")


def test_keep_staff_accounts_across_redis_restart(stack: RunningStack) -> None:
    username = create_staff(stack)
    cookie = log_in(stack, username).cookies["hw_staff_session"]
    assert read_me(stack, cookie).status_code == 200

    # The stack's real Redis, memory only, restarted: every key is gone.
    stack.supervisor.restart("redis")
    assert redis_command(stack, "DBSIZE") == 0
    wait_until_redis_healthy(stack)

    assert read_me(stack, cookie).status_code == 401, "sessions are in Redis: signed out"
    again = log_in(stack, username)
    assert again.status_code == 204, again.text
    assert read_me(stack, again.cookies["hw_staff_session"]).json() == {"username": username}
    # The rest of the stack (Rasa's tracker store, the chat) works on the new Redis too.
    user = UserClient(stack)
    try:
        user.say("hello")
        user.wait_for(lambda f: f["type"] == "bot")
    finally:
        user.close()


def test_end_console_of_deactivated_staff(stack: RunningStack) -> None:
    username = create_staff(stack)
    staff = StaffClient(stack, username)
    try:
        deactivate_staff(stack, username)
        assert read_me(stack, staff.cookie).status_code == 401
        # The open console is closed at its next heartbeat (every 10 s).
        with pytest.raises(ConnectionClosed):
            staff.wait_for(lambda frame: False, timeout=20)
        assert staff.socket.close_code == 1008
        assert log_in(stack, username).status_code == 401
    finally:
        staff.close()


def test_refuse_claim_from_console_of_deactivated_staff(clean_handoff: RunningStack) -> None:
    """Deactivated in SQL, then at once a claim from the console still open: well before its
    next heartbeat (every 10 s), the claim itself finds the account refused."""
    stack = clean_handoff
    staff = StaffClient(stack, create_staff(stack))
    user = UserClient(stack)
    try:
        user.request_handoff()
        user.wait_for(lambda f: f.get("code") == "handoff_waiting")
        cid = str(user.conversation_id)
        staff.wait_for(
            lambda f: f["type"] == "queue" and [i["conversation_id"] for i in f["items"]] == [cid]
        )
        place = redis_command(stack, "ZSCORE", keys.QUEUE, cid)
        seen = len(user.frames)

        deactivate_staff(stack, staff.username)
        staff.claim(cid)

        with pytest.raises(ConnectionClosed):
            staff.wait_for(lambda f: f["type"] in ("conversation", "claim_failed"), timeout=5)
        assert staff.socket.close_code == 1008
        assert redis_command(stack, "ZSCORE", keys.QUEUE, cid) == place
        assert redis_command(stack, "HGET", keys.handoff(cid), "state") == "waiting"
        assert not redis_command(stack, "SMEMBERS", keys.held(staff.username))
        user.drain(1.0)
        assert not [f for f in user.frames[seen:] if f.get("code") == "handoff_joined"]
    finally:
        user.close()
        staff.close()
