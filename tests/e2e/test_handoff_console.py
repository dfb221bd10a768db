"""Handoff end to end in Chromium: a user's widget and staff consoles in separate contexts."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from gateway.handoff import keys
from tests.conftest import RunningStack
from tests.gateway.handoff.clients import (
    PASSWORD,
    create_staff,
    deactivate_from_command_line,
    nobody_online,
    redis_command,
)

pytestmark = [pytest.mark.stack, pytest.mark.browser]
SLOW = 30_000
WIDGET_I18N = Path(__file__).resolve().parents[2] / "web_widget" / "i18n"


@pytest.fixture
def contexts(browser: Browser, stack: RunningStack) -> Iterator[list[BrowserContext]]:
    """Fresh contexts (no shared cookies), an empty queue and nobody online."""
    nobody_online(stack)
    redis_command(stack, "DEL", keys.QUEUE)
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()
    nobody_online(stack)


def new_page(browser: Browser, contexts: list[BrowserContext]) -> Page:
    context = browser.new_context()
    contexts.append(context)
    return context.new_page()


def open_console(page: Page, stack: RunningStack, username: str) -> None:
    page.goto(f"{stack.urls.gateway_url}/staff")
    page.locator("[data-hw-staff-username]").fill(username)
    page.locator("[data-hw-staff-password]").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator("[data-hw-staff-connection]")).to_have_text("Verbonden.", timeout=SLOW)


def say(page: Page, text: str) -> None:
    page.locator("[data-hw-input]").fill(text)
    page.locator("[data-hw-send]").click()


def ask_for_counsellor(page: Page, stack: RunningStack, share: bool = True) -> None:
    page.goto(stack.urls.gateway_url)
    expect(page.locator('[data-hw-root][data-hw-connection="connected"]')).to_be_visible(
        timeout=SLOW
    )
    say(page, "ik wil met een mens praten")
    consent = page.locator(".hw-quick-replies button")
    expect(consent.first).to_be_visible(timeout=SLOW)
    consent.nth(0 if share else 1).click()


def test_hand_off_to_staff_and_back_to_bot(
    browser: Browser, stack: RunningStack, contexts: list[BrowserContext]
) -> None:
    staff = new_page(browser, contexts)
    open_console(staff, stack, create_staff(stack))
    user = new_page(browser, contexts)
    ask_for_counsellor(user, stack)

    expect(user.locator('[data-hw-notice="handoff_waiting"]').last).to_contain_text(
        "1", timeout=SLOW
    )
    claim = staff.locator("[data-hw-claim]")
    expect(claim).to_have_count(1, timeout=SLOW)
    expect(staff.locator("[data-hw-queue-item]")).to_contain_text("Nederlands (nl)")
    claim.click()

    panel = staff.locator("[data-hw-conversation]")
    expect(panel.locator("[data-hw-language-label]")).to_contain_text("Nederlands (nl)")
    expect(panel.locator("[data-hw-transcript]")).to_contain_text("ik wil met een mens praten")
    expect(user.locator('[data-hw-notice="handoff_joined"]')).to_be_visible(timeout=SLOW)

    # The user is typing: the counsellor sees it, then the message.
    user.locator("[data-hw-input]").fill("Ik ben bang, hij is boos")
    expect(panel.locator("[data-hw-typing]")).to_be_visible(timeout=5_000)
    user.locator("[data-hw-send]").click()
    expect(panel.locator('[data-hw-entry-from="user"]')).to_have_text(
        "Gebruiker: Ik ben bang, hij is boos", timeout=5_000
    )

    # The counsellor types: the user sees it in Dutch, and it goes by itself when no
    # message follows within a few seconds.
    staff_typing = user.locator("[data-hw-typing]")
    expect(staff_typing).to_be_hidden()
    panel.locator("[data-hw-staff-input]").press_sequentially("Even kijken")
    expect(staff_typing).to_be_visible(timeout=5_000)
    expect(staff_typing).to_have_text("De hulpverlener typt…")
    expect(staff_typing).to_be_hidden(timeout=10_000)
    # Picking a quick phrase is typing too; the indicator goes when the message arrives.
    panel.locator('[data-hw-phrase="safe_now"]').click()
    expect(panel.locator("[data-hw-staff-input]")).to_have_value("Ben je nu veilig?")
    expect(staff_typing).to_be_visible(timeout=5_000)
    panel.locator("[data-hw-staff-send]").click()
    expect(user.locator('[data-hw-from="staff"]')).to_have_text("Ben je nu veilig?", timeout=5_000)
    expect(staff_typing).to_be_hidden()

    say(user, "ja")
    expect(panel.locator('[data-hw-entry-from="user"]')).to_have_count(2, timeout=5_000)
    expect(user.locator('[data-hw-notice="handoff_waiting"]')).to_have_count(1)

    panel.locator("[data-hw-outcome]").select_option("referred_veilig_thuis")
    panel.locator("[data-hw-close]").click()
    expect(staff.locator("[data-hw-conversation]")).to_have_count(0)
    expect(user.locator('[data-hw-notice="handoff_closed"]')).to_have_text(
        "De hulpverlener heeft de chat verlaten.", timeout=SLOW
    )
    expect(user.locator('[data-hw-from="bot"]').last).to_contain_text("weer met Hulpwijzer")

    bot = user.locator('[data-hw-from="bot"]')
    answered = bot.count()
    say(user, "3511 AB")  # the bot answers again (routing needs no NLU training data)
    expect(bot).not_to_have_count(answered, timeout=SLOW)
    expect(user.locator("[data-hw-log]")).to_contain_text("0800-0188", timeout=SLOW)


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_tell_user_place_kept_when_counsellor_account_ends(
    browser: Browser, stack: RunningStack, contexts: list[BrowserContext], language: str
) -> None:
    """The counsellor's account is deactivated mid-chat: the user reads, in their own
    language, that they are back in the queue at their earlier place, not that the
    counsellor "left"."""
    strings = json.loads((WIDGET_I18N / f"{language}.json").read_text(encoding="utf-8"))
    username = create_staff(stack)
    staff = new_page(browser, contexts)
    open_console(staff, stack, username)
    user = new_page(browser, contexts)
    user.goto(stack.urls.gateway_url)
    if language != "nl":
        user.select_option("[data-hw-language-picker]", language)
    user.wait_for_selector(f"[data-hw-root][lang={language}][data-hw-connection=connected]")
    # The payload of the bot's own "talk to a person" button: the same in every language.
    say(user, "/talk_to_human")
    consent = user.locator(".hw-quick-replies button")
    expect(consent.first).to_be_visible(timeout=SLOW)
    consent.first.click()
    claim = staff.locator("[data-hw-claim]")
    expect(claim).to_have_count(1, timeout=SLOW)
    claim.click()
    expect(user.locator('[data-hw-notice="handoff_joined"]')).to_be_visible(timeout=SLOW)

    deactivate_from_command_line(stack, username)

    expect(user.locator('[data-hw-notice="handoff_requeued"]')).to_have_text(
        strings["status_handoff_requeued"], timeout=SLOW
    )
    # Then the queue position again; the general "left the chat" is not shown.
    waiting_again = '[data-hw-notice="handoff_requeued"] ~ [data-hw-notice="handoff_waiting"]'
    expect(user.locator(waiting_again).first).to_be_visible(timeout=SLOW)
    expect(user.locator('[data-hw-notice="handoff_closed"]')).to_have_count(0)
    expect(staff.locator("[data-hw-conversation]")).to_have_count(0)


def test_tell_second_staff_member_the_claim_was_lost(
    browser: Browser, stack: RunningStack, contexts: list[BrowserContext]
) -> None:
    first, second = new_page(browser, contexts), new_page(browser, contexts)
    open_console(first, stack, create_staff(stack, "ann"))
    open_console(second, stack, create_staff(stack, "bob"))
    user = new_page(browser, contexts)
    ask_for_counsellor(user, stack, share=False)

    expect(first.locator("[data-hw-claim]")).to_have_count(1, timeout=SLOW)
    expect(second.locator("[data-hw-claim]")).to_have_count(1, timeout=SLOW)
    # Bob clicks a moment too late, on the button he still saw.
    late_button = second.locator("[data-hw-claim]").element_handle()
    first.locator("[data-hw-claim]").click()
    expect(first.locator("[data-hw-conversation]")).to_have_count(1, timeout=SLOW)
    expect(first.locator("[data-hw-no-consent]")).to_be_visible()
    expect(first.locator("[data-hw-transcript]")).to_have_count(0)
    late_button.evaluate("button => button.click()")
    expect(second.locator("[data-hw-staff-notice]")).to_have_text(
        "Een collega heeft dit gesprek al aangenomen.", timeout=5_000
    )
    expect(second.locator("[data-hw-conversation]")).to_have_count(0)


def test_give_24_7_numbers_when_nobody_online(
    browser: Browser, stack: RunningStack, contexts: list[BrowserContext]
) -> None:
    user = new_page(browser, contexts)
    ask_for_counsellor(user, stack)
    answer = user.locator('[data-hw-from="bot"]').last
    expect(answer).to_contain_text("0800-2000", timeout=SLOW)
    expect(answer).to_contain_text("0800-0188")
    text = answer.inner_text()
    assert text.index("112") < text.index("0800-2000"), "112 comes first"
    expect(user.locator('[data-hw-notice="handoff_waiting"]')).to_have_count(0)
