"""A counsellor hands a conversation over to a colleague who is online."""

import pytest

from tests.conftest import RunningStack
from tests.gateway.handoff.clients import StaffClient, UserClient, create_staff

pytestmark = pytest.mark.stack


def test_transfer_conversation_to_colleague(clean_handoff: RunningStack) -> None:
    stack = clean_handoff
    ann = StaffClient(stack, create_staff(stack, "ann"))
    bob = StaffClient(stack, create_staff(stack, "bob"))
    user = UserClient(stack)
    try:
        user.request_handoff(consent=False)
        user.wait_for(lambda f: f.get("code") == "handoff_waiting")
        cid = str(user.conversation_id)
        ann.claim(cid)
        details = ann.wait_for(lambda f: f["type"] == "conversation")
        assert details["transcript"] is None  # no consent: language and topic only
        user.say("hello ann", "u1")
        ann.wait_for(lambda f: f["type"] == "log" and f.get("text") == "hello ann")

        ann.send({"type": "transfer", "conversation_id": cid, "to": "nobody-online"})
        ann.wait_for(lambda f: f["type"] == "error" and f["code"] == "transfer_failed")
        ann.send({"type": "transfer", "conversation_id": cid, "to": bob.username})
        ann.wait_for(lambda f: f["type"] == "released" and f["reason"] == "transferred")
        bob.wait_for(lambda f: f["type"] == "conversation" and f["conversation_id"] == cid)
        # Bob sees the conversation so far, from the start of the handoff.
        bob.wait_for(lambda f: f["type"] == "log" and f.get("text") == "hello ann")
        user.wait_for(lambda f: f.get("code") == "handoff_transferred")

        ann.say(cid, "still me?", "a1")
        ann.wait_for(lambda f: f["type"] == "error" and f["code"] == "not_holder")
        bob.say(cid, "Hello, I am taking over.", "b1")
        assert user.wait_for(lambda f: f["type"] == "staff")["text"] == "Hello, I am taking over."
        bob.close_conversation(cid)
        user.wait_for(lambda f: f.get("code") == "handoff_closed")
    finally:
        user.close()
        ann.close()
        bob.close()
