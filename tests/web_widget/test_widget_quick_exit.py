"""Quick exit in Chromium: button, Shift x3, touch, no-JavaScript link, and the traces left."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import EMPTY_STORAGE, STORAGE_PROBE, open_widget, send_message, wait_until
from playwright.sync_api import Browser, Page, expect
from widget_fake_gateway import GatewayScript

pytestmark = pytest.mark.browser


def _assert_left_without_trace(page: Page, base_url: str, script: GatewayScript) -> None:
    page.wait_for_url(f"{base_url}/neutral")
    expect(page.locator("#neutral")).to_be_visible()
    # The beacon reached the server and asked it to delete the conversation.
    deleted = wait_until(lambda: script.deleted)
    assert len(deleted) == 1 and len(deleted[0]) >= 16
    # Same origin as the chat page, so this sees everything the widget could have stored.
    assert page.evaluate(STORAGE_PROBE) == EMPTY_STORAGE
    # location.replace: Back goes to the page before the chat, never to the chat.
    page.go_back()
    page.wait_for_url(f"{base_url}/before")
    expect(page.locator("#before")).to_be_visible()
    assert page.locator("[data-hw-log]").count() == 0


def _exit_by_button(page: Page) -> None:
    page.click("[data-hw-quick-exit]")


def _exit_by_shift(page: Page) -> None:
    page.focus("[data-hw-input]")
    for _ in range(3):
        page.keyboard.press("Shift")


@pytest.mark.parametrize("leave", [_exit_by_button, _exit_by_shift], ids=["button", "shift"])
def test_quick_exit_without_trace(
    page: Page, fake_gateway: str, gateway_script: GatewayScript, leave: Callable[[Page], None]
) -> None:
    page.goto(f"{fake_gateway}/before")
    open_widget(page, fake_gateway)
    send_message(page, "hallo")
    leave(page)
    _assert_left_without_trace(page, fake_gateway, gateway_script)


def test_quick_exit_by_triple_tap(
    browser: Browser, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{fake_gateway}/before")
    open_widget(page, fake_gateway)
    send_message(page, "hallo")
    box = page.locator("[data-hw-log]").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 10
    for _ in range(3):
        page.touchscreen.tap(x, y)
    _assert_left_without_trace(page, fake_gateway, gateway_script)
    context.close()


def test_two_taps_do_not_exit(browser: Browser, fake_gateway: str) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    open_widget(page, fake_gateway)
    box = page.locator("[data-hw-log]").bounding_box()
    assert box is not None
    for _ in range(2):
        page.touchscreen.tap(box["x"] + 20, box["y"] + 20)
    page.wait_for_timeout(1700)
    page.touchscreen.tap(box["x"] + 20, box["y"] + 20)
    page.wait_for_timeout(300)
    assert page.url.endswith("/page?")
    context.close()


def test_ignore_shift_held_as_modifier(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    page.focus("[data-hw-input]")
    for letter in "ABC":
        page.keyboard.down("Shift")
        page.keyboard.press(f"Key{letter}")
        page.keyboard.up("Shift")
    page.wait_for_timeout(300)
    assert page.url.endswith("/page?")
    expect(page.locator("[data-hw-input]")).to_have_value("ABC")


def test_ignore_shift_presses_spread_over_more_than_five_seconds(
    page: Page, fake_gateway: str
) -> None:
    open_widget(page, fake_gateway)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(page.locator("[data-hw-announcer]")).to_contain_text("2 van 3")
    page.wait_for_timeout(5200)
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.endswith("/page?")


def test_cover_and_clear_page_before_navigation_finishes(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    """What the page shows in the same task as the exit click, before the next page arrives."""
    seen: list[dict[str, object]] = []
    page.expose_function("hwReportExit", lambda state: seen.append(state))
    open_widget(page, fake_gateway, exit="/slow-neutral")
    send_message(page, "geheim bericht")
    page.evaluate(
        """() => new MutationObserver((records, observer) => {
            if (!document.querySelector('[data-hw-exit-cover]')) return;
            observer.disconnect();
            const cover = document.querySelector('[data-hw-exit-cover]').getBoundingClientRect();
            window.hwReportExit({
              coverWidth: cover.width, coverHeight: cover.height,
              viewport: [innerWidth, innerHeight],
              location: location.pathname,
              messages: document.querySelectorAll('[data-hw-from]').length,
              secretOnPage: document.documentElement.textContent.includes('geheim'),
              input: document.querySelector('[data-hw-input]').value,
            });
        }).observe(document.documentElement, {childList: true, subtree: true})"""
    )
    page.fill("[data-hw-input]", "half getypt")
    page.click("[data-hw-quick-exit]", no_wait_after=True)
    for _ in range(100):  # wait_for_timeout lets Playwright deliver the binding call
        if seen:
            break
        page.wait_for_timeout(50)
    state = seen[0]
    assert state["location"] == "/page"  # still on the chat page: the cover came first
    assert [state["coverWidth"], state["coverHeight"]] == state["viewport"]
    assert state["messages"] == 0
    assert state["secretOnPage"] is False
    assert state["input"] == ""
    wait_until(lambda: gateway_script.frames_of("end"))
    page.wait_for_url(f"{fake_gateway}/slow-neutral")


def test_exit_link_works_without_javascript(browser: Browser, fake_gateway: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{fake_gateway}/page")
    page.click("[data-hw-quick-exit]")
    page.wait_for_url(f"{fake_gateway}/neutral")
    context.close()


def test_reset_widget_when_restored_from_back_forward_cache(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "hallo")
    # What Chromium fires when it restores a page from the back/forward cache.
    page.evaluate("dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    page.wait_for_selector("[data-hw-root][data-hw-connection=connected]")
    assert page.locator("[data-hw-from]").count() == 0
    wait_until(lambda: len(gateway_script.frames_of("start")) == 2)
    assert gateway_script.frames_of("start")[-1]["conversation_id"] is None
