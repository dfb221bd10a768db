"""Admin API for what the create pages use: organisations, services with phone and
regions (four-eyes, one transaction), region list, accounts (admin role only)."""

from __future__ import annotations

from typing import Any

from conftest import log_in
from fastapi.testclient import TestClient

ADMIN = "/api/v1/admin"


def _new_org(client: TestClient, csrf: dict[str, str], key: str = "steunpunt-test") -> str:
    response = client.post(
        f"{ADMIN}/organizations",
        json={"key": key, "name": "Steunpunt Test", "website": "https://example.org"},
        headers=csrf,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _service_body(org_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "organization_id": org_id,
        "key": "steunpunt-test-lijn",
        "kind": "helpline",
        "name": "Steunpunt Test lijn",
        "url": "https://example.org/hulp",
        "phone": {"number": "030-1234567"},
        "vt_codes": ["VT20"],
        **extra,
    }


def _routed_ids(client: TestClient, postcode: str) -> list[str]:
    body = client.get("/api/v1/route", params={"postcode": postcode}).json()
    return [s["id"] for s in body["services"]]


def test_create_service_with_phone_and_region_waits_for_second_admin(
    admin_client: TestClient,
) -> None:
    csrf = log_in(admin_client, "alice")
    org_id = _new_org(admin_client, csrf)
    response = admin_client.post(f"{ADMIN}/services", json=_service_body(org_id), headers=csrf)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["web"] == "https://example.org/hulp"
    assert created["phones"] == [] and created["areas"] == []  # nothing served before approval
    fields = sorted(c["field"] for c in created["pending"])
    assert fields == ["areas", "phone_add:030-1234567"]
    assert created["id"] not in _routed_ids(admin_client, "3511")

    csrf_bob = log_in(admin_client, "bob")
    for change in created["pending"]:
        approved = admin_client.post(f"{ADMIN}/pending/{change['id']}/approve", headers=csrf_bob)
        assert approved.status_code == 200, approved.text
    served = admin_client.get(f"/api/v1/services/{created['id']}").json()
    assert [p["number"] for p in served["phones"]] == ["030-1234567"]
    assert [a["vt_code"] for a in served["areas"]] == ["VT20"]
    assert created["id"] in _routed_ids(admin_client, "3511")
    assert created["id"] not in _routed_ids(admin_client, "1211")  # VT07: not its region


def test_create_service_bad_phone_changes_nothing(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    org_id = _new_org(admin_client, csrf)
    body = _service_body(org_id, phone={"number": "call us"})
    response = admin_client.post(f"{ADMIN}/services", json=body, headers=csrf)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert "phone.number" in response.json()["message"]
    keys = [s["key"] for s in admin_client.get(f"{ADMIN}/services").json()["items"]]
    assert "steunpunt-test-lijn" not in keys


def test_create_service_unknown_region_changes_nothing(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    org_id = _new_org(admin_client, csrf)
    body = _service_body(org_id, vt_codes=["VT20", "VT99"])
    response = admin_client.post(f"{ADMIN}/services", json=body, headers=csrf)
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_region"
    assert "VT99" in response.json()["message"]
    keys = [s["key"] for s in admin_client.get(f"{ADMIN}/services").json()["items"]]
    assert "steunpunt-test-lijn" not in keys
    assert admin_client.get(f"{ADMIN}/pending").json() == []


def test_create_service_duplicate_key_refused(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    org_id = _new_org(admin_client, csrf)
    first = admin_client.post(f"{ADMIN}/services", json=_service_body(org_id), headers=csrf)
    assert first.status_code == 201
    again = admin_client.post(
        f"{ADMIN}/services", json=_service_body(org_id, name="Other"), headers=csrf
    )
    assert again.status_code == 409 and again.json()["code"] == "duplicate_key"
    assert len(admin_client.get(f"{ADMIN}/pending").json()) == 2  # only the first one's


def test_create_service_under_retired_organization_refused(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    org_id = _new_org(admin_client, csrf)
    retired = admin_client.post(f"{ADMIN}/organizations/{org_id}/retire", headers=csrf)
    assert retired.status_code == 200, retired.text
    version = admin_client.get("/healthz").json()["checks"]["data_version"]
    response = admin_client.post(f"{ADMIN}/services", json=_service_body(org_id), headers=csrf)
    assert response.status_code == 409
    assert response.json()["code"] == "organization_retired"
    assert "steunpunt-test is retired" in response.json()["message"]
    keys = [s["key"] for s in admin_client.get(f"{ADMIN}/services").json()["items"]]
    assert "steunpunt-test-lijn" not in keys
    assert admin_client.get(f"{ADMIN}/pending").json() == []
    assert admin_client.get("/healthz").json()["checks"]["data_version"] == version

    # Reinstated, the same request goes through.
    admin_client.post(f"{ADMIN}/organizations/{org_id}/reinstate", headers=csrf)
    again = admin_client.post(f"{ADMIN}/services", json=_service_body(org_id), headers=csrf)
    assert again.status_code == 201, again.text


def test_read_regions_lists_all_veilig_thuis_regions(admin_client: TestClient) -> None:
    log_in(admin_client, "eddie")
    regions = admin_client.get(f"{ADMIN}/regions").json()
    codes = [r["vt_code"] for r in regions]
    assert len(codes) == 25 and codes == sorted(codes)
    assert {"vt_code": "VT20", "name": "Utrecht"} in regions


def test_accounts_created_and_listed_by_admin_only(admin_client: TestClient) -> None:
    csrf_eddie = log_in(admin_client, "eddie")
    new = {"username": "frank", "password": "frank-password-1", "role": "editor"}
    refused = admin_client.post(f"{ADMIN}/accounts", json=new, headers=csrf_eddie)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert admin_client.get(f"{ADMIN}/accounts").status_code == 403

    csrf = log_in(admin_client, "alice")
    created = admin_client.post(f"{ADMIN}/accounts", json=new, headers=csrf)
    assert created.status_code == 201
    listed = admin_client.get(f"{ADMIN}/accounts").json()
    assert {"username": "frank", "role": "editor"} in [
        {"username": a["username"], "role": a["role"]} for a in listed
    ]
    assert all("password" not in key for a in listed for key in a)
    duplicate = admin_client.post(f"{ADMIN}/accounts", json=new, headers=csrf)
    assert duplicate.status_code == 409
    short = admin_client.post(
        f"{ADMIN}/accounts",
        json={"username": "gina", "password": "short", "role": "admin"},
        headers=csrf,
    )
    assert short.status_code == 422
    login = admin_client.post(
        f"{ADMIN}/login", json={"username": "frank", "password": "frank-password-1"}
    )
    assert login.status_code == 200 and login.json()["role"] == "editor"
