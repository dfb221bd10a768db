"""CSV export and all-or-nothing import with line-numbered errors and a diff."""

from __future__ import annotations

import csv
import io

from conftest import log_in
from fastapi.testclient import TestClient

from services_directory.seeding import stable_id

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
