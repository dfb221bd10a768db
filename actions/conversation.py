"""What actions read from the conversation so far (the tracker Rasa sends)."""

from rasa_sdk import Tracker


def user_intents(tracker: Tracker) -> list[str]:
    """The intent of every user message, oldest first."""
    return [
        str((event.get("parse_data") or {}).get("intent", {}).get("name") or "")
        for event in tracker.events
        if event.get("event") == "user"
    ]
