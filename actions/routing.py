"""Answers a postcode with the services that serve it, from the directory."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clients.directory import DirectoryUnavailable, RouteRejected, route_postcode
from actions.postcode import normalise_digits
from actions.settings import get_settings

# The directory's 422 codes (docs/protocol.md) and the response that explains each.
REJECTION_RESPONSES = {
    "invalid_postcode": "utter_route_invalid",
    "unknown_postcode": "utter_route_invalid",
    "not_dutch_postcode": "utter_route_not_dutch",
}


def format_phones(service: dict[str, Any]) -> str:
    """`0800-2000 (free, 24/7)`: number first, then what is known about it."""
    parts = []
    for phone in service.get("phones") or []:
        details = ", ".join(
            str(value) for value in (phone.get("cost"), phone.get("hours")) if value
        )
        parts.append(f"{phone['number']} ({details})" if details else str(phone["number"]))
    return "; ".join(parts)


class ActionFindServices(Action):
    def name(self) -> str:
        return "action_find_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        postcode = next(tracker.get_latest_entity_values("postcode"), None) or tracker.get_slot(
            "postcode"
        )
        if not postcode:
            # Asked before (e.g. the user answered with a town): explain, don't repeat.
            if tracker.get_slot("postcode_asked"):
                dispatcher.utter_message(response="utter_route_town_unknown")
                return []
            dispatcher.utter_message(response="utter_ask_postcode")
            return [SlotSet("postcode_asked", True)]
        postcode = normalise_digits(str(postcode))
        settings = get_settings()
        try:
            route = await route_postcode(
                str(settings.directory_url), postcode, settings.directory_timeout_seconds
            )
        except DirectoryUnavailable:
            dispatcher.utter_message(response="utter_route_unavailable")
            return []
        if isinstance(route, RouteRejected):
            response = REJECTION_RESPONSES.get(route.code, "utter_route_invalid")
            dispatcher.utter_message(response=response)
            return [SlotSet("postcode", None), SlotSet("postcode_asked", True)]

        area = route["area"]
        if route.get("ambiguous"):
            regions = " / ".join(c["vt_region"]["name"] for c in route.get("candidates", []))
            dispatcher.utter_message(
                response="utter_route_ambiguous", pc4=area["pc4"], regions=regions
            )
            return [SlotSet("postcode", None), SlotSet("postcode_asked", True)]

        dispatcher.utter_message(
            response="utter_route_intro", pc4=area["pc4"], place=area.get("place") or ""
        )
        for service in route.get("services", []):
            phones = format_phones(service)
            if phones:
                dispatcher.utter_message(
                    response="utter_route_service", name=service["name"], phones=phones
                )
        return [SlotSet("postcode", area["pc4"])]
