"""The conversation's language: from the gateway each turn, or on an explicit request."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

SUPPORTED_LANGUAGES = frozenset({"nl", "en", "ar", "tr", "pl", "uk", "fa", "so", "ti"})


class ValidatePredefinedSlots(ValidationAction):
    """`action_validate_slot_mappings`: Rasa runs it after every user message."""

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        metadata = tracker.latest_message.get("metadata") or {}
        language = metadata.get("language")
        if language in SUPPORTED_LANGUAGES and language != tracker.get_slot("language"):
            return {"language": language}
        return {}


def requested_language(tracker: Tracker) -> str | None:
    """The ISO 639-1 code the user asked for (the NLU maps language names to codes)."""
    for value in tracker.get_latest_entity_values("language"):
        code = str(value).strip().lower()
        if code in SUPPORTED_LANGUAGES:
            return code
    return None


class ActionChangeLanguage(Action):
    """Switches to the requested language and tells the gateway, which owns the language.

    The confirmation is a follow-up action because Rasa renders an action's own responses
    before applying its events: a text sent from here would still be in the old language.
    """

    def name(self) -> str:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = requested_language(tracker)
        if language is None:
            return [FollowupAction("utter_language_options")]
        dispatcher.utter_message(json_message={"set_language": language})
        return [SlotSet("language", language), FollowupAction("utter_language_changed")]
