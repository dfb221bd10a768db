import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionNotUnderstood
from tests.actions.trackers import tracker


def responses(earlier_intents: tuple[str, ...]) -> list[str]:
    dispatcher = CollectingDispatcher()
    state = tracker(intent="nlu_fallback", earlier_intents=earlier_intents)
    assert asyncio.run(ActionNotUnderstood().run(dispatcher, state, {})) == []
    return [message["response"] for message in dispatcher.messages]


@pytest.mark.parametrize("earlier", [(), ("greet",), ("nlu_fallback", "greet")])
def test_not_understood_once_asks_again(earlier: tuple[str, ...]) -> None:
    assert responses(earlier) == ["utter_default"]


def test_not_understood_twice_offers_counsellor() -> None:
    assert responses(("greet", "nlu_fallback")) == ["utter_default", "utter_offer_counsellor"]
