import json

from gateway.messages import I18N_DIR, text


def test_fill_placeholders_in_user_language() -> None:
    assert "1000" in text("message_too_long", "nl", limit=1000)
    assert text("message_too_long", "nl", limit=1) != text("message_too_long", "en", limit=1)


def test_fall_back_to_english_for_missing_language() -> None:
    assert text("empty_message", "xx") == text("empty_message", "en")


def test_give_emergency_numbers_when_bot_unavailable() -> None:
    for path in I18N_DIR.glob("*.json"):
        message = json.loads(path.read_text())["bot_unavailable"]
        assert message.index("112") < message.index("0800-2000"), path.name
        assert "0800-0188" in message, path.name


def test_define_same_codes_in_every_language() -> None:
    english = set(json.loads((I18N_DIR / "en.json").read_text()))
    for path in I18N_DIR.glob("*.json"):
        assert set(json.loads(path.read_text())) == english, path.name
