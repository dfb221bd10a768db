"""A counsellor's account is deactivated while they hold conversations: the conversations
go back to the queue at their original place, the user is told and waits again with the
bot answering meanwhile, and a colleague takes over with the conversation so far."""

import pytest

from tests.conftest import RunningStack
from tests.gateway.handoff.clients import (
    Frame,
    StaffClient,
    UserClient,
    create_staff,
    deactivate_from_command_line,
    deactivate_staff,
    redis_command,
)

pytestmark = pytest.mark.stack


def is_requeued(frame: Frame) -> bool:
    return frame.get("code") == "handoff_closed" and frame.get("requeued") is True


def queue_with(staff: StaffClient, conversation_id: str, since: int) -> list[str]:
    """The conversations of the next queue frame that lists `conversation_id`, in order."""
    frame = staff.wait_for(
        lambda f: (
            f["type"] == "queue"
            and conversation_id in [item["conversation_id"] for item in f["items"]]
        ),
        since=since,
    )
    return [item["conversation_id"] for item in frame["items"]]


def test_requeue_conversation_of_deactivated_staff_from_command_line(
    clean_handoff: RunningStack,
) -> None:
    stack = clean_handoff
    ann = StaffClient(stack, create_staff(stack, "ann"))
    bob = StaffClient(stack, create_staff(stack, "bob"))
    first, second = UserClient(stack), UserClient(stack)
    try:
        first.request_handoff()
        first.wait_for(lambda f: f.get("code") == "handoff_waiting")
        second.request_handoff()
        second.wait_for(lambda f: f.get("code") == "handoff_waiting" and f["position"] == 2)
        cid = str(first.conversation_id)
        ann.claim(cid)
        ann.wait_for(lambda f: f["type"] == "conversation" and f["conversation_id"] == cid)
        first.wait_for(lambda f: f.get("code") == "handoff_joined")
        second.wait_for(lambda f: f.get("code") == "handoff_waiting" and f["position"] == 1)
        first.say("hello ann", "u1")
        ann.wait_for(lambda f: f["type"] == "log" and f.get("text") == "hello ann")
        ann.say(cid, "I am here.", "a1")
        first.wait_for(lambda f: f["type"] == "staff" and f["text"] == "I am here.")
        # Bob's queue lists only the second one now (and older queue frames are read).
        bob.wait_for(
            lambda f: (
                f["type"] == "queue"
                and [i["conversation_id"] for i in f["items"]] == [second.conversation_id]
            )
        )
        seen_by_bob, seen_by_first = len(bob.frames), len(first.frames)
        seen_by_second = len(second.frames)

        output = deactivate_from_command_line(stack, ann.username)
        assert "1 held conversation(s) back in the queue" in output
        assert cid not in output

        # The user: the counsellor left (a frame the widget already shows), then a way to
        # stop waiting and the first place again, before the one who asked later.
        left = first.wait_for(is_requeued, since=seen_by_first)
        after = first.frames.index(left) + 1  # the entry id makes it unique
        stop = first.wait_for(lambda f: f["type"] == "bot" and bool(f.get("buttons")), since=after)
        assert stop["buttons"][0]["payload"] == "/handoff_cancel"
        waiting = first.wait_for(lambda f: f.get("code") == "handoff_waiting", since=after)
        assert waiting["position"] == 1
        assert first.frames.index(stop) < first.frames.index(waiting)
        second.wait_for(
            lambda f: f.get("code") == "handoff_waiting" and f["position"] == 2,
            since=seen_by_second,
        )
        # The colleague sees it in the queue again, in its original place; ann's screen
        # drops it at once.
        assert queue_with(bob, cid, since=seen_by_bob) == [cid, str(second.conversation_id)]
        ann.wait_for(lambda f: f["type"] == "released" and f["conversation_id"] == cid)
        assert not redis_command(stack, "SMEMBERS", f"hw:staff:{ann.username}:held")
        # While waiting, the bot answers again (Rasa was resumed).
        tracker = stack.rasa_tracker(cid)
        pauses = [e["event"] for e in tracker["events"] if e["event"] in ("pause", "resume")]
        assert pauses[-1] == "resume"
        mark = len(first.frames)
        first.say("hello", "u2")
        first.wait_for(lambda f: f["type"] == "bot", since=mark)

        # Bob takes it over with the conversation so far, and the chat goes on.
        bob.claim(cid)
        bob.wait_for(lambda f: f["type"] == "conversation" and f["conversation_id"] == cid)
        bob.wait_for(lambda f: f["type"] == "log" and f.get("text") == "hello ann")
        first.wait_for(lambda f: f.get("code") == "handoff_joined", since=after)
        bob.say(cid, "Bob here, I am taking over.", "b1")
        first.wait_for(lambda f: f["type"] == "staff" and f["text"].startswith("Bob here"))
        bob.close_conversation(cid)
        first.wait_for(lambda f: f.get("code") == "handoff_closed" and not f.get("requeued"))
    finally:
        for client in (first, second, ann, bob):
            client.close()


def test_requeue_conversation_of_deactivated_staff_without_console(
    clean_handoff: RunningStack,
) -> None:
    """Deactivated in SQL only (the command line died before it reached Redis) while the
    counsellor's console is closed: the gateway's release check requeues it."""
    stack = clean_handoff
    ann = StaffClient(stack, create_staff(stack, "ann"))
    bob = StaffClient(stack, create_staff(stack, "bob"))
    user = UserClient(stack)
    try:
        user.request_handoff()
        user.wait_for(lambda f: f.get("code") == "handoff_waiting")
        cid = str(user.conversation_id)
        ann.claim(cid)
        user.wait_for(lambda f: f.get("code") == "handoff_joined")
        ann.close()
        seen = len(user.frames)

        deactivate_staff(stack, ann.username)

        user.wait_for(is_requeued, timeout=45, since=seen)  # a check every 30 s
        user.wait_for(lambda f: f.get("code") == "handoff_waiting", since=seen)
        bob.claim(cid)
        bob.wait_for(lambda f: f["type"] == "conversation" and f["conversation_id"] == cid)
        user.wait_for(lambda f: f.get("code") == "handoff_joined", since=seen)
        bob.close_conversation(cid)
    finally:
        for client in (user, ann, bob):
            client.close()
