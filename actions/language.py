"""An explicit request to change the conversation's language.

The gateway writes the `language` slot through Rasa's tracker API when the language changes
(gateway/relay.py); this action handles "can we speak Arabic".
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

SUPPORTED_LANGUAGES = frozenset({"nl", "en", "ar", "tr", "pl", "uk", "fa", "so", "ti"})


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
