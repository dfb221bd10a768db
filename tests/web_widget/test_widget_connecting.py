"""Messages typed while the widget is still connecting wait for `ready`, then go out by themselves.

The fake gateway holds the socket opening or the `ready` frame (`GatewayScript.hold`), as a
slow phone network or a busy gateway would. What the page sends is read from the browser's side
of the socket: while the fake gateway holds `ready` it reads no further frames.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import EMPTY_STORAGE, STORAGE_PROBE, open_widget, send_message, wait_until
from playwright.sync_api import Page, WebSocket, expect
from widget_fake_gateway import GatewayScript

pytestmark = pytest.mark.browser

USER = "[data-hw-from=user]"
SENDING = "[data-hw-from=user]:not([data-hw-state])"
NOT_CONNECTED = "[data-hw-notice=not-connected]"
# A first retry 30-60 s away: once offline, the widget stays offline for the whole test.
STAY_OFFLINE = "retry_ms=60000&retry_max_ms=60000"


def _messages_sent(page: Page) -> list[dict[str, Any]]:
    """Every `message` frame the page hands to any of its sockets, in order."""
    sent: list[dict[str, Any]] = []

    def watch(ws: WebSocket) -> None:
        def on_frame(payload: str | bytes) -> None:
            frame = json.loads(payload)
            if frame.get("type") == "message":
                sent.append(frame)

        ws.on("framesent", on_frame)

    page.on("websocket", watch)
    return sent


def _open_held(
    page: Page, base_url: str, script: GatewayScript, hold: str, query: str = ""
) -> None:
    """Open the page while the gateway holds `hold`; return once the widget is connecting."""
    script.hold = hold
    page.goto(f"{base_url}/page?{query}")
    expect(page.locator("[data-hw-root]")).to_have_attribute("data-hw-connection", "connecting")
    if hold == "ready":
        wait_until(lambda: script.frames_of("start"))  # the socket is open, `ready` is due


def _type(page: Page, text: str) -> None:
    page.fill("[data-hw-input]", text)
    page.press("[data-hw-input]", "Enter")


@pytest.mark.parametrize("hold", ["accept", "ready"], ids=["socket-opening", "awaiting-ready"])
def test_send_message_typed_before_ready_once_ready(
    page: Page, fake_gateway: str, gateway_script: GatewayScript, hold: str
) -> None:
    sent = _messages_sent(page)
    _open_held(page, fake_gateway, gateway_script, hold)
    _type(page, "hallo")
    # Accepted at once: shown as sending, the box empty, no "not connected".
    expect(page.locator(SENDING)).to_have_text(["hallo"])
    expect(page.locator("[data-hw-input]")).to_have_value("")
    page.wait_for_timeout(300)  # a frame sent too early would be seen by now
    assert sent == []

    gateway_script.hold = None
    expect(page.locator(f"{USER}[data-hw-state=delivered]")).to_have_text(["hallo"])
    expect(page.locator("[data-hw-from=bot]")).to_have_count(1)
    page.wait_for_timeout(300)  # a second copy would arrive by now
    assert [f["text"] for f in gateway_script.frames_of("message")] == ["hallo"]
    assert [f["text"] for f in sent] == ["hallo"]
    expect(page.locator(NOT_CONNECTED)).to_have_count(0)
    expect(page.locator("[data-hw-from=bot]")).to_contain_text(["Ontvangen: hallo."])


def test_send_messages_typed_before_ready_in_order(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    _open_held(page, fake_gateway, gateway_script, "ready")
    _type(page, "een")
    _type(page, "twee")
    expect(page.locator(SENDING)).to_have_text(["een", "twee"])

    gateway_script.hold = None
    expect(page.locator(f"{USER}[data-hw-state=delivered]")).to_have_count(2)
    messages = gateway_script.frames_of("message")
    assert [f["text"] for f in messages] == ["een", "twee"]
    assert len({f["id"] for f in messages}) == 2
    expect(page.locator("[data-hw-from=bot]")).to_contain_text(
        ["Ontvangen: een.", "Ontvangen: twee."]
    )
    expect(page.locator(NOT_CONNECTED)).to_have_count(0)


def test_give_text_back_when_socket_closes_before_ready(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    sent = _messages_sent(page)
    _open_held(page, fake_gateway, gateway_script, "ready", STAY_OFFLINE)
    _type(page, "hallo")
    expect(page.locator(SENDING)).to_have_count(1)

    gateway_script.drop_all()
    expect(page.locator("[data-hw-offline]")).to_be_visible()
    expect(page.locator(f"{USER}[data-hw-state=failed]")).to_have_text(["hallo"])
    expect(page.locator(".hw-failed")).to_have_text(["Niet verstuurd."])
    expect(page.locator("[data-hw-input]")).to_have_value("hallo")

    # Given back means not sent later behind the user's back: only when they send it again.
    gateway_script.hold = None
    page.click("[data-hw-offline] button")
    expect(page.locator("[data-hw-root]")).to_have_attribute("data-hw-connection", "connected")
    page.wait_for_timeout(300)
    assert sent == []
    send_message(page, "hallo")
    assert [f["text"] for f in sent] == ["hallo"]


def test_send_quick_reply_chosen_while_reconnecting(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "buttons")
    gateway_script.hold = "ready"
    gateway_script.drop_all()
    wait_until(lambda: len(gateway_script.frames_of("start")) == 2)  # the new socket is open
    page.click("button:has-text('Praat met een mens')")
    expect(page.locator(SENDING)).to_have_text(["Praat met een mens"])

    gateway_script.hold = None
    expect(page.locator(f"{USER}[data-hw-state=delivered]")).to_have_count(2)
    assert [f["text"] for f in gateway_script.frames_of("message")] == ["buttons", "/talk_to_human"]
    starts = gateway_script.frames_of("start")
    assert starts[1]["conversation_id"] is not None  # the same conversation, continued
    expect(page.locator(NOT_CONNECTED)).to_have_count(0)


def test_quick_exit_leaves_nothing_of_message_typed_before_ready(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    sent = _messages_sent(page)
    page.goto(f"{fake_gateway}/before")
    _open_held(page, fake_gateway, gateway_script, "ready")
    _type(page, "geheim")
    expect(page.locator(SENDING)).to_have_count(1)

    page.click("[data-hw-quick-exit]")
    page.wait_for_url(f"{fake_gateway}/neutral")
    gateway_script.hold = None
    page.wait_for_timeout(500)  # a message still queued somewhere would go out now
    assert sent == []
    assert gateway_script.frames_of("message") == []
    assert page.evaluate(STORAGE_PROBE) == EMPTY_STORAGE
    page.go_back()
    page.wait_for_url(f"{fake_gateway}/before")
    assert page.locator("[data-hw-log]").count() == 0


def test_delete_chat_drops_message_typed_before_ready(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    sent = _messages_sent(page)
    _open_held(page, fake_gateway, gateway_script, "ready")
    _type(page, "geheim")
    expect(page.locator(SENDING)).to_have_count(1)

    page.click("[data-hw-delete]")
    expect(page.locator("[data-hw-notice=deleted]")).to_have_count(1)
    expect(page.locator(USER)).to_have_count(0)
    expect(page.locator("[data-hw-input]")).to_have_value("")
    gateway_script.hold = None
    expect(page.locator("[data-hw-root]")).to_have_attribute("data-hw-connection", "connected")
    page.wait_for_timeout(300)
    assert sent == []
    expect(page.locator("[data-hw-log]")).not_to_contain_text("geheim")
