"""While a counsellor holds the chat the bot is paused, but 112 still comes first."""

import pytest

from tests.conftest import RunningStack
from tests.gateway.handoff.clients import StaffClient, UserClient, create_staff

pytestmark = pytest.mark.stack


def test_show_112_first_while_human_holds_chat(clean_handoff: RunningStack) -> None:
    stack = clean_handoff
    staff = StaffClient(stack, create_staff(stack))
    user = UserClient(stack)
    try:
        user.request_handoff(consent=True)
        user.wait_for(lambda f: f.get("code") == "handoff_waiting")
        cid = user.conversation_id
        assert cid is not None
        staff.wait_for(lambda f: f["type"] == "queue" and bool(f["items"]))
        staff.claim(cid)
        user.wait_for(lambda f: f.get("code") == "handoff_joined")

        before = len(user.frames)
        user.say("he has a knife and is coming to kill me", "u1")
        line = user.wait_for(lambda f: f["type"] == "bot", since=before)
        assert line["safety"] == "danger" and line["text"].startswith("Call 112")
        got = staff.wait_for(lambda f: f["type"] == "log" and f["from"] == "user")
        assert got["text"] == "he has a knife and is coming to kill me"
        staff.close_conversation(cid)
    finally:
        user.close()
        staff.close()
