import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.language import ActionChangeLanguage
from tests.actions.trackers import tracker


def run(entities: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    state = tracker(intent="change_language", entities=entities)
    events = asyncio.run(ActionChangeLanguage().run(dispatcher, state, {}))
    return dispatcher.messages, events


def test_change_language_sets_slot_and_tells_gateway() -> None:
    messages, events = run([{"entity": "language", "value": "ar"}])
    assert [m["custom"] for m in messages] == [{"set_language": "ar"}]
    assert {"event": "slot", "name": "language", "value": "ar", "timestamp": None} in events
    assert events[-1]["event"] == "followup"
    assert events[-1]["name"] == "utter_language_changed"


def test_change_language_unknown_lists_languages() -> None:
    messages, events = run([{"entity": "language", "value": "Russian"}])
    assert messages == []
    assert [e["event"] for e in events] == ["followup"]
    assert events[0]["name"] == "utter_language_options"


def test_change_language_without_entity_lists_languages() -> None:
    messages, events = run([])
    assert messages == []
    assert events[0]["name"] == "utter_language_options"
