import pytest
from pydantic import ValidationError

from gateway.frames import CLIENT_FRAME, MessageFrame, StartFrame


def test_parse_start_frame() -> None:
    frame = CLIENT_FRAME.validate_json('{"type":"start","language":"ar"}')
    assert isinstance(frame, StartFrame) and frame.language == "ar"


def test_parse_message_frame() -> None:
    frame = CLIENT_FRAME.validate_json('{"type":"message","text":"hallo","id":"c1"}')
    assert isinstance(frame, MessageFrame) and frame.text == "hallo"


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '{"type":"shout","text":"x"}',
        '{"type":"message"}',
        '{"type":"message","text":5}',
        '{"type":"message","text":"x","html":"<b>"}',
        '{"type":"start","conversation_id":"' + "x" * 100 + '"}',
    ],
)
def test_reject_malformed_frame(raw: str) -> None:
    with pytest.raises(ValidationError):
        CLIENT_FRAME.validate_json(raw)
