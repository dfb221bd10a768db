"""Admin flow in headless Chromium against a real directory process (uvicorn)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from services_directory.seeding import stable_id
from stack.processes import directory_spec
from stack.settings import StackSettings
from stack.supervisor import Supervisor, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORDS = {"alice": "alice-password-1", "bob": "bob-password-12"}

pytestmark = pytest.mark.browser


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
    settings = StackSettings(var_dir=tmp_path, directory_port=free_port())
    supervisor = Supervisor(tmp_path / "logs")
    try:
        supervisor.start_all([directory_spec(settings, env["HW_DIRECTORY_DATABASE_URL"])])
        yield f"http://{settings.host}:{settings.directory_port}"
    finally:
        supervisor.stop_all()


@pytest.fixture
def admin_page(browser: Browser, directory_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=directory_url, accept_downloads=True)
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(directory_url) else None,
    )
    blocked: list[str] = []  # the strict CSP refusing something the page tried to run or load
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert outside == [], f"requests to other origins: {outside}"
    assert blocked == [], f"CSP violations: {blocked}"


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
    bad_csv: FilePayload = {
        "name": "bad.csv",
        "mimeType": "text/csv",
        "buffer": out.getvalue().encode(),
    }
    page.set_input_files("#import-file", files=[bad_csv])
    page.click("#import-check")
    errors = page.locator("#import-errors li")
    expect(errors.filter(has_text="line 4: phone_1_number")).to_have_count(1)
    expect(errors.filter(has_text="line 6: regions")).to_have_count(1)
    expect(page.locator("#import-result .error")).to_contain_text("nothing was changed")
    expect(page.locator("#import-apply")).to_be_disabled()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    after = httpx.get(f"{directory_url}/api/v1/admin/export.csv", cookies=cookies).text
    assert after == exported


def _served(url: str, service_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{url}/api/v1/services/{service_id}").json()
    return body


def _routed_ids(url: str, postcode: str) -> list[str]:
    body = httpx.get(f"{url}/api/v1/route", params={"postcode": postcode}).json()
    return [s["id"] for s in body["services"]]


def test_admin_create_service_and_propose_region(admin_page: Page, directory_url: str) -> None:
    page = admin_page
    _log_in(page, "alice")
    page.click("nav [data-tab=create]")

    # Organisation, filled by label (every field has one); the name is shown as text.
    org_form = page.locator("#org-form")
    org_form.get_by_label("Name", exact=True).fill("Steunpunt <Test> & Co")
    org_form.get_by_label("Key").fill("steunpunt-test")
    org_form.get_by_label("Website").fill("https://example.org")
    org_form.get_by_role("button", name="Create organisation").click()
    expect(page.locator("#create-error")).to_contain_text("must not contain < or >")
    org_form.get_by_label("Name", exact=True).fill("Steunpunt Test & Co")
    org_form.get_by_role("button", name="Create organisation").click()
    expect(page.locator("#status")).to_have_text("Organisation Steunpunt Test & Co created.")
    expect(page.locator("#svc-org option:checked")).to_have_text("Steunpunt Test & Co")

    # Service with web, phone and a service area; submitted with the keyboard.
    form = page.locator("#service-form")
    form.get_by_label("Name", exact=True).fill("Steunpunt Test lijn")
    form.get_by_label("Key").fill("steunpunt-test-lijn")
    form.get_by_label("Kind").select_option("helpline")
    form.get_by_label("Website").fill("https://example.org/hulp")
    form.get_by_label("Phone number").fill("030-1234567")
    region = page.locator("#svc-areas").get_by_label("VT20 Utrecht")
    region.focus()
    page.keyboard.press("Space")
    expect(region).to_be_checked()
    form.get_by_label("Phone number").press("Enter")
    expect(page.locator("#status")).to_contain_text(
        "Service Steunpunt Test lijn created; phone_add:030-1234567, areas waiting for a second"
    )

    page.click("nav [data-tab=services]")
    page.fill("#search", "Steunpunt Test")
    row = page.locator("#service-table tbody tr", has_text="Steunpunt Test lijn")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(5)).to_have_text("2")
    service_id = row.get_attribute("data-service-id")
    assert service_id
    served = _served(directory_url, service_id)
    assert served["web"] == "https://example.org/hulp"
    assert served["phones"] == [] and served["areas"] == []

    # Region change of an existing service: proposed, shown pending, old regions served.
    page.fill("#search", "Veilig Thuis Utrecht")
    page.locator("#service-table tbody tr", has_text="Veilig Thuis Utrecht").click()
    expect(page.locator("#detail-name")).to_have_text("Veilig Thuis Utrecht")
    vt_utrecht = page.locator("#service-table tbody tr").first.get_attribute("data-service-id")
    assert vt_utrecht
    page.locator("#areas-choices").get_by_label("VT07 Gooi en Vechtstreek").check()
    page.get_by_role("button", name="Propose regions").click()
    expect(page.locator("#status")).to_contain_text(
        "Proposed regions VT07, VT20; waiting for a second administrator."
    )
    expect(page.locator("#detail-pending li")).to_contain_text('areas: ["VT20"] → ["VT07", "VT20"]')
    page.click("nav [data-tab=pending]")
    pending = page.locator("#pending-table tbody tr")
    expect(pending).to_have_count(3)
    expect(pending.filter(has_text="Veilig Thuis Utrecht").filter(has_text="areas")).to_have_count(
        1
    )
    assert vt_utrecht not in _routed_ids(directory_url, "1211")  # Hilversum is VT07

    # A second administrator approves; the new service and region are served.
    page.click("#logout")
    _log_in(page, "bob")
    page.click("nav [data-tab=pending]")
    for left in (2, 1, 0):
        page.locator("#pending-table tbody tr").first.get_by_role("button", name="Approve").click()
        expect(page.locator("#pending-table tbody tr")).to_have_count(left)
    expect(page.locator("#status")).to_contain_text("Approved")
    served = _served(directory_url, service_id)
    assert [p["number"] for p in served["phones"]] == ["030-1234567"]
    assert [a["vt_code"] for a in served["areas"]] == ["VT20"]
    assert service_id in _routed_ids(directory_url, "3511")
    assert vt_utrecht in _routed_ids(directory_url, "1211")


def test_admin_creates_editor_account(admin_page: Page, directory_url: str) -> None:
    page = admin_page
    _log_in(page, "alice")
    page.click("nav [data-tab=accounts]")
    expect(page.locator("#account-table tbody tr")).to_have_count(2)
    account_form = page.locator("#account-form")
    account_form.get_by_label("Username").fill("carol")
    account_form.get_by_label("Password (at least 12 characters)").fill("carol-password-1")
    account_form.get_by_label("Role").select_option("editor")
    account_form.get_by_role("button", name="Create account").click()
    expect(page.locator("#status")).to_have_text("Account carol (editor) created.")
    expect(page.locator("#account-table tbody tr", has_text="carol")).to_contain_text("editor")

    page.click("#logout")
    page.fill("#username", "carol")
    page.fill("#password", "carol-password-1")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#who-name")).to_have_text("carol (editor)")
    expect(page.locator("nav [data-tab=accounts]")).to_be_hidden()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    listing = httpx.get(f"{directory_url}/api/v1/admin/accounts", cookies=cookies)
    assert listing.status_code == 403


FIER_CHAT = stable_id("service", "helpline-fier-chat")  # national
FIER_SHELTER = stable_id("service", "shelter-fier")  # Friesland (VT04)
LEEUWARDEN = "8911"


def _organization_as_bob(url: str, key: str) -> dict[str, Any]:
    """The organisation as the API has it, read in a session of its own."""
    with httpx.Client(base_url=url) as client:
        login = client.post(
            "/api/v1/admin/login", json={"username": "bob", "password": PASSWORDS["bob"]}
        )
        assert login.status_code == 200
        orgs = client.get("/api/v1/admin/organizations").json()
    found: dict[str, Any] = next(o for o in orgs if o["key"] == key)
    return found


def _end_page_session(url: str, page: Page) -> None:
    """Log the page's session out behind its back, as an expired session would be."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    with httpx.Client(base_url=url, cookies=cookies) as client:
        csrf = client.get("/api/v1/admin/me").json()["csrf_token"]
        ended = client.post("/api/v1/admin/logout", headers={"X-CSRF-Token": csrf})
        assert ended.status_code == 204


