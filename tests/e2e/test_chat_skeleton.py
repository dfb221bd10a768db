"""The thinnest real path: widget -> gateway -> Rasa -> actions -> directory, in Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import RunningStack
from tests.e2e.widget import wait_connected

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def send(page: Page, text: str) -> None:
    wait_connected(page)
    page.locator("[data-hw-input]").fill(text)
    page.locator("[data-hw-send]").click()


def test_answer_greeting_in_dutch(stack: RunningStack, page: Page) -> None:
    page.goto(stack.urls.gateway_url)
    expect(page.locator("[data-hw-quick-exit]").first).to_be_visible()
    send(page, "hallo")

    expect(page.locator('[data-hw-from="user"]').last).to_have_text("hallo")
    bot = page.locator('[data-hw-from="bot"]')
    expect(bot.first).to_contain_text("Ik ben Hulpwijzer", timeout=30_000)
    expect(bot.first).to_contain_text("Bel 112")


def test_route_postcode_to_regional_services(stack: RunningStack, page: Page) -> None:
    page.goto(stack.urls.gateway_url)
    send(page, "3511 AB")

    log = page.locator("[data-hw-log]")
    # The reply arrives as several bot messages; wait until the last service is listed.
    expect(log).to_contain_text("0800-0188", timeout=30_000)
    replies = " ".join(page.locator('[data-hw-from="bot"]').all_inner_texts())
    assert "Utrecht" in replies
    assert "0800-2000" in replies
    assert re.search(r"\b112\b", replies)
    assert replies.index("112") < replies.index("0800-2000"), "112 must come first"
