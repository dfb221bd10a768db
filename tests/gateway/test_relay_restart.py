"""A conversation lives in Redis: it survives Rasa being killed and restarted."""

import pytest

from tests.chat_socket import open_chat, turn
from tests.conftest import RunningStack

pytestmark = pytest.mark.stack


def test_keep_conversation_when_rasa_restarts(stack: RunningStack) -> None:
    with open_chat(stack, "en") as (socket, ready):
        conversation_id = ready["conversation_id"]
        frames = turn(socket, "3511")
        assert any(f["type"] == "bot" and "0800-2000" in f["text"] for f in frames)
        before = stack.rasa_tracker(conversation_id)
        assert before["slots"]["postcode"] == "3511"

        stack.supervisor.kill("rasa")
        stack.supervisor.start(stack.supervisor.specs["rasa"])
        stack.supervisor.wait_ready(["rasa"])

        after_restart = stack.rasa_tracker(conversation_id)
        assert after_restart["slots"]["postcode"] == "3511"
        assert after_restart["events"] == before["events"]

        frames = turn(socket, "hello")
        assert any(f["type"] == "bot" and "Hulpwijzer" in f["text"] for f in frames)
        assert len(stack.rasa_tracker(conversation_id)["events"]) > len(before["events"])
