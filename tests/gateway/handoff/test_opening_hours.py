"""Opening hours of the staffed chat."""

from datetime import datetime

import pytest

from gateway.handoff.hours import is_open, parse_opening_hours


def test_open_on_weekday_within_hours() -> None:
    hours = parse_opening_hours("Mo-Fr 09:00-17:00, Sa 10:00-14:00")
    assert is_open(hours, datetime(2026, 11, 30, 9, 0))  # Monday
    assert not is_open(hours, datetime(2026, 11, 30, 17, 0))
    assert is_open(hours, datetime(2026, 12, 5, 13, 59))  # Saturday
    assert not is_open(hours, datetime(2026, 12, 6, 12, 0))  # Sunday


def test_open_all_day_until_midnight() -> None:
    hours = parse_opening_hours("Mo-Su 00:00-24:00")
    assert is_open(hours, datetime(2026, 12, 6, 23, 59))


@pytest.mark.parametrize("spec", ["Mon 09:00-17:00", "Mo 17:00-09:00", "Mo 09:00-25:00", ""])
def test_reject_unreadable_opening_hours(spec: str) -> None:
    with pytest.raises(ValueError, match="opening hours"):
        parse_opening_hours(spec)


def test_refuse_handoff_outside_opening_hours() -> None:
    import httpx
    from redis.asyncio import Redis

    from gateway.handoff.service import HandoffService
    from gateway.settings import GatewaySettings

    settings = GatewaySettings(handoff_opening_hours="Mo-Fr 09:00-17:00")
    service = HandoffService(settings, Redis(), httpx.AsyncClient())
    zone = service._zone
    assert not service.is_open_now(datetime(2026, 12, 5, 12, 0, tzinfo=zone))  # Saturday
    assert service.is_open_now(datetime(2026, 12, 4, 12, 0, tzinfo=zone))
    assert service.hours_text("nl") == "ma-vr 09:00-17:00"
