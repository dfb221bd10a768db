"""When the gateway is unreachable or drops: emergency numbers from the bundle, reconnect."""

from __future__ import annotations

import socket

import pytest
from conftest import open_widget, send_message, wait_until
from playwright.sync_api import Page, expect
from widget_fake_gateway import GatewayScript

pytestmark = pytest.mark.browser

NOT_CONNECTED = "[data-hw-notice=not-connected]"
# A first retry 30-60 s away: once offline (`waiting`), the widget stays so for the whole test.
STAY_OFFLINE = "retry_ms=60000&retry_max_ms=60000"


def _dead_gateway() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.parametrize(
    ("language", "title", "veilig_thuis"),
    [
        ("nl", "De chat is nu niet bereikbaar.", "Veilig Thuis (huiselijk geweld"),
        ("en", "The chat cannot be reached right now.", "Veilig Thuis (domestic violence"),
    ],
)
def test_show_emergency_numbers_when_gateway_unreachable(
    page: Page, fake_gateway: str, language: str, title: str, veilig_thuis: str
) -> None:
    page.goto(f"{fake_gateway}/page?lang={language}&gateway={_dead_gateway()}&{STAY_OFFLINE}")
    offline = page.locator("[data-hw-offline]")
    expect(offline).to_be_visible()
    expect(offline).to_have_attribute("role", "alert")
    expect(offline).to_contain_text(title)
    links = offline.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(3)] == [
        "tel:112",
        "tel:08002000",
        "tel:08000188",
    ]
    expect(offline.locator("[data-hw-emergency=veilig_thuis]")).to_contain_text(veilig_thuis)
    # Typing and pressing Enter while offline keeps the text.
    page.fill("[data-hw-input]", "help")
    page.press("[data-hw-input]", "Enter")
    expect(page.locator("[data-hw-input]")).to_have_value("help")
    assert page.locator("[data-hw-from=user]").count() == 0


def test_refuse_message_while_offline(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    # Unlike while connecting, offline a message is not kept for later: the user is told.
    gateway_script.refuse_connections = True
    page.goto(f"{fake_gateway}/page?{STAY_OFFLINE}")
    expect(page.locator("[data-hw-root]")).to_have_attribute("data-hw-connection", "disconnected")
    page.fill("[data-hw-input]", "help")
    page.press("[data-hw-input]", "Enter")
    expect(page.locator(NOT_CONNECTED)).to_have_count(1)
    expect(page.locator("[data-hw-input]")).to_have_value("help")
    expect(page.locator("[data-hw-from=user]")).to_have_count(0)
    # Once connected, nothing goes out that the user did not send again.
    gateway_script.refuse_connections = False
    page.click("[data-hw-offline] button")
    expect(page.locator("[data-hw-root]")).to_have_attribute("data-hw-connection", "connected")
    page.wait_for_timeout(300)
    assert gateway_script.frames_of("message") == []
    expect(page.locator("[data-hw-input]")).to_have_value("help")


def test_reconnect_after_drop_keeping_typed_text(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "hallo")
    page.fill("[data-hw-input]", "half getypt bericht")
    gateway_script.refuse_connections = True
    gateway_script.drop_all()
    expect(page.locator("[data-hw-offline]")).to_be_visible()
    expect(page.locator("[data-hw-offline]")).to_contain_text("0800-0188")
    page.wait_for_timeout(1500)  # at least one refused retry
    gateway_script.refuse_connections = False
    page.wait_for_selector("[data-hw-root][data-hw-connection=connected]", timeout=10_000)
    expect(page.locator("[data-hw-offline]")).to_be_hidden()
    expect(page.locator("[data-hw-input]")).to_have_value("half getypt bericht")
    # The same conversation continues: the id from memory goes in the new start frame.
    starts = gateway_script.frames_of("start")
    assert starts[0]["conversation_id"] is None
    assert starts[-1]["conversation_id"] is not None
    assert page.locator("[data-hw-from=user]").all_text_contents() == ["hallo"]
    send_message(page, "weer terug")
    assert wait_until(lambda: gateway_script.frames_of("message"))[-1]["text"] == "weer terug"
