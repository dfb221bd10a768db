"""Answers a postcode with the services that serve it, from the directory."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clients.directory import DirectoryUnavailable, RouteRejected, route_postcode
from actions.settings import get_settings


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
            dispatcher.utter_message(response="utter_route_invalid")
            return []
        settings = get_settings()
        try:
            route = await route_postcode(
                str(settings.directory_url), postcode, settings.directory_timeout_seconds
            )
        except DirectoryUnavailable:
            dispatcher.utter_message(response="utter_route_unavailable")
            return []
        if isinstance(route, RouteRejected):
            dispatcher.utter_message(response="utter_route_invalid")
            return [SlotSet("postcode", None)]

        area = route["area"]
        if route.get("ambiguous"):
            regions = " / ".join(c["vt_region"]["name"] for c in route.get("candidates", []))
            dispatcher.utter_message(
                response="utter_route_ambiguous", pc4=area["pc4"], regions=regions
            )
            return [SlotSet("postcode", None)]

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
