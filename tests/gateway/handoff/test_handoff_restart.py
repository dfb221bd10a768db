"""The gateway is killed mid-conversation: both sides still get every message exactly
once, in order, after it restarts (user and staff reconnect as the widget and console do)."""

import contextlib
import json
import threading
import time

import pytest
from websockets.exceptions import ConnectionClosed

from tests.conftest import RunningStack
from tests.gateway.handoff.clients import StaffClient, UserClient, create_staff, hand_over

pytestmark = pytest.mark.stack
BURST = 30


def restart_gateway(stack: RunningStack) -> None:
    stack.supervisor.kill("gateway")
    stack.supervisor.start(stack.supervisor.specs["gateway"])
    stack.supervisor.wait_ready(["gateway"])


def test_deliver_each_message_once_when_gateway_restarts(clean_handoff: RunningStack) -> None:
    stack = clean_handoff
    staff = StaffClient(stack, create_staff(stack))
    user = UserClient(stack)
    try:
        cid = hand_over(user, staff)

        # Both sides send a burst; the gateway is killed while it is being handled.
        user_sent = [(f"u{i}", f"user message {i}") for i in range(BURST)]
        staff_sent = [(f"s{i}", f"staff message {i}") for i in range(BURST)]

        def burst_user() -> None:
            with contextlib.suppress(ConnectionClosed):
                for message_id, text in user_sent:
                    user.say(text, message_id)
                    time.sleep(0.005)

        def burst_staff() -> None:
            with contextlib.suppress(ConnectionClosed):
                for message_id, text in staff_sent:
                    staff.say(cid, text, message_id)
                    time.sleep(0.005)

        senders = [threading.Thread(target=burst_user), threading.Thread(target=burst_staff)]
        for sender in senders:
            sender.start()
        time.sleep(0.06)
        stack.supervisor.kill("gateway")
        for sender in senders:
            sender.join()
        collect_until_closed(user)
        collect_until_closed(staff)
        for frame in staff.frames:
            if frame["type"] == "log":
                staff.cursors[cid] = frame["id"]

        stack.supervisor.start(stack.supervisor.specs["gateway"])
        stack.supervisor.wait_ready(["gateway"])
        user.connect()
        staff.connect()
        # Like the widget and console: resend what was not acknowledged, with the same id.
        acked_user = {f["id"] for f in user.frames if f["type"] == "ack"}
        acked_staff = {f["id"] for f in staff.frames if f["type"] == "ack"}
        assert 0 < len(acked_user) < BURST or 0 < len(acked_staff) < BURST, "kill missed the burst"
        for message_id, text in user_sent:
            if message_id not in acked_user:
                user.say(text, message_id)
        for message_id, text in staff_sent:
            if message_id not in acked_staff:
                staff.say(cid, text, message_id)

        last_user, last_staff = user_sent[-1][1], staff_sent[-1][1]
        staff.wait_for(lambda f: f["type"] == "log" and f.get("text") == last_user)
        user.wait_for(lambda f: f["type"] == "staff" and f["text"] == last_staff)
        user.drain(1.0)
        staff.drain(1.0)

        at_staff = [f["text"] for f in staff.frames if f["type"] == "log" and f["from"] == "user"]
        at_user = [f["text"] for f in user.frames if f["type"] == "staff"]
        assert at_staff == [text for _, text in user_sent]
        assert at_user == [text for _, text in staff_sent]
        staff_own = [f["text"] for f in staff.frames if f["type"] == "log" and f["from"] == "staff"]
        assert staff_own == [text for _, text in staff_sent]
        staff.close_conversation(cid)
        user.wait_for(lambda f: f.get("code") == "handoff_closed")
    finally:
        user.close()
        staff.close()
        if "gateway" not in stack.supervisor.processes:
            stack.supervisor.start(stack.supervisor.specs["gateway"])
            stack.supervisor.wait_ready(["gateway"])


def collect_until_closed(client: UserClient | StaffClient) -> None:
    """Read what the dead gateway managed to send before its socket closed."""
    while True:
        try:
            client.frames.append(json.loads(client.socket.recv(timeout=5)))
        except Exception:  # closed (or nothing more): the connection is gone
            return
