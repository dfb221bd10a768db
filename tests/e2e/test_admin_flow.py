"""Admin flow in headless Chromium against a real directory process (uvicorn)."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORDS = {"alice": "alice-password-1", "bob": "bob-password-12"}

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def directory_url(tmp_path: Path) -> Iterator[str]:
    env = {
        **os.environ,
        "HW_DIRECTORY_DATABASE_URL": f"sqlite:///{tmp_path / 'directory.sqlite3'}",
        "HW_DIRECTORY_ENVIRONMENT": "development",
    }
    for name, password in PASSWORDS.items():
        subprocess.run(
            [sys.executable, "-m", "services_directory.cli", "create-admin", name,
             "--password-stdin"],
            cwd=REPO_ROOT, env=env, input=password + "\n", text=True, check=True,
            capture_output=True, timeout=120,
        )  # fmt: skip
    port = _free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "uvicorn"), "--factory",
         "services_directory.main:create_app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("directory did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def admin_page(browser: Browser, directory_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=directory_url, accept_downloads=True)
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(directory_url) else None,
    )
    yield page
    context.close()
    assert outside == [], f"requests to other origins: {outside}"


def _log_in(page: Page, name: str) -> None:
    page.goto("/admin/")
    page.fill("#username", name)
    page.fill("#password", PASSWORDS[name])
    page.click("#login-form button[type=submit]")
    expect(page.locator("#who-name")).to_contain_text(name)


def _served_vt_number(url: str) -> str:
    body = httpx.get(f"{url}/api/v1/route", params={"postcode": "3511AB"}).json()
    return next(s for s in body["services"] if s["kind"] == "veilig_thuis")["phones"][0]["number"]


def test_admin_edit_phone_approve_and_audit(admin_page: Page, directory_url: str) -> None:
    page = admin_page
    page.goto("/admin/")
    page.fill("#username", "alice")
    page.fill("#password", "wrong password!")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("wrong username or password")

    _log_in(page, "alice")
    page.fill("#search", "Veilig Thuis Utrecht")
    row = page.locator("#service-table tbody tr", has_text="Veilig Thuis Utrecht")
    expect(row).to_have_count(1)
    row.click()
    expect(page.locator("#detail-name")).to_have_text("Veilig Thuis Utrecht")
    page.locator(".phone-input").first.fill("0800-2001")
    page.get_by_role("button", name="Propose new number").first.click()
    expect(page.locator("#status")).to_contain_text("waiting for a second administrator")
    expect(page.locator("#detail-pending li")).to_contain_text("number: 0800-2000 → 0800-2001")
    assert _served_vt_number(directory_url) == "0800-2000"

    # alice cannot approve her own change
    page.click("nav [data-tab=pending]")
    pending_row = page.locator("#pending-table tbody tr", has_text="0800-2001")
    pending_row.get_by_role("button", name="Approve").click()
    expect(page.locator("#status")).to_contain_text("second administrator must approve")
    assert _served_vt_number(directory_url) == "0800-2000"

    page.click("#logout")
    expect(page.locator("#login-view")).to_be_visible()
    _log_in(page, "bob")
    page.click("nav [data-tab=pending]")
    page.locator("#pending-table tbody tr", has_text="0800-2001").get_by_role(
        "button", name="Approve"
    ).click()
    expect(page.locator("#status")).to_contain_text("Approved")
    expect(page.locator("#pending-table tbody tr")).to_have_count(0)
    assert _served_vt_number(directory_url) == "0800-2001"

    page.click("nav [data-tab=services]")
    page.fill("#search", "Veilig Thuis Utrecht")
    page.locator("#service-table tbody tr", has_text="Veilig Thuis Utrecht").click()
    history = page.locator("#history-table tbody tr")
    expect(history.filter(has_text="propose").filter(has_text="alice")).to_have_count(1)
    expect(history.filter(has_text="approved").filter(has_text="bob")).to_have_count(1)
    expect(history.filter(has_text="0800-2001")).to_have_count(2)


def test_admin_bad_csv_import_refused_with_lines(admin_page: Page, directory_url: str) -> None:
    page = admin_page
    _log_in(page, "alice")
    page.click("nav [data-tab=import]")
    with page.expect_download() as download_info:
        page.click("#export-link")
    exported = Path(download_info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(exported)))
    rows[0]["name"] = "A fine new name"
    rows[2]["phone_1_number"] = "call us"  # line 4
    rows[4]["regions"] = "VT99"  # line 6
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    page.set_input_files(
        "#import-file",
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}],
    )
    page.click("#import-check")
    errors = page.locator("#import-errors li")
    expect(errors.filter(has_text="line 4: phone_1_number")).to_have_count(1)
    expect(errors.filter(has_text="line 6: regions")).to_have_count(1)
    expect(page.locator("#import-result .error")).to_contain_text("nothing was changed")
    expect(page.locator("#import-apply")).to_be_disabled()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    after = httpx.get(f"{directory_url}/api/v1/admin/export.csv", cookies=cookies).text
    assert after == exported
