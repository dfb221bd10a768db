"""action_find_services with a fake directory client (the real one is tested end to end)."""

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.routing as routing
from actions.clients.directory import RouteRejected
from tests.actions.trackers import tracker

ROUTE = {
    "area": {"pc4": "3511", "place": "Utrecht"},
    "ambiguous": False,
    "candidates": [],
    "services": [
        {"name": "Alarmnummer 112", "phones": [{"number": "112", "cost": None, "hours": "24/7"}]},
        {
            "name": "Veilig Thuis",
            "phones": [{"number": "0800-2000", "cost": "free", "hours": None}],
        },
    ],
}


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the directory call; record the postcodes it was asked for."""
    postcodes: list[str] = []

    async def fake_route(base_url: str, postcode: str, timeout: float) -> Any:
        postcodes.append(postcode)
        if postcode.startswith("99"):
            return RouteRejected(code="not_dutch_postcode")
        return ROUTE

    monkeypatch.setattr(routing, "route_postcode", fake_route)
    return postcodes


def run(**state: Any) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(routing.ActionFindServices().run(dispatcher, tracker(**state), {}))
    return dispatcher.messages, events


def test_find_services_normalises_arabic_indic_digits(asked: list[str]) -> None:
    messages, events = run(entities=[{"entity": "postcode", "value": "٣٥١١"}])
    assert asked == ["3511"]
    assert [m["response"] for m in messages] == [
        "utter_route_intro",
        "utter_route_service",
        "utter_route_service",
    ]
    assert messages[1]["phones"] == "112 (24/7)"
    assert events == [{"event": "slot", "name": "postcode", "value": "3511", "timestamp": None}]


def test_find_services_asks_for_postcode_when_missing(asked: list[str]) -> None:
    messages, events = run()
    assert asked == []
    assert [m["response"] for m in messages] == ["utter_ask_postcode"]
    assert events[0]["name"] == "postcode_asked"


def test_find_services_never_asks_twice(asked: list[str]) -> None:
    messages, _ = run(slots={"postcode_asked": True})
    assert [m["response"] for m in messages] == ["utter_route_town_unknown"]


def test_find_services_uses_known_postcode(asked: list[str]) -> None:
    run(slots={"postcode": "3511"})
    assert asked == ["3511"]


def test_find_services_explains_not_dutch_postcode(asked: list[str]) -> None:
    messages, events = run(entities=[{"entity": "postcode", "value": "9999"}])
    assert [m["response"] for m in messages] == ["utter_route_not_dutch"]
    assert {"event": "slot", "name": "postcode", "value": None, "timestamp": None} in events
