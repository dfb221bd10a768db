"""Every network request the widget makes goes to its own origin: no fonts, CDNs or analytics."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from conftest import open_widget, send_message, wait_until
from playwright.sync_api import Browser, Page
from widget_fake_gateway import GatewayScript

pytestmark = pytest.mark.browser


def _origin(url: str) -> str:
    parts = urlsplit(url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}"


def _record(page: Page) -> list[str]:
    urls: list[str] = []
    page.context.on("request", lambda request: urls.append(request.url))
    page.on("websocket", lambda ws: urls.append(ws.url))
    return urls


def test_request_only_own_origin_during_whole_session(
    browser: Browser, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    context = browser.new_context()
    page = context.new_page()
    urls = _record(page)
    open_widget(page, fake_gateway)
    send_message(page, "hallo")
    send_message(page, "buttons")
    page.select_option("[data-hw-language-picker]", "ar")
    page.wait_for_selector("[data-hw-root][lang=ar][data-hw-connection=connected]")
    gateway_script.drop_all()
    page.wait_for_selector("[data-hw-root][data-hw-connection=connected]")
    page.click("[data-hw-delete]")
    page.wait_for_selector("[data-hw-root][data-hw-connection=connected]")
    send_message(page, "opnieuw")
    page.click("[data-hw-quick-exit]")
    page.wait_for_url(f"{fake_gateway}/neutral")
    wait_until(lambda: gateway_script.deleted)

    assert any(u.endswith("/ws/chat") for u in urls)
    assert any("/api/v1/conversations/" in u for u in urls), "beacon not seen"
    assert any(u.endswith("/widget/widget.css") for u in urls)
    foreign = [u for u in urls if _origin(u) != fake_gateway]
    assert foreign == []
    context.close()


def test_request_only_own_origin_on_demo_page(page: Page, fake_gateway: str) -> None:
    urls = _record(page)
    page.goto(f"{fake_gateway}/")
    page.wait_for_selector("[data-hw-root][data-hw-connection=connected]")
    send_message(page, "hallo")
    foreign = [u for u in urls if _origin(u) != fake_gateway]
    assert foreign == []
    assert len(urls) >= 10  # page, modules, css, strings, websocket


def test_work_under_strict_content_security_policy(page: Page, fake_gateway: str) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security" in msg.text else None,
    )
    open_widget(page, fake_gateway, csp="1")
    send_message(page, "hallo")
    page.select_option("[data-hw-language-picker]", "ar")
    page.wait_for_selector("[data-hw-root][lang=ar][data-hw-connection=connected]")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('a.hw-exit')).fontWeight") == "700"
    )
    page.click("[data-hw-quick-exit]")
    page.wait_for_url(f"{fake_gateway}/neutral")
    assert violations == []
