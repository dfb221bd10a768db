"""An explicit request to change language, understood by the bot, switches the chat."""

import pytest

from tests.chat_socket import open_chat, turn
from tests.conftest import RunningStack

pytestmark = pytest.mark.stack


@pytest.mark.parametrize(
    ("request_text", "language"), [("po polsku", "pl"), ("English please", "en")]
)
def test_switch_language_on_request(stack: RunningStack, request_text: str, language: str) -> None:
    with open_chat(stack, "nl") as (socket, _):
        # Two words: too short for the gateway's detector, so only the bot can switch.
        frames = turn(socket, request_text)
        status = [f for f in frames if f["type"] == "status" and f["code"] == "language_changed"]
        assert status and status[0]["language"] == language, frames
        later = [f for f in turn(socket, "ok") if f["type"] == "bot"]
    assert later and all(f["language"] == language for f in later)
