"""Handoff delivery across reconnects: `after`, no repeats, resend of unacked messages, statuses."""

from __future__ import annotations

import pytest
from conftest import EMPTY_STORAGE, STORAGE_PROBE, open_widget, wait_until
from playwright.sync_api import Page, expect
from widget_fake_gateway import GatewayScript

pytestmark = pytest.mark.browser

STAFF = "[data-hw-from=staff]"


def _type(page: Page, text: str) -> None:
    page.fill("[data-hw-input]", text)
    page.press("[data-hw-input]", "Enter")


def test_send_after_and_drop_replayed_frames_on_reconnect(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    _type(page, "staff-drop")  # joined + staff frame, then the socket drops
    # The reconnect replays every entry, then a new staff message: each is shown once.
    expect(page.locator(STAFF)).to_have_text(["Hallo, ik ben een hulpverlener.", "Ik ben er nog."])
    expect(page.locator("[data-hw-notice=handoff_joined]")).to_have_count(1)
    starts = gateway_script.frames_of("start")
    assert len(starts) == 2
    assert "after" not in starts[0]
    shown_before_drop = gateway_script.handoff_log[1]["id"]
    assert starts[1]["after"] == shown_before_drop
    assert starts[1]["conversation_id"] is not None
    # The cursor is kept in memory only.
    assert page.evaluate(STORAGE_PROBE) == EMPTY_STORAGE


def test_send_latest_shown_id_as_after_on_next_reconnect(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    _type(page, "staff-drop")
    expect(page.locator(STAFF)).to_have_count(2)
    gateway_script.drop_all()
    wait_until(lambda: len(gateway_script.frames_of("start")) == 3)
    assert gateway_script.frames_of("start")[2]["after"] == gateway_script.handoff_log[2]["id"]
    expect(page.locator(STAFF)).to_have_count(3)
    page.wait_for_timeout(300)  # a late repeat would show up here
    expect(page.locator(STAFF)).to_have_count(3)


def test_resend_unacked_message_with_same_id_after_reconnect(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    _type(page, "noack")  # the gateway drops the socket before acknowledging it
    user = page.locator("[data-hw-from=user]")
    expect(user).to_have_attribute("data-hw-state", "delivered", timeout=10_000)
    sent = [f for f in gateway_script.frames_of("message") if f["text"] == "noack"]
    assert len(sent) == 2
    assert sent[0]["id"] == sent[1]["id"]
    expect(user).to_have_text(["noack"])
    expect(page.locator("[data-hw-from=bot]")).to_have_count(1)
    expect(page.locator("[data-hw-input]")).to_have_value("")


def test_not_resend_acked_message_after_reconnect(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    _type(page, "drop")  # acknowledged, then the socket drops
    wait_until(lambda: len(gateway_script.frames_of("start")) == 2)
    page.wait_for_selector("[data-hw-root][data-hw-connection=connected]")
    page.wait_for_timeout(300)
    assert [f["text"] for f in gateway_script.frames_of("message")] == ["drop"]


@pytest.mark.parametrize(
    ("text", "code", "language", "shown"),
    [
        ("unavailable", "handoff_unavailable", "nl", "Er is nu geen hulpverlener beschikbaar."),
        ("cancel", "handoff_cancelled", "nl", "Je wacht niet meer."),
        ("transfer", "handoff_transferred", "nl", "Een andere hulpverlener heeft de chat"),
        ("transfer", "handoff_transferred", "en", "Another counsellor has taken over"),
    ],
)
def test_show_handoff_status(
    page: Page, fake_gateway: str, text: str, code: str, language: str, shown: str
) -> None:
    open_widget(page, fake_gateway, lang=language)
    _type(page, text)
    notice = page.locator(f"[data-hw-notice={code}]")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(shown)


def test_show_112_as_link_when_handoff_unavailable(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    _type(page, "unavailable")
    link = page.locator("[data-hw-notice=handoff_unavailable] a")
    expect(link).to_have_attribute("href", "tel:112")


def test_keep_sending_typing_after_transfer(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    _type(page, "transfer")
    expect(page.locator("[data-hw-notice=handoff_transferred]")).to_have_count(1)
    page.locator("[data-hw-input]").press_sequentially("ha")
    wait_until(lambda: gateway_script.frames_of("typing"))
