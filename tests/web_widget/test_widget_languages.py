"""Languages: the picker, right-to-left layout, numbers kept left-to-right, complete files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import open_widget, send_message, wait_until
from playwright.sync_api import Page, expect
from widget_fake_gateway import ARABIC_REPLY, GatewayScript

I18N_DIR = Path(__file__).resolve().parents[2] / "web_widget" / "i18n"
LANGUAGES = ["nl", "en", "ar", "tr", "pl", "uk", "fa", "so", "ti"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _placeholders(value: object) -> set[str]:
    return set(PLACEHOLDER.findall(json.dumps(value, ensure_ascii=False)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_file_has_every_key_and_placeholder(language: str) -> None:
    english = json.loads((I18N_DIR / "en.json").read_text(encoding="utf-8"))
    strings = json.loads((I18N_DIR / f"{language}.json").read_text(encoding="utf-8"))
    assert set(strings) == set(english)
    for key, value in english.items():
        assert type(strings[key]) is type(value), key
        assert strings[key], key
        assert _placeholders(strings[key]) == _placeholders(value), key
    assert len(strings["safety_points"]) == len(english["safety_points"])
    assert "112" in strings["safety_points"][-1]


@pytest.mark.browser
@pytest.mark.parametrize("language", ["ar", "fa"])
def test_lay_out_right_to_left(page: Page, fake_gateway: str, language: str) -> None:
    open_widget(page, fake_gateway, lang=language)
    root = page.locator("[data-hw-root]")
    expect(root).to_have_attribute("dir", "rtl")
    expect(root).to_have_attribute("lang", language)
    title = page.locator(".hw-title").bounding_box()
    exit_link = page.locator("[data-hw-quick-exit]").bounding_box()
    assert title is not None and exit_link is not None
    assert exit_link["x"] < title["x"], "in RTL the exit button sits left of the title"
    png = page.locator("[data-hw-root]").screenshot()
    assert png.startswith(b"\x89PNG")


@pytest.mark.browser
def test_keep_phone_numbers_left_to_right_in_arabic(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway, lang="ar")
    send_message(page, "arabic")
    bot = page.locator("[data-hw-from=bot]").last
    assert bot.text_content() == ARABIC_REPLY
    expect(bot).to_have_attribute("dir", "rtl")
    expect(bot).to_have_attribute("lang", "ar")
    tel = bot.locator("a[href='tel:08002000']")
    expect(tel).to_have_text("0800-2000")
    assert tel.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert tel.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"


@pytest.mark.browser
def test_switch_language_with_picker(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "hallo")
    expect(page.locator(".hw-title")).to_have_text("Anonieme chat")
    page.select_option("[data-hw-language-picker]", "en")
    expect(page.locator(".hw-title")).to_have_text("Anonymous chat")
    expect(page.locator("[data-hw-quick-exit]")).to_have_text("Leave this site")
    expect(page.locator("[data-hw-root]")).to_have_attribute("lang", "en")
    # The preferred language goes to the gateway in a new start frame, same conversation.
    start = wait_until(
        lambda: [f for f in gateway_script.frames_of("start") if f["language"] == "en"]
    )
    assert start[0]["conversation_id"] is not None
    page.select_option("[data-hw-language-picker]", "fa")
    expect(page.locator("[data-hw-root]")).to_have_attribute("dir", "rtl")
    # The transcript survives the language switch.
    expect(page.locator("[data-hw-from=user]")).to_have_text(["hallo"])
