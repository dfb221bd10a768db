"""The gateway writes Rasa's `language` slot only when the conversation's language changes."""

from pathlib import Path

import pytest
import yaml

from tests.chat_socket import open_chat, turn
from tests.conftest import RunningStack

pytestmark = pytest.mark.stack

RESPONSES = Path(__file__).resolve().parents[2] / "bot" / "responses"


def catalogue(language: str) -> dict[str, str]:
    data = yaml.safe_load((RESPONSES / f"{language}.yml").read_text(encoding="utf-8"))
    return {str(key): str(text) for key, text in data["responses"].items()}


def language_slot_values(stack: RunningStack, conversation_id: str) -> list[str]:
    events = stack.rasa_tracker(conversation_id)["events"]
    return [e["value"] for e in events if e["event"] == "slot" and e["name"] == "language"]


def test_set_language_slot_once_per_change(stack: RunningStack) -> None:
    with open_chat(stack, "ar") as (socket, ready):
        conversation_id = ready["conversation_id"]
        greetings = [f["text"] for f in turn(socket, "مرحبا") if f["type"] == "bot"]
        turn(socket, "شكرا")
        assert catalogue("ar")["utter_greet"] in greetings
        assert language_slot_values(stack, conversation_id) == ["ar"]
        # A full Turkish sentence switches the conversation, and Rasa with it.
        replies = turn(socket, "merhaba, kocam bana vuruyor ve çok korkuyorum, ne yapabilirim?")
        assert all(f["language"] == "tr" for f in replies if f["type"] == "bot"), replies
        greetings = [f["text"] for f in turn(socket, "merhaba") if f["type"] == "bot"]
        assert catalogue("tr")["utter_greet"] in greetings
    assert language_slot_values(stack, conversation_id) == ["ar", "tr"]
