"""Fills the `language` slot each turn from the language the gateway decided."""

from typing import Any

from rasa_sdk import Tracker
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
