"""Named tracker states for action tests (the shape Rasa sends to the action server)."""

from typing import Any

from rasa_sdk import Tracker


def tracker(
    *,
    slots: dict[str, Any] | None = None,
    intent: str = "greet",
    entities: list[dict[str, Any]] | None = None,
    text: str = "",
    earlier_intents: tuple[str, ...] = (),
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "text": text,
        "metadata": {},
    }
    return Tracker(
        sender_id="test",
        slots={"language": "nl", "postcode": None, "postcode_asked": False, **(slots or {})},
        latest_message=latest,
        events=[
            *(
                {"event": "user", "parse_data": {"intent": {"name": name}}}
                for name in earlier_intents
            ),
            {"event": "user", "parse_data": latest},
        ],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
