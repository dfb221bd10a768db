"""phone.mjs, run in Chromium: which digits in a reply become tap-to-call links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def module_page(browser: Browser) -> Iterator[Page]:
    from widget_fake_gateway import GatewayScript, serve

    with serve(GatewayScript()) as base_url:
        page = browser.new_page()
        page.goto(f"{base_url}/neutral")
        page.evaluate(
            f"async () => {{ window.phone = await import('{base_url}/widget/src/phone.mjs'); }}"
        )
        yield page
        page.close()


def _links(page: Page, text: str) -> list[list[str]]:
    return page.evaluate(
        "text => phone.splitPhoneNumbers(text).filter(p => p.tel).map(p => [p.text, p.tel])", text
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bel 0800-2000, gratis.", [["0800-2000", "08002000"]]),
        ("Bel 0800-2000 24 uur per dag", [["0800-2000", "08002000"]]),
        ("CSG: 0800 0188.", [["0800 0188", "08000188"]]),
        ("In gevaar: 112.", [["112", "112"]]),
        ("Politie 0900-8844 of 112", [["0900-8844", "09008844"], ["112", "112"]]),
        ("Bel 020-1234567", [["020-1234567", "0201234567"]]),
        ("Bel +31 6 12345678", [["+31 6 12345678", "+31612345678"]]),
        ("اتصل بالرقم 112 أو 0800-2000", [["112", "112"], ["0800-2000", "08002000"]]),
        ("Postcode 3511 AB, open 09:00-17:00, sinds 2025-10-29", []),
        ("1120 euro of artikel 1123", []),
        ("EUR 385 terug", []),
    ],
)
def test_find_phone_numbers(module_page: Page, text: str, expected: list[list[str]]) -> None:
    assert _links(module_page, text) == expected


def test_keep_text_around_numbers(module_page: Page) -> None:
    parts = module_page.evaluate("() => phone.splitPhoneNumbers('a 112 b').map(p => p.text)")
    assert parts == ["a ", "112", " b"]
