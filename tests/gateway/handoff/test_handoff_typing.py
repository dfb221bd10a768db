"""The counsellor's typing reaches the user's widget: throttled, without text, only from
the counsellor who holds the conversation."""

import time

import pytest
from pydantic import ValidationError

from gateway.handoff.staff_frames import STAFF_FRAME
from gateway.handoff.staff_session import STAFF_TYPING_INTERVAL_SECONDS
from tests.conftest import RunningStack
from tests.gateway.handoff.clients import StaffClient, UserClient, create_staff, hand_over

pytestmark = pytest.mark.stack
STAFF_TYPING = {"type": "typing", "from": "staff"}


def test_refuse_text_in_staff_typing_frame() -> None:
    with pytest.raises(ValidationError):
        STAFF_FRAME.validate_json('{"type": "typing", "conversation_id": "c1", "text": "hi"}')


def typing_frames(user: UserClient, since: int) -> list[dict[str, object]]:
    return [frame for frame in user.frames[since:] if frame["type"] == "typing"]


def test_relay_staff_typing_to_user(clean_handoff: RunningStack) -> None:
    stack = clean_handoff
    ann = StaffClient(stack, create_staff(stack, "ann"))
    bob = StaffClient(stack, create_staff(stack, "bob"))
    user = UserClient(stack)
    try:
        cid = hand_over(user, ann)

        # A burst from the console: one frame reaches the user, and it carries no text.
        before = len(user.frames)
        for _ in range(5):
            ann.send({"type": "typing", "conversation_id": cid})
        assert user.wait_for(lambda f: f["type"] == "typing", since=before) == STAFF_TYPING
        user.drain(1.0)
        assert typing_frames(user, before) == [STAFF_TYPING], "throttled"

        # A colleague who does not hold the conversation cannot make the user see it.
        time.sleep(STAFF_TYPING_INTERVAL_SECONDS)
        before = len(user.frames)
        bob.send({"type": "typing", "conversation_id": cid})
        user.drain(1.5)
        assert typing_frames(user, before) == []
        bob.drain(0.2)
        assert [f for f in bob.frames if f["type"] == "error"] == []

        # After the interval the holder's typing passes again; the message follows.
        ann.send({"type": "typing", "conversation_id": cid})
        assert user.wait_for(lambda f: f["type"] == "typing", since=before) == STAFF_TYPING
        ann.say(cid, "Ik ben er.", "s1")
        assert user.wait_for(lambda f: f["type"] == "staff")["text"] == "Ik ben er."
        assert [f for f in ann.frames if f["type"] == "error"] == []
    finally:
        user.close()
        ann.close()
        bob.close()
