"""Issue 6 on the real stack: the widget served by the gateway, talking to Rasa, in Chromium.

Quick exit must delete the conversation in Redis (via sendBeacon), leave no browser storage,
and Back must not return to the chat; the widget makes no request to any other origin; axe-core
finds nothing serious mid-conversation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from playwright.sync_api import Browser, Page, WebSocket, expect

from tests.conftest import RunningStack
from tests.e2e.widget import REPLIES, SLOW_MS, send, wait_connected

pytestmark = [pytest.mark.stack, pytest.mark.browser]

AXE = Path(__file__).resolve().parents[2] / "web_widget/tools/node_modules/axe-core/axe.min.js"
EXIT_URL = "https://www.google.com/search?q=weer"  # demo.html's exit URL; answered locally below
STORAGE_PROBE = """async () => ({
  localStorage: localStorage.length, sessionStorage: sessionStorage.length,
  cookies: document.cookie, indexedDB: (await indexedDB.databases()).length,
  cacheStorage: (await caches.keys()).length,
})"""
EMPTY = {"localStorage": 0, "sessionStorage": 0, "cookies": "", "indexedDB": 0, "cacheStorage": 0}


def _watch_conversation_ids(page: Page) -> list[str]:
    ids: list[str] = []

    def on_socket(ws: WebSocket) -> None:
        def on_frame(payload: str | bytes) -> None:
            frame = json.loads(payload)
            if frame.get("type") == "ready":
                ids.append(frame["conversation_id"])

        ws.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return ids


def _answer_exit_locally(page: Page) -> None:
    # No request may leave the machine: the neutral site is answered by Playwright.
    page.context.route(
        "https://www.google.com/**",
        lambda route: route.fulfill(
            content_type="text/html", body="<title>Weer</title><h1 id='neutral'>Weer</h1>"
        ),
    )


# No frame from the gateway reaches the widget until `% ms` after the page starts, as over a
# slow network or from a busy gateway: the page has loaded, the widget is still connecting.
HOLD_FRAMES = """(() => {
  const held = new Promise((resolve) => setTimeout(resolve, %d));
  window.WebSocket = class extends window.WebSocket {
    addEventListener(type, listener, options) {
      const late = (event) => held.then(() => listener.call(this, event));
      return super.addEventListener(type, type === 'message' ? late : listener, options);
    }
  };
})()"""


def _redis_keys_for(stack: RunningStack, conversation_id: str) -> list[str]:
    client = redis.Redis.from_url(stack.urls.redis_url, decode_responses=True)
    try:
        return list(client.scan_iter(match=f"*{conversation_id}*"))
    finally:
        client.close()


def _press_shift_three_times(page: Page) -> None:
    page.focus("[data-hw-input]")
    for _ in range(3):
        page.keyboard.press("Shift")


def test_wait_for_ready_frame_before_sending(stack: RunningStack, page: Page) -> None:
    # `send` types only once the widget is connected (tests/e2e/widget.py).
    page.add_init_script(HOLD_FRAMES % 3000)
    page.goto(stack.urls.gateway_url)
    send(page, "hallo")
    expect(page.locator("[data-hw-notice=not-connected]")).to_have_count(0)


def test_send_message_typed_while_connecting(stack: RunningStack, page: Page) -> None:
    # A person who types at once: the widget keeps the message until `ready`, then sends it.
    page.add_init_script(HOLD_FRAMES % 6000)
    page.goto(stack.urls.gateway_url)
    page.fill("[data-hw-input]", "hallo")
    page.press("[data-hw-input]", "Enter")
    shown_while = page.evaluate(
        "() => [document.querySelector('[data-hw-root]').dataset.hwConnection,"
        " document.querySelectorAll('[data-hw-from=user]').length]"
    )
    assert shown_while == ["connecting", 1]
    user = page.locator("[data-hw-from=user]")
    expect(user).to_have_attribute("data-hw-state", "delivered", timeout=SLOW_MS)
    expect(page.locator(REPLIES).first).to_be_visible(timeout=SLOW_MS)
    expect(user).to_have_text(["hallo"])
    expect(page.locator("[data-hw-notice=not-connected]")).to_have_count(0)


@pytest.mark.parametrize(
    "leave",
    [lambda page: page.click("[data-hw-quick-exit]"), _press_shift_three_times],
    ids=["button", "shift"],
)
def test_quick_exit_deletes_conversation_and_leaves_no_trace(
    stack: RunningStack, page: Page, leave: Callable[[Page], None]
) -> None:
    ids = _watch_conversation_ids(page)
    _answer_exit_locally(page)
    before = f"{stack.urls.gateway_url}/healthz"
    page.goto(before)
    page.goto(stack.urls.gateway_url)
    send(page, "hallo")
    assert ids, "no ready frame seen"
    conversation_id = ids[-1]
    assert _redis_keys_for(stack, conversation_id), "conversation not in Redis before exit"

    leave(page)
    page.wait_for_url(EXIT_URL)
    expect(page.locator("#neutral")).to_be_visible()
    deadline_ok = False
    for _ in range(50):
        if not _redis_keys_for(stack, conversation_id):
            deadline_ok = True
            break
        page.wait_for_timeout(100)
    assert deadline_ok, "quick exit did not delete the conversation in Redis"

    page.go_back()
    page.wait_for_url(before)
    assert page.locator("[data-hw-log]").count() == 0
    page.goto(stack.urls.gateway_url)
    assert page.evaluate(STORAGE_PROBE) == EMPTY
    assert page.locator("[data-hw-from]").count() == 0


def test_conversation_requests_only_own_origin_and_stores_nothing(
    stack: RunningStack, page: Page
) -> None:
    urls: list[str] = []
    page.context.on("request", lambda request: urls.append(request.url))
    page.on("websocket", lambda ws: urls.append(ws.url))
    page.goto(stack.urls.gateway_url)
    send(page, "hallo")
    send(page, "3511 AB")
    expect(page.locator("[data-hw-log]")).to_contain_text("0800-0188", timeout=30_000)
    expect(page.locator("[data-hw-from=bot] a[href='tel:112']").first).to_be_visible()

    own = urlsplit(stack.urls.gateway_url).netloc
    assert [u for u in urls if urlsplit(u).netloc != own] == []
    assert page.evaluate(STORAGE_PROBE) == EMPTY


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_axe_finds_nothing_serious_in_real_conversation(
    stack: RunningStack, browser: Browser, language: str
) -> None:
    # The gateway's CSP forbids inline scripts, as it should; axe is test tooling injected
    # into the page, so this context alone bypasses the CSP.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(stack.urls.gateway_url)
    wait_connected(page)
    if language != "nl":
        page.select_option("[data-hw-language-picker]", language)
        page.wait_for_selector(f"[data-hw-root][lang={language}][data-hw-connection=connected]")
    send(page, "hallo" if language == "nl" else "مرحبا، أحتاج إلى مساعدة")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    context.close()
    assert serious == []
