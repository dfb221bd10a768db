"""Bad input: each gets a 4xx with a machine code and changes nothing."""

from __future__ import annotations

import json

import pytest
from conftest import log_in
from fastapi.testclient import TestClient

from services_directory.seeding import stable_id

ADMIN = "/api/v1/admin"
VT20 = stable_id("service", "veilig-thuis-vt20")


def _history_len(client: TestClient) -> int:
    return len(client.get(f"{ADMIN}/services/{VT20}/history").json())


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "malformed_json"),
        (json.dumps({"name": 42}), "invalid_request"),
        (json.dumps({"status": "open"}), "invalid_request"),
        (json.dumps({"colour": "red"}), "invalid_request"),
        (json.dumps({"name": "<script>alert(1)</script>"}), "invalid_request"),
        (json.dumps({"url": "javascript:alert(1)"}), "invalid_request"),
        (json.dumps({"sources": ["S9999"]}), "unknown_source"),
        (json.dumps({"name": "x" * 201}), "invalid_request"),
        (json.dumps({"last_verified": "yesterday"}), "invalid_request"),
    ],
)
def test_update_service_bad_body_changes_nothing(
    admin_client: TestClient, body: str, code: str
) -> None:
    csrf = log_in(admin_client, "alice")
    before = admin_client.get(f"/api/v1/services/{VT20}").json()
    audit_before = _history_len(admin_client)
    response = admin_client.patch(
        f"{ADMIN}/services/{VT20}",
        content=body,
        headers={**csrf, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert admin_client.get(f"/api/v1/services/{VT20}").json() == before
    assert _history_len(admin_client) == audit_before


def test_oversized_body_is_413(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    response = admin_client.post(
        f"{ADMIN}/import", content="x" * 1_000_001, headers={**csrf, "Content-Type": "text/csv"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_sql_like_strings_are_plain_data(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    evil = "Robert'); DROP TABLE service;--"
    response = admin_client.patch(f"{ADMIN}/services/{VT20}", json={"note": evil}, headers=csrf)
    assert response.status_code == 200
    assert admin_client.get(f"/api/v1/services/{VT20}").json()["note"] == evil
    assert admin_client.get("/api/v1/services").json()["total"] > 50
    search = admin_client.get("/api/v1/services", params={"q": "' OR 1=1 --"}).json()
    assert search["total"] == 0


def test_duplicate_key_is_409(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    orgs = admin_client.get(f"{ADMIN}/organizations").json()
    org = next(o for o in orgs if o["key"] == "veilig-thuis")
    response = admin_client.post(
        f"{ADMIN}/services",
        json={"organization_id": org["id"], "key": "veilig-thuis-vt20", "kind": "veilig_thuis",
              "name": "Duplicate"},
        headers=csrf,
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_key"
    dup_org = admin_client.post(
        f"{ADMIN}/organizations", json={"key": "veilig-thuis", "name": "Again"}, headers=csrf
    )
    assert dup_org.status_code == 409


def test_bad_phone_number_is_refused(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    phone_id = admin_client.get(f"{ADMIN}/services/{VT20}").json()["phones"][0]["id"]
    response = admin_client.patch(
        f"{ADMIN}/services/{VT20}/phones/{phone_id}", json={"number": "call me"}, headers=csrf
    )
    assert response.status_code == 422
    assert admin_client.get(f"{ADMIN}/pending").json() == []


def test_unknown_region_is_refused(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    response = admin_client.put(
        f"{ADMIN}/services/{VT20}/areas", json={"vt_codes": ["VT99"]}, headers=csrf
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_region"


def test_unknown_route_and_method(read_client: TestClient) -> None:
    missing = read_client.get("/api/v1/nothing")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = read_client.post("/api/v1/route")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"