def _listed_ids(url: str) -> list[str]:
    body = httpx.get(f"{url}/api/v1/services", params={"q": "Fier"}).json()
    return [s["id"] for s in body["items"]]


def test_admin_retire_organization_confirmed_and_reinstated(
    admin_page: Page, directory_url: str
) -> None:
    page = admin_page
    _log_in(page, "alice")
    page.click("nav [data-tab=organizations]")
    fier = page.locator("#organization-table tbody tr[data-key=org-fier]")
    expect(fier.locator("td").nth(2)).to_have_text("2 active of 2")
    expect(fier.locator("td").nth(3)).to_have_text("active")
    dialog = page.locator("#org-dialog")

    # The confirmation says what retiring does and to which services; Cancel is the default.
    fier.get_by_role("button", name="Retire Fier").click()
    expect(dialog).to_be_visible()
    expect(page.locator("#org-dialog-cancel")).to_be_focused()
    expect(page.locator("#org-dialog-title")).to_have_text("Retire Fier?")
    expect(page.locator("#org-dialog-effect")).to_contain_text(
        "2 active services will at once stop being routed from a postcode"
    )
    expect(page.locator("#org-dialog-effect")).to_contain_text("leave the public service list")
    expect(page.locator("#org-dialog-services li")).to_have_text(
        ["Chat met Fier (helpline)", "Fier: vrouwenopvang (shelter_intake)"]
    )
    expect(page.locator("#org-dialog-keep")).to_contain_text("Nothing is deleted")
    page.keyboard.press("Enter")  # on the focused Cancel button
    expect(dialog).to_be_hidden()
    assert _organization_as_bob(directory_url, "org-fier")["retired"] is False

    # An error (the session ended meanwhile) is shown in the dialog; nothing changes.
    _end_page_session(directory_url, page)
    fier.get_by_role("button", name="Retire Fier").click()
    dialog.get_by_role("button", name="Retire organisation").click()
    expect(page.locator("#org-dialog-error")).to_have_text(
        "Not retired: log in first. Nothing was changed."
    )
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(fier).to_have_attribute("data-retired", "false")
    expect(fier.locator("td").nth(3)).to_have_text("active")
    assert _organization_as_bob(directory_url, "org-fier")["retired"] is False
    assert {FIER_CHAT, FIER_SHELTER} <= set(_routed_ids(directory_url, LEEUWARDEN))

    # Logged in again: retired, shown as retired (by whom), out of routing and the list.
    page.click("#logout")
    _log_in(page, "alice")
    page.click("nav [data-tab=organizations]")
    fier.get_by_role("button", name="Retire Fier").click()
    dialog.get_by_role("button", name="Retire organisation").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#status")).to_have_text(
        "Organisation Fier retired: its services are no longer routed or listed publicly."
    )
    expect(fier).to_have_attribute("data-retired", "true")
    expect(fier.locator("td").nth(3)).to_contain_text("retired")
    expect(fier.locator("td").nth(3)).to_contain_text("by alice")
    expect(fier.get_by_role("button", name="Reinstate Fier")).to_be_focused()
    routed = set(_routed_ids(directory_url, LEEUWARDEN))
    assert not {FIER_CHAT, FIER_SHELTER} & routed
    assert not {FIER_CHAT, FIER_SHELTER} & set(_listed_ids(directory_url))
    assert _organization_as_bob(directory_url, "org-fier")["retired_by"] == "alice"

    # Its services say so on the Services tab, and it is offered for no new service.
    page.click("nav [data-tab=services]")
    page.fill("#search", "Chat met Fier")
    row = page.locator("#service-table tbody tr", has_text="Chat met Fier")
    expect(row.locator("td").nth(2)).to_have_text("active, organisation retired")
    row.click()
    expect(page.locator("#detail-org-retired")).to_be_visible()
    page.click("nav [data-tab=create]")
    expect(page.locator("#svc-org option", has_text="Fier")).to_have_count(0)

    # Reinstated: routed and listed again.
    page.click("nav [data-tab=organizations]")
    fier.get_by_role("button", name="Reinstate Fier").click()
    expect(page.locator("#org-dialog-title")).to_have_text("Reinstate Fier?")
    expect(page.locator("#org-dialog-effect")).to_contain_text(
        "2 active services will at once be routed from a postcode and listed publicly again"
    )
    dialog.get_by_role("button", name="Reinstate organisation").click()
    expect(page.locator("#status")).to_have_text(
        "Organisation Fier reinstated: its active services are routed and listed again."
    )
    expect(fier).to_have_attribute("data-retired", "false")
    expect(fier.locator("td").nth(3)).to_have_text("active")
    assert {FIER_CHAT, FIER_SHELTER} <= set(_routed_ids(directory_url, LEEUWARDEN))
    assert FIER_CHAT in _listed_ids(directory_url)
    page.click("nav [data-tab=create]")
    expect(page.locator("#svc-org option", has_text="Fier")).to_have_count(1)
