"""`action_not_understood`: what the bot says when it is not sure what the user means.

Low confidence never gives a confident wrong answer: the bot asks again and gives the
numbers (`utter_default`). Not understood twice in a row, it also offers a counsellor
(issue 5). A rule cannot say "twice" (Rasa rules hold one user message), hence an action.
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import user_intents

FALLBACK_INTENT = "nlu_fallback"


def not_understood_twice(intents: list[str]) -> bool:
    return intents[-2:] == [FALLBACK_INTENT, FALLBACK_INTENT]


class ActionNotUnderstood(Action):
    def name(self) -> str:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_default")
        if not_understood_twice(user_intents(tracker)):
            dispatcher.utter_message(response="utter_offer_counsellor")
        return []
