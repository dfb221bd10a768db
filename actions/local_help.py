"""Offers to look up local help by postcode, once per conversation."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionOfferLocalHelp(Action):
    """After a topic answer: ask for the postcode unless it is known or was asked before."""

    def name(self) -> str:
        return "action_offer_local_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("postcode") or tracker.get_slot("postcode_asked"):
            return []
        dispatcher.utter_message(response="utter_ask_postcode")
        return [SlotSet("postcode_asked", True)]
