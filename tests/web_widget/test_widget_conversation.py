"""The widget in Chromium against the scripted fake gateway: embed, conversation, rendering."""

from __future__ import annotations

import pytest
from conftest import EMPTY_STORAGE, STORAGE_PROBE, open_widget, send_message, wait_until
from playwright.sync_api import Browser, Page, expect
from widget_fake_gateway import HTML_ATTACK, GatewayScript

pytestmark = pytest.mark.browser


def test_embed_demo_page_with_stable_hooks(page: Page, fake_gateway: str) -> None:
    page.goto(f"{fake_gateway}/")
    page.wait_for_selector("[data-hw-root][data-hw-connection=connected]")
    assert page.locator("script[type=module]").count() == 1
    expect(page.locator("[data-hw-quick-exit]")).to_be_visible()
    expect(page.locator("[data-hw-quick-exit]")).to_have_attribute(
        "href", "https://www.google.com/search?q=weer"
    )
    for hook in ("data-hw-input", "data-hw-send", "data-hw-log"):
        expect(page.locator(f"[{hook}]")).to_have_count(1)
    log = page.locator("[data-hw-log]")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")


def test_send_message_by_enter_and_by_button(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "hallo")
    page.fill("[data-hw-input]", "tweede bericht")
    page.click("[data-hw-send]")
    expect(page.locator("[data-hw-from=bot]")).to_have_count(2)

    assert page.locator("[data-hw-from=user]").all_text_contents() == ["hallo", "tweede bericht"]
    assert page.locator("[data-hw-from=bot]").first.text_content() == (
        "Ontvangen: hallo. Bel Veilig Thuis: 0800-2000. In gevaar: 112."
    )
    assert gateway_script.frames[0] == {"type": "start", "language": "nl", "conversation_id": None}
    messages = gateway_script.frames_of("message")
    assert [m["text"] for m in messages] == ["hallo", "tweede bericht"]
    assert len({m["id"] for m in messages}) == 2
    expect(page.locator("[data-hw-from=user][data-hw-state=delivered]")).to_have_count(2)
    expect(page.locator("[data-hw-input]")).to_have_value("")


def test_render_bot_markup_as_text(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "html")
    bot = page.locator("[data-hw-from=bot]").last
    assert bot.text_content() == HTML_ATTACK
    assert page.locator("[data-hw-log] img, [data-hw-log] b").count() == 0
    assert page.evaluate("window.__hwPwned") is None


def test_render_user_markup_as_text(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "<script>window.__hwPwned=1</script>")
    assert page.locator("[data-hw-log] script").count() == 0
    assert page.locator("[data-hw-from=user]").text_content() == (
        "<script>window.__hwPwned=1</script>"
    )
    assert page.evaluate("window.__hwPwned") is None


def test_render_phone_numbers_as_tel_links(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "nummers")
    links = page.locator("[data-hw-from=bot] a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "tel:08002000",
        "tel:112",
    ]
    assert links.first.get_attribute("dir") == "ltr"


def test_show_staff_messages_and_send_typing(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "staff")
    expect(page.locator("[data-hw-from=staff]")).to_have_text("Hallo, ik ben een hulpverlener.")
    expect(page.locator("[data-hw-notice=handoff_waiting]")).to_contain_text("nummer 2")
    expect(page.locator("[data-hw-notice=handoff_joined]")).to_be_visible()
    assert gateway_script.frames_of("typing") == []
    page.locator("[data-hw-input]").press_sequentially("ik typ")
    wait_until(lambda: gateway_script.frames_of("typing"))


def test_send_quick_reply_payload_showing_title(
    page: Page, fake_gateway: str, gateway_script: GatewayScript
) -> None:
    open_widget(page, fake_gateway)
    send_message(page, "buttons")
    page.get_by_role("button", name="Praat met een mens").click()
    expect(page.locator("[data-hw-from=staff]")).to_have_count(1)
    assert gateway_script.frames_of("message")[-1]["text"] == "/talk_to_human"
    assert page.locator("[data-hw-from=user]").last.text_content() == "Praat met een mens"
    expect(page.get_by_role("button", name="Hulp in de buurt")).to_be_disabled()


def test_limit_message_length_with_visible_counter(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    counter = page.locator("[data-hw-counter]")
    expect(counter).to_have_text("0 / 1000")
    page.fill("[data-hw-input]", "a" * 950)
    expect(counter).to_have_text("950 / 1000")
    expect(counter).to_have_class("hw-counter hw-counter--warn")
    page.locator("[data-hw-input]").press_sequentially("b" * 80)
    assert len(page.input_value("[data-hw-input]")) == 1000
    expect(counter).to_have_text("1000 / 1000")


def test_give_text_back_when_gateway_rejects_it(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    page.fill("[data-hw-input]", "toolong")
    page.press("[data-hw-input]", "Enter")
    expect(page.locator("[data-hw-notice=error-message_too_long]")).to_have_text(
        "Bericht te lang (test)."
    )
    expect(page.locator("[data-hw-input]")).to_have_value("toolong")
    expect(page.locator("[data-hw-from=user][data-hw-state=failed]")).to_have_count(1)


def test_refuse_empty_message(page: Page, fake_gateway: str, gateway_script: GatewayScript) -> None:
    open_widget(page, fake_gateway)
    page.fill("[data-hw-input]", "   ")
    page.click("[data-hw-send]")
    expect(page.locator("[data-hw-notice=empty]")).to_have_text("Typ eerst een bericht.")
    assert gateway_script.frames_of("message") == []


def test_show_safety_note_before_first_message(page: Page, fake_gateway: str) -> None:
    open_widget(page, fake_gateway)
    note = page.locator("[data-hw-safety-note]")
    expect(note).to_have_attribute("open", "")
    text = note.inner_text()
    for phrase in ("browser", "2 uur", "privévenster", "Shift", "112"):
        assert phrase in text
    send_message(page, "hallo")
    assert note.get_attribute("open") is None


def test_keep_nothing_in_browser_storage(browser: Browser, fake_gateway: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    open_widget(page, fake_gateway)
    send_message(page, "hallo")
    send_message(page, "staff")
    page.select_option("[data-hw-language-picker]", "en")
    page.wait_for_selector("[data-hw-root][data-hw-connection=connected]")
    assert page.evaluate(STORAGE_PROBE) == EMPTY_STORAGE
    state = context.storage_state()
    assert state["cookies"] == []
    assert all(not origin.get("localStorage") for origin in state["origins"])
    context.close()
