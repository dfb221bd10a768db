"""CSV export and all-or-nothing import with line-numbered errors and a diff."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import log_in
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from services_directory.admin import csv_io
from services_directory.errors import ApiError
from services_directory.models import Organization
from services_directory.seeding import stable_id
from services_directory.settings import Settings

ADMIN = "/api/v1/admin"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _write(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_export_import_round_trip_is_unchanged(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    exported = admin_client.get(f"{ADMIN}/export.csv").text
    assert len(_rows(exported)) == 62
    response = admin_client.post(f"{ADMIN}/import", content=exported, headers=csrf)
    assert response.status_code == 200
    assert response.json()["diff"]["summary"] == {"create": 0, "update": 0, "unchanged": 62}


def test_import_bad_rows_reports_lines_and_changes_nothing(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    rows = _rows(admin_client.get(f"{ADMIN}/export.csv").text)
    rows[0]["name"] = "Renamed fine"  # a good change on line 2 must not be applied either
    rows[2]["phone_1_number"] = "not-a-number"  # line 4
    rows[5]["kind"] = "spa"  # line 7
    rows[6]["key"] = rows[7]["key"]  # line 8 duplicates line 9
    rows[10]["regions"] = "VT99"  # line 12
    rows[11]["name"] = "<img src=x onerror=alert(1)>"  # line 13
    before = admin_client.get(f"{ADMIN}/export.csv").text
    response = admin_client.post(
        f"{ADMIN}/import", params={"apply": "true"}, content=_write(rows), headers=csrf
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_csv"
    problems = {(e["line"], e["field"]) for e in body["details"]["errors"]}
    assert {
        (4, "phone_1_number"),
        (7, "kind"),
        (9, "key"),
        (12, "regions"),
        (13, "name"),
    } <= problems
    assert admin_client.get(f"{ADMIN}/export.csv").text == before


def test_import_shows_diff_then_applies(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    rows = _rows(admin_client.get(f"{ADMIN}/export.csv").text)
    target = next(r for r in rows if r["key"] == "helpline-113")
    target["note"] = "checked 113.nl"
    target["phone_2_number"] = "0800-0114"
    text = _write(rows)
    preview = admin_client.post(f"{ADMIN}/import", content=text, headers=csrf).json()
    assert preview["applied"] is False
    [change] = preview["diff"]["rows"]
    assert change["key"] == "helpline-113"
    assert change["changes"]["note"][1] == "checked 113.nl"
    assert change["needs_approval"] == ["phone_2_number"]
    svc_id = stable_id("service", "helpline-113")
    assert admin_client.get(f"/api/v1/services/{svc_id}").json()["note"] != "checked 113.nl"
    applied = admin_client.post(
        f"{ADMIN}/import", params={"apply": "true"}, content=text, headers=csrf
    )
    assert applied.json()["applied"] is True
    service = admin_client.get(f"/api/v1/services/{svc_id}").json()
    assert service["note"] == "checked 113.nl"
    assert [p["number"] for p in service["phones"]] == ["113", "0800-0113"]  # waits for approval
    pending = admin_client.get(f"{ADMIN}/pending").json()
    assert [p["field"] for p in pending] == ["number"]


def test_import_needs_admin_role(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "eddie")
    response = admin_client.post(f"{ADMIN}/import", content="key\n", headers=csrf)
    assert response.status_code == 403


def test_import_bad_header(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    response = admin_client.post(f"{ADMIN}/import", content="key,colour\nx,red\n", headers=csrf)
    assert response.status_code == 422
    [error] = response.json()["details"]["errors"]
    assert error["line"] == 1 and "colour" in error["reason"]


def _retire_fier(client: TestClient, csrf: dict[str, str]) -> None:
    fier = stable_id("organization", "org-fier")
    response = client.post(f"{ADMIN}/organizations/{fier}/retire", headers=csrf)
    assert response.status_code == 200, response.text


def test_export_csv_shows_retired_organization(admin_client: TestClient) -> None:
    """Complete (a backup): the services stay, with their own status and the org's state."""
    csrf = log_in(admin_client, "alice")
    _retire_fier(admin_client, csrf)
    exported = admin_client.get(f"{ADMIN}/export.csv").text
    rows = _rows(exported)
    assert len(rows) == 62
    fier = {r["key"]: (r["status"], r["organization_retired"]) for r in rows if "fier" in r["key"]}
    assert fier == {"helpline-fier-chat": ("active", "true"), "shelter-fier": ("active", "true")}
    assert {r["organization_retired"] for r in rows if "fier" not in r["key"]} == {"false"}
    response = admin_client.post(f"{ADMIN}/import", content=exported, headers=csrf)
    assert response.status_code == 200, response.text
    assert response.json()["diff"]["summary"] == {"create": 0, "update": 0, "unchanged": 62}


