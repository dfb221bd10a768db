"""Accessibility in Chromium: axe-core (served locally) and keyboard, zoom and reflow checks."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import open_widget, send_message
from playwright.sync_api import Browser, Page, expect
from widget_fake_gateway import AXE_DIR

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _axe_violations(page: Page, base_url: str) -> list[dict[str, Any]]:
    if not AXE_DIR.is_dir():
        pytest.fail("axe-core missing: run `npm ci --prefix web_widget/tools`")
    page.add_script_tag(url=f"{base_url}/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        "tags => axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def _serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in {"serious", "critical"}]


def _converse(page: Page) -> None:
    send_message(page, "hallo")
    send_message(page, "buttons")
    send_message(page, "staff")
    page.fill("[data-hw-input]", "toolong")
    page.press("[data-hw-input]", "Enter")
    page.wait_for_selector("[data-hw-notice=error-message_too_long]")


def test_axe_finds_nothing_serious_when_widget_opens(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    assert _serious(_axe_violations(page, fake_gateway)) == []


def test_axe_finds_nothing_serious_mid_conversation(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    _converse(page)
    assert _serious(_axe_violations(page, fake_gateway)) == []


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_axe_finds_nothing_serious_right_to_left(
    page: Page, fake_gateway: str, language: str
) -> None:
    open_widget(page, fake_gateway, lang=language)
    send_message(page, "arabic")
    _converse(page)
    assert _serious(_axe_violations(page, fake_gateway)) == []


def test_axe_finds_nothing_serious_offline(page: Page, fake_gateway: str) -> None:
    page.goto(f"{fake_gateway}/page?gateway=http://127.0.0.1:9")
    expect(page.locator("[data-hw-offline]")).to_be_visible()
    assert _serious(_axe_violations(page, fake_gateway)) == []


def test_axe_finds_nothing_serious_on_small_phone(browser: Browser, fake_gateway: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True)
    page = context.new_page()
    open_widget(page, fake_gateway)
    _converse(page)
    assert _serious(_axe_violations(page, fake_gateway)) == []
    context.close()


@pytest.mark.parametrize(
    ("width", "height"), [(320, 640), (640, 400)], ids=["320px", "200pct-zoom"]
)
def test_reflow_without_horizontal_scrolling(
    browser: Browser, fake_gateway: str, width: int, height: int
) -> None:
    # 200 % zoom of a 1280 x 800 window is a 640 x 400 CSS-pixel viewport.
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_widget(page, fake_gateway, lang="uk")
    _converse(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for hook in ("[data-hw-quick-exit]", "[data-hw-input]", "[data-hw-send]"):
        box = page.locator(hook).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, hook
    context.close()


def test_use_widget_with_keyboard_only(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    page.locator("h1").click()  # start from the host page, before the widget
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate("""() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {hook: [...el.attributes].map(a => a.name).find(n => n.startsWith('data-hw-'))
                          ?? el.tagName.toLowerCase(),
                    focusRing: style.outlineStyle !== 'none' || style.boxShadow !== 'none'};
        }""")
        )
    hooks = [o["hook"] for o in order]
    assert hooks.index("data-hw-language-picker") < hooks.index("data-hw-quick-exit")
    assert hooks.index("data-hw-quick-exit") < hooks.index("data-hw-input")
    assert all(o["focusRing"] for o in order), order
    # Reach the input by keyboard and send with Enter.
    while page.evaluate("document.activeElement.hasAttribute('data-hw-input')") is False:
        page.keyboard.press("Tab")
    page.keyboard.type("via toetsenbord")
    page.keyboard.press("Enter")
    expect(page.locator("[data-hw-from=user]")).to_have_text(["via toetsenbord"])
    expect(page.locator("[data-hw-from=bot]")).to_have_count(1)


def test_honour_reduced_motion(browser: Browser, fake_gateway: str) -> None:
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    open_widget(page, fake_gateway)
    send_message(page, "hallo")
    durations = page.evaluate(
        """() => [...document.querySelectorAll('[data-hw-root] *')].map(el => {
            const s = getComputedStyle(el);
            return [s.transitionDuration, s.animationName];
        })"""
    )
    assert all(t in {"0s", "0s, 0s"} and a == "none" for t, a in durations)
    context.close()
