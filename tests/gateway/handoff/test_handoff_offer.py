"""The bot offers a counsellor by itself: after danger, suicidal thoughts, a child's story,
and after not understanding twice in a row (issue 5). Through the real gateway and Rasa."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import RunningStack
from tests.gateway.handoff.clients import Frame, StaffClient, UserClient, create_staff

pytestmark = pytest.mark.stack

RESPONSES = Path(__file__).resolve().parents[3] / "bot" / "responses"


def response(language: str, key: str) -> dict[str, Any]:
    data = yaml.safe_load((RESPONSES / f"{language}.yml").read_text(encoding="utf-8"))
    entry = data["responses"][key]
    return entry if isinstance(entry, dict) else {"text": entry}


def bot_frames(user: UserClient, since: int) -> list[Frame]:
    return [f for f in user.frames[since:] if f["type"] == "bot"]


# Keyboard mashes; which of them the classifier leaves below the fallback threshold changes
# with every retrain (about a quarter get a crisis answer: docs/nlu.md), so the test asks Rasa.
MASHES = ["qwx zzvb", "blrp fnq", "xkcd qpz", "ppp qqq", "mnbv cxz", "hgfd lkj", "kwq zlp vrt"]


def not_understood(stack: RunningStack, count: int) -> list[str]:
    """`count` of MASHES that Rasa itself serves as nlu_fallback."""
    found = []
    for text in MASHES:
        if stack.rasa_intent(text) == "nlu_fallback":
            found.append(text)
            if len(found) == count:
                return found
    raise AssertionError(f"only {len(found)} of {len(MASHES)} mashes are not understood")


def offer_after(user: UserClient, text: str) -> list[Frame]:
    """Say `text`; the bot frames up to and including the counsellor offer."""
    since = len(user.frames)
    user.say(text)
    offer = response(user.language, "utter_offer_counsellor")["text"]
    user.wait_for(lambda f: f["type"] == "bot" and f["text"] == offer, timeout=60, since=since)
    return bot_frames(user, since)


def test_offer_counsellor_after_danger_and_queue_with_risk(clean_handoff: RunningStack) -> None:
    staff = StaffClient(clean_handoff, create_staff(clean_handoff))
    user = UserClient(clean_handoff, language="ar")
    try:
        frames = offer_after(user, "ساعدوني زوجي يضربني الآن ومعه سكين")
        assert "112" in frames[0]["text"].splitlines()[0], "112 comes first, the offer after"
        offer = frames[-1]
        assert [b["payload"] for b in offer["buttons"]] == ["/talk_to_human", "/deny"]
        assert offer["dir"] == "rtl"

        since = len(user.frames)
        user.say(offer["buttons"][0]["payload"])
        consent = response("ar", "utter_ask_handoff_consent")
        asked = user.wait_for(lambda f: f["type"] == "bot" and bool(f.get("buttons")), since=since)
        assert asked["text"] == consent["text"]
        user.say("/affirm")
        user.wait_for(lambda f: f.get("code") == "handoff_waiting")
        cid = user.conversation_id
        queue = staff.wait_for(
            lambda f: f["type"] == "queue" and any(i["conversation_id"] == cid for i in f["items"])
        )
        item = next(i for i in queue["items"] if i["conversation_id"] == cid)
        assert item["risk"] is True and item["topic"] == "immediate_danger"
        assert item["language"] == "ar" and item["consent"] is True
    finally:
        user.close()
        staff.close()


def test_offer_counsellor_after_suicidal_thoughts_and_accept_no(
    clean_handoff: RunningStack,
) -> None:
    user = UserClient(clean_handoff, language="en")
    try:
        frames = offer_after(user, "I don't want to live anymore")
        assert "113" in frames[0]["text"].splitlines()[0]
        since = len(user.frames)
        user.say("no")
        declined = response("en", "utter_offer_declined")["text"]
        user.wait_for(lambda f: f["type"] == "bot" and f["text"] == declined, since=since)
        user.drain(1.0)
        assert not any(f.get("code", "").startswith("handoff") for f in user.frames[since:])
    finally:
        user.close()


def test_offer_counsellor_after_child_abuse(clean_handoff: RunningStack) -> None:
    user = UserClient(clean_handoff, language="nl")
    try:
        frames = offer_after(user, "mijn vader slaat mij elke dag en ik ben 11 jaar")
        assert "0800-0432" in " ".join(f["text"] for f in frames), "Kindertelefoon first"
    finally:
        user.close()


def test_offer_counsellor_when_not_understood_twice(clean_handoff: RunningStack) -> None:
    user = UserClient(clean_handoff, language="nl")
    offer = response("nl", "utter_offer_counsellor")["text"]
    first, second = not_understood(clean_handoff, 2)
    try:
        since = len(user.frames)
        user.say(first)
        default = response("nl", "utter_default")["text"]
        user.wait_for(lambda f: f["type"] == "bot" and f["text"] == default, since=since)
        user.drain(1.0)
        assert offer not in [f["text"] for f in bot_frames(user, since)], "not after one"
        frames = offer_after(user, second)
        assert [f["text"] for f in frames] == [default, offer]
    finally:
        user.close()