def test_import_new_service_under_retired_organization_changes_nothing(
    admin_client: TestClient,
) -> None:
    csrf = log_in(admin_client, "alice")
    _retire_fier(admin_client, csrf)
    rows = _rows(admin_client.get(f"{ADMIN}/export.csv").text)
    rows[0]["note"] = "a good change that must not be applied either"
    new = {**next(r for r in rows if r["key"] == "helpline-fier-chat"), "key": "helpline-fier-2"}
    rows.append(new)  # line 64
    before = admin_client.get(f"{ADMIN}/export.csv").text
    response = admin_client.post(
        f"{ADMIN}/import", params={"apply": "true"}, content=_write(rows), headers=csrf
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_csv" and "nothing was changed" in body["message"]
    [error] = body["details"]["errors"]
    assert (error["line"], error["field"]) == (64, "organization_key")
    assert "org-fier is retired" in error["reason"]
    assert admin_client.get(f"{ADMIN}/export.csv").text == before
    assert admin_client.get(f"{ADMIN}/pending").json() == []


def test_import_cannot_retire_or_reinstate_organization(admin_client: TestClient) -> None:
    """organization_retired is read-only: a row that disagrees is refused, not applied."""
    csrf = log_in(admin_client, "alice")
    rows = _rows(admin_client.get(f"{ADMIN}/export.csv").text)
    line = {r["key"]: i + 2 for i, r in enumerate(rows)}
    by_key = {r["key"]: r for r in rows}
    by_key["helpline-fier-chat"]["organization_retired"] = "true"
    by_key["helpline-113"]["organization_retired"] = "maybe"
    rows.append({**by_key["helpline-113"], "key": "new-org-line", "organization_key": "org-new",
                 "organization_name": "New", "organization_retired": "true"})  # fmt: skip
    response = admin_client.post(
        f"{ADMIN}/import", params={"apply": "true"}, content=_write(rows), headers=csrf
    )
    assert response.status_code == 422
    problems = {(e["line"], e["field"]) for e in response.json()["details"]["errors"]}
    assert problems == {
        (line["helpline-fier-chat"], "organization_retired"),
        (line["helpline-113"], "organization_retired"),
        (len(rows) + 1, "organization_retired"),
    }
    orgs = admin_client.get(f"{ADMIN}/organizations").json()
    assert not [o for o in orgs if o["retired"]]
    assert "org-new" not in {o["key"] for o in orgs}


def test_import_without_organization_retired_column(admin_client: TestClient) -> None:
    """Files written before the column existed still import (nothing to check)."""
    csrf = log_in(admin_client, "alice")
    _retire_fier(admin_client, csrf)
    rows = _rows(admin_client.get(f"{ADMIN}/export.csv").text)
    for row in rows:
        del row["organization_retired"]
    response = admin_client.post(f"{ADMIN}/import", content=_write(rows), headers=csrf)
    assert response.status_code == 200, response.text
    assert response.json()["diff"]["summary"] == {"create": 0, "update": 0, "unchanged": 62}


def test_import_new_service_with_last_verified(admin_client: TestClient) -> None:
    """A new row copied from an export (it has a last_verified date) is created."""
    csrf = log_in(admin_client, "alice")
    rows = _rows(admin_client.get(f"{ADMIN}/export.csv").text)
    rows.append({**next(r for r in rows if r["key"] == "helpline-113"), "key": "helpline-113-b"})
    assert rows[-1]["last_verified"]
    response = admin_client.post(
        f"{ADMIN}/import", params={"apply": "true"}, content=_write(rows), headers=csrf
    )
    assert response.status_code == 200, response.text
    assert response.json()["diff"]["summary"]["create"] == 1
    items = admin_client.get(f"{ADMIN}/services", params={"q": "113"}).json()["items"]
    created = next(i for i in items if i["key"] == "helpline-113-b")
    assert created["last_verified"] == rows[-1]["last_verified"]


def test_apply_import_after_organization_retired_refused(settings: Settings) -> None:
    """A plan checked before the organisation was retired is still refused when applied."""
    engine = create_engine(settings.database_url)
    with Session(engine) as session:
        rows = _rows(csv_io.export_csv(session))
        chat = next(r for r in rows if r["key"] == "helpline-fier-chat")
        plan = csv_io.plan_import(session, _write([{**chat, "key": "helpline-fier-2"}]), {})
        assert plan.errors == [] and plan.diff_json()["summary"]["create"] == 1
        org = session.scalars(select(Organization).where(Organization.key == "org-fier")).one()
        org.retired = True
        with pytest.raises(ApiError) as raised:
            csv_io.apply_import(session, plan, "test", {})
        assert raised.value.status == 409 and raised.value.code == "organization_retired"
    engine.dispose()
