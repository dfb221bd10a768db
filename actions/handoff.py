"""Tells the gateway that the user wants a counsellor, and whether they agreed to share.

The gateway owns the queue and the switch between bot and human; this action only sends a
custom payload (`hw_handoff`) that the gateway reads in Rasa's reply (docs/handoff.md).
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import user_intents

# Intents that say what the conversation is about, most specific first.
TOPIC_INTENTS = (
    "immediate_danger",
    "suicidal_thoughts",
    "child_abuse",
    "sexual_violence",
    "domestic_violence",
    "forced_marriage_honour",
    "online_abuse",
    "find_shelter",
    "protection_order",
    "report_to_police",
    "legal_help",
    "is_this_abuse",
)
# Intents that put a conversation first in the staff queue.
RISK_INTENTS = frozenset({"immediate_danger", "suicidal_thoughts", "child_abuse"})


def conversation_topic(intents: list[str]) -> str:
    seen = set(intents)
    return next((topic for topic in TOPIC_INTENTS if topic in seen), "general")


class ActionRequestHandoff(Action):
    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intents = user_intents(tracker)
        consent = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        dispatcher.utter_message(
            json_message={
                "hw_handoff": {
                    "consent": consent,
                    "topic": conversation_topic(intents),
                    "risk": any(intent in RISK_INTENTS for intent in intents),
                }
            }
        )
        return []
