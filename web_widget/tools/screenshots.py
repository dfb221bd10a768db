"""Save screenshots of the widget (LTR and RTL, desktop and 360 px) into docs/screenshots/.

Run from the repository root:
  .venv/bin/python web_widget/tools/screenshots.py              # scripted fake gateway
  .venv/bin/python web_widget/tools/screenshots.py --gateway http://127.0.0.1:8000
The second form uses a running stack (`make run`; its URL is in var/run.json) and real bot
replies; the first needs nothing running and uses the test suite's scripted replies.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 860},
    "360": {"width": 360, "height": 780},
}
# (language, messages to the real bot, messages to the scripted fake gateway)
SCENES = {
    "ltr": ("nl", ["Hoi, mijn partner slaat me"], ["hallo", "buttons"]),
    "rtl": ("ar", ["مرحبا، زوجي يضربني"], ["arabic", "buttons"]),
}


@contextlib.contextmanager
def fake_gateway() -> Iterator[str]:
    sys.path.insert(0, str(REPO / "tests" / "web_widget"))
    from widget_fake_gateway import GatewayScript, serve

    with serve(GatewayScript()) as base_url:
        yield base_url


def converse(page: Page, messages: list[str]) -> None:
    for text in messages:
        replies = page.locator("[data-hw-from=bot], [data-hw-from=staff]").count()
        page.fill("[data-hw-input]", text)
        page.press("[data-hw-input]", "Enter")
        page.wait_for_function(
            "n => document.querySelectorAll('[data-hw-from=bot], [data-hw-from=staff]').length > n",
            arg=replies,
            timeout=30_000,
        )


def shoot(base_url: str, real: bool) -> list[Path]:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        for scene, (language, real_messages, fake_messages) in SCENES.items():
            for name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport, has_touch=name == "360")
                page = context.new_page()
                page.goto(f"{base_url}/")
                page.wait_for_selector("[data-hw-root][data-hw-connection=connected]")
                if language != "nl":
                    page.select_option("[data-hw-language-picker]", language)
                    page.wait_for_selector(
                        f"[data-hw-root][lang={language}][data-hw-connection=connected]"
                    )
                converse(page, real_messages if real else fake_messages)
                page.locator("[data-hw-safety-note] summary").click()  # show the note too
                path = OUT_DIR / f"widget-{scene}-{name}.png"
                page.screenshot(path=str(path), full_page=True)
                saved.append(path)
                context.close()
        browser.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", help="base URL of a running gateway (default: fake gateway)")
    args = parser.parse_args()
    if args.gateway:
        paths = shoot(args.gateway.rstrip("/"), real=True)
    else:
        with fake_gateway() as base_url:
            paths = shoot(base_url, real=False)
    for path in paths:
        print(path.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
