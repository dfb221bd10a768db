import asyncio
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.local_help import ActionOfferLocalHelp
from tests.actions.trackers import tracker


def run(slots: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionOfferLocalHelp().run(dispatcher, tracker(slots=slots), {}))
    return dispatcher.messages, events


def test_offer_local_help_asks_for_postcode_once() -> None:
    messages, events = run({})
    assert [m["response"] for m in messages] == ["utter_ask_postcode"]
    assert events == [{"event": "slot", "name": "postcode_asked", "value": True, "timestamp": None}]


def test_offer_local_help_silent_when_asked_before() -> None:
    assert run({"postcode_asked": True}) == ([], [])


def test_offer_local_help_silent_when_postcode_known() -> None:
    assert run({"postcode": "3511"}) == ([], [])
