"""Fixtures for the widget tests: a scripted fake gateway and headless Chromium."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from widget_fake_gateway import GatewayScript, serve

# `browser` is the session fixture of tests/conftest.py: one Playwright per test run
# (a second sync Playwright in the same process refuses to start).


@pytest.fixture
def gateway_script() -> GatewayScript:
    return GatewayScript()


@pytest.fixture
def fake_gateway(gateway_script: GatewayScript) -> Iterator[str]:
    with serve(gateway_script) as base_url:
        yield base_url


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1000, "height": 800}, locale="nl-NL")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    pg = context.new_page()
    yield pg
    pg.close()


STORAGE_PROBE = """async () => ({
  localStorage: localStorage.length,
  sessionStorage: sessionStorage.length,
  cookies: document.cookie,
  indexedDB: (await indexedDB.databases()).map((d) => d.name),
  cacheStorage: await caches.keys(),
})"""

EMPTY_STORAGE = {
    "localStorage": 0,
    "sessionStorage": 0,
    "cookies": "",
    "indexedDB": [],
    "cacheStorage": [],
}


def open_widget(page: Page, base_url: str, **params: str) -> None:
    """Open the embedding test page and wait until the widget has its conversation."""
    query = "&".join(f"{key}={value}" for key, value in params.items())
    page.goto(f"{base_url}/page?{query}")
    page.wait_for_selector("[data-hw-root][data-hw-connection=connected]", timeout=10_000)


def send_message(page: Page, text: str) -> None:
    count = page.locator("[data-hw-from=bot], [data-hw-from=staff]").count()
    page.fill("[data-hw-input]", text)
    page.press("[data-hw-input]", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('[data-hw-from=bot], [data-hw-from=staff]').length > n",
        arg=count,
        timeout=10_000,
    )


def wait_until(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll a server-side condition (what the fake gateway saw) until it holds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
