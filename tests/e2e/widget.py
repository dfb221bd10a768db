"""Driving the widget on the real stack as a person does: typing once it says it is connected.

`page.goto` returns at the load event, usually before the gateway's `ready` frame. Until
2026-11-29 the widget refused a message typed before that frame, and a test typing straight
away (before it about once in 20-30 page loads) waited in vain for a reply. The widget now
keeps such a message and sends it on `ready` (test_send_message_typed_while_connecting);
waiting for it here stays harmless and keeps each test's timing as it was.
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
