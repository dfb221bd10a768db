"""Staff sign-in: argon2 accounts, lockout, expiry, and the websocket refuses strangers."""

from datetime import timedelta

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.conftest import RunningStack
from tests.gateway.handoff.clients import create_staff, log_in, redis_command, ws_url

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
