"""A handoff through the real gateway, Rasa and Redis, with websocket clients."""

import pytest

from gateway.handoff import keys
from tests.conftest import RunningStack
from tests.gateway.handoff.clients import StaffClient, UserClient, create_staff, redis_command

pytestmark = pytest.mark.stack


def tracker_events(stack: RunningStack, conversation_id: str) -> list[str]:
    events = stack.rasa_tracker(conversation_id)["events"]
    return [event.get("name") or event["event"] for event in events]


def test_relay_messages_while_bot_paused(clean_handoff: RunningStack) -> None:
    stack = clean_handoff
    staff = StaffClient(stack, create_staff(stack))
    user = UserClient(stack)
    try:
        user.request_handoff(consent=True)
        waiting = user.wait_for(lambda f: f.get("code") == "handoff_waiting")
        assert waiting["position"] == 1 and waiting["wait_minutes"] >= 1
        cid = user.conversation_id
        assert cid is not None
        queue = staff.wait_for(
            lambda f: f["type"] == "queue" and any(i["conversation_id"] == cid for i in f["items"])
        )
        item = next(i for i in queue["items"] if i["conversation_id"] == cid)
        assert item["language"] == "en" and item["consent"] is True

        staff.claim(cid)
        details = staff.wait_for(lambda f: f["type"] == "conversation")
        assert details["language_name"] == "Engels"
        assert any(line["from"] == "bot" for line in details["transcript"])
        assert details["phrases"]["available_in_user_language"] is True
        user.wait_for(lambda f: f.get("code") == "handoff_joined")
        assert tracker_events(stack, cid)[-1] == "pause"

        before = len(user.frames)
        user.say("I am scared", "u1")
        user.wait_for(lambda f: f == {"type": "ack", "id": "u1"})
        got = staff.wait_for(lambda f: f["type"] == "log" and f["from"] == "user")
        assert got["text"] == "I am scared"
        staff.say(cid, "You are safe to write here.", "s1")
        staff.wait_for(lambda f: f == {"type": "ack", "id": "s1"})
        reply = user.wait_for(lambda f: f["type"] == "staff")
        assert reply["text"] == "You are safe to write here."
        user.drain(1.0)
        assert [f for f in user.frames[before:] if f["type"] == "bot"] == [], "bot is paused"
        # The bot recorded neither the human's text nor a reply while paused.
        tracker = stack.rasa_tracker(cid)
        assert all("I am scared" != e.get("text") for e in tracker["events"])

        staff.close_conversation(cid, "referred_veilig_thuis")
        staff.wait_for(lambda f: f["type"] == "released" and f["reason"] == "closed")
        user.wait_for(lambda f: f.get("code") == "handoff_closed")
        user.wait_for(lambda f: f["type"] == "bot" and "Hulpwijzer" in f["text"])
        assert redis_command(stack, "EXISTS", keys.handoff(cid), keys.log(cid)) == 0
        assert tracker_events(stack, cid)[-2:] == ["resume", "action_listen"]

        count = len(user.frames)
        user.say("hello", "u2")
        user.wait_for(lambda f: f["type"] == "bot" and user.frames.index(f) >= count)
    finally:
        user.close()
        staff.close()


def test_answer_at_once_when_nobody_online(clean_handoff: RunningStack) -> None:
    user = UserClient(clean_handoff, language="nl")
    try:
        user.request_handoff(consent=False)
        status = user.wait_for(lambda f: f.get("code") == "handoff_unavailable")
        text = " ".join(f.get("text", "") for f in user.frames if f["type"] == "bot")
        assert text.index("112") < text.index("0800-2000")
        assert "0800-0188" in text
        assert "waiting" not in str(status)
        assert redis_command(clean_handoff, "ZCARD", keys.QUEUE) == 0
    finally:
        user.close()


def test_cancel_waiting(clean_handoff: RunningStack) -> None:
    staff = StaffClient(clean_handoff, create_staff(clean_handoff))
    user = UserClient(clean_handoff)
    try:
        user.request_handoff()
        queued = user.wait_for(
            lambda f: (
                f["type"] == "bot"
                and bool(f.get("buttons"))
                and f["buttons"][0]["payload"] == "/handoff_cancel"
            )
        )
        user.wait_for(lambda f: f.get("code") == "handoff_waiting")
        user.say(queued["buttons"][0]["payload"])
        user.wait_for(lambda f: f.get("code") == "handoff_cancelled")
        staff.wait_for(lambda f: f["type"] == "queue" and not f["items"])
        assert redis_command(clean_handoff, "EXISTS", keys.handoff(user.conversation_id)) == 0
    finally:
        user.close()
        staff.close()
