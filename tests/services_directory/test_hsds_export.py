"""GET /api/v1/export/hsds against the HSDS 3 shapes in the reference notes: required fields
per table, enums, references between tables, no address anywhere, no shelter location."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import log_in
from fastapi.testclient import TestClient

from services_directory.seeding import stable_id
from services_directory.settings import Settings

# Export key -> HSDS table, for the rows nested in each service.
NESTED_IN_SERVICE = {
    "phones": "phone",
    "service_areas": "service_area",
    "languages": "language",
    "service_at_locations": "service_at_location",
}
ADDRESS_FIELDS = {"address", "addresses", "address_1", "address_2", "postal_code", "street"}


def _notes(data_dir: Path) -> dict[str, Any]:
    notes: dict[str, Any] = json.loads((data_dir / "hsds_model_notes.json").read_text("utf-8"))
    return notes["tables"]


def _rows_by_table(export: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {
        "organization": export["organizations"],
        "service": export["services"],
        "location": export["locations"],
        "schedule": [],
        **{table: [] for table in NESTED_IN_SERVICE.values()},
    }
    for service in export["services"]:
        for key, table in NESTED_IN_SERVICE.items():
            tables[table].extend(service[key])
        for phone in service["phones"]:
            tables["schedule"].extend(phone["schedules"])
    return tables


def hsds_problems(export: dict[str, Any], notes: dict[str, Any]) -> list[str]:
    """Every way the export departs from the HSDS 3 shapes in the notes (empty: none)."""
    problems: list[str] = []
    tables = _rows_by_table(export)
    for table, rows in tables.items():
        required = notes[table]["required"]
        seen: set[str] = set()
        for index, row in enumerate(rows):
            where = f"{table}[{index}]"
            for field in required:
                value = row.get(field)
                if value is None or (isinstance(value, str) and not value.strip()):
                    problems.append(f"{where}: required {field} missing or empty")
            row_id = row.get("id")
            if isinstance(row_id, str):
                if row_id in seen:
                    problems.append(f"{where}: duplicate id {row_id}")
                seen.add(row_id)
    for table, field in (("service", "status"), ("location", "location_type")):
        allowed = notes[table][f"{field}_enum"]
        for row in tables[table]:
            if row.get(field) not in allowed:
                problems.append(f"{table} {row.get('id')}: {field} {row.get(field)!r} not in enum")
    org_ids = {o["id"] for o in tables["organization"]}
    location_ids = {loc["id"] for loc in tables["location"]}
    for svc in tables["service"]:
        if svc.get("organization_id") not in org_ids:
            problems.append(f"service {svc['id']}: unknown organization_id")
    for link in tables["service_at_location"]:
        if link.get("location_id") not in location_ids:
            problems.append(f"service_at_location {link['id']}: unknown location_id")
    for loc in tables["location"]:
        if loc.get("organization_id") not in org_ids:
            problems.append(f"location {loc['id']}: unknown organization_id")
    problems.extend(_address_fields(export, "export"))
    return problems


def _address_fields(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ADDRESS_FIELDS:
                yield f"{path}.{key}: address field"
            yield from _address_fields(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _address_fields(item, f"{path}[{index}]")


@pytest.fixture(scope="module")
def export(read_client: TestClient) -> dict[str, Any]:
    response = read_client.get("/api/v1/export/hsds")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_export_hsds_meets_required_fields(export: dict[str, Any]) -> None:
    notes = _notes(Settings().data_dir)
    assert hsds_problems(export, notes) == []
    tables = _rows_by_table(export)
    # Non-trivial: the seeded directory fills every table the notes require fields for.
    assert len(tables["service"]) >= 40 and len(tables["organization"]) >= 10
    assert tables["location"] and tables["service_at_location"] and tables["schedule"]
    assert tables["service_area"] and tables["phone"]
    derived = [o for o in tables["organization"] if o["x_description_derived"]]
    assert all(o["description"].startswith("Services: ") for o in derived)
    assert {loc["location_type"] for loc in tables["location"]} == {"physical"}


def test_export_hsds_has_no_shelter_location(
    export: dict[str, Any], read_client: TestClient
) -> None:
    shelters = read_client.get("/api/v1/services", params={"kind": "shelter_intake"}).json()
    shelter_ids = {s["id"] for s in shelters["items"]}
    assert len(shelter_ids) == 11
    shelter_rows = [s for s in export["services"] if s["id"] in shelter_ids]
    assert len(shelter_rows) == 11
    assert all(s["service_at_locations"] == [] for s in shelter_rows)
    shelter_orgs = {s["organization_id"] for s in shelter_rows}
    assert not [loc for loc in export["locations"] if loc["organization_id"] in shelter_orgs]
    for svc in shelter_rows:  # a phone, or the missing phone flagged; never coordinates
        assert "latitude" not in json.dumps(svc) and "longitude" not in json.dumps(svc)
        assert svc["phones"] or "phone" in svc["x_unconfirmed"]


def test_hsds_problems_finds_each_kind_of_fault(export: dict[str, Any]) -> None:
    """The checker itself: a broken copy of the export is reported, field by field."""
    notes = _notes(Settings().data_dir)
    broken = json.loads(json.dumps(export))
    del broken["organizations"][0]["description"]
    broken["services"][0]["status"] = "open"
    phone_service = next(s for s in broken["services"] if s["phones"])
    phone_service["phones"][0]["number"] = ""
    located = next(s for s in broken["services"] if s["service_at_locations"])
    located["service_at_locations"][0]["location_id"] = "nowhere"
    broken["locations"][0]["address_1"] = "Somewhere 1"
    problems = hsds_problems(broken, notes)
    assert any("organization[0]: required description" in p for p in problems)
    assert any("status 'open' not in enum" in p for p in problems)
    assert any(p.startswith("phone[") and "required number" in p for p in problems)
    assert any("unknown location_id" in p for p in problems)
    assert any("address_1: address field" in p for p in problems)
    assert len(problems) == 5


def test_export_hsds_retired_organization_services_inactive(admin_client: TestClient) -> None:
    """Still exported (HSDS keeps history), but not live: status inactive, org x_retired."""
    fier = stable_id("organization", "org-fier")
    fier_services = {
        stable_id("service", "helpline-fier-chat"),
        stable_id("service", "shelter-fier"),
    }
    before = admin_client.get("/api/v1/export/hsds").json()
    assert not [o for o in before["organizations"] if o["x_retired"]]
    csrf = log_in(admin_client, "eddie")
    retired = admin_client.post(f"/api/v1/admin/organizations/{fier}/retire", headers=csrf)
    assert retired.status_code == 200, retired.text

    after = admin_client.get("/api/v1/export/hsds").json()
    assert hsds_problems(after, _notes(Settings().data_dir)) == []
    statuses = {s["id"]: s["status"] for s in after["services"] if s["organization_id"] == fier}
    assert statuses == dict.fromkeys(fier_services, "inactive")
    assert [o["id"] for o in after["organizations"] if o["x_retired"]] == [fier]
    others = [s for s in before["services"] if s["id"] not in fier_services]
    assert [s for s in after["services"] if s["id"] not in fier_services] == others
