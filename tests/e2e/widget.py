"""Driving the widget on the real stack as a person does: typing once it says it is connected.

Until the gateway's `ready` frame has arrived, the widget refuses a message: it says "not
connected" and keeps the text in the box (`#sendMessage`, web_widget/src/chat-widget.mjs), so
nothing reaches the gateway. `page.goto` returns at the load event, usually before that frame.
A test typing straight away pressed Enter a median 0.4 s after `ready`, but before it about
once in 20-30 page loads, then waited in vain for a reply.
"""

from playwright.sync_api import Page

CONNECTED = "[data-hw-root][data-hw-connection=connected]"
REPLIES = "[data-hw-from=bot], [data-hw-from=staff]"
# A turn through Rasa under CI load; the gateway's own timeout for Rasa is the same.
SLOW_MS = 30_000


def wait_connected(page: Page) -> None:
    """Until the widget shows it is connected (its `ready` frame has arrived)."""
    page.wait_for_selector(CONNECTED, timeout=SLOW_MS)


def send(page: Page, text: str) -> None:
    """Send one message once the widget is connected; wait for the next bot or staff reply."""
    wait_connected(page)
    replies = page.locator(REPLIES).count()
    page.fill("[data-hw-input]", text)
    page.press("[data-hw-input]", "Enter")
    page.wait_for_function(
        f"n => document.querySelectorAll('{REPLIES}').length > n", arg=replies, timeout=SLOW_MS
    )
