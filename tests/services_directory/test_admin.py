"""Admin API: login, lockout, CSRF, edits with audit, four-eyes approval."""

from __future__ import annotations

from conftest import log_in
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from services_directory.main import startup
from services_directory.seeding import stable_id
from services_directory.settings import Settings

VT20 = stable_id("service", "veilig-thuis-vt20")
ADMIN = "/api/v1/admin"


def _route_phone(client: TestClient) -> str:
    services = client.get("/api/v1/route", params={"postcode": "3511"}).json()["services"]
    return next(s for s in services if s["kind"] == "veilig_thuis")["phones"][0]["number"]


def test_login_wrong_password_is_401(admin_client: TestClient) -> None:
    response = admin_client.post(f"{ADMIN}/login", json={"username": "alice", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    unknown = admin_client.post(f"{ADMIN}/login", json={"username": "zed", "password": "nope"})
    assert unknown.json()["code"] == "invalid_credentials"


def test_login_locks_after_repeated_failures(admin_client: TestClient) -> None:
    for _ in range(5):
        admin_client.post(f"{ADMIN}/login", json={"username": "bob", "password": "wrong-wrong"})
    response = admin_client.post(
        f"{ADMIN}/login", json={"username": "bob", "password": "bob-password-12"}
    )
    assert response.status_code == 423
    assert response.json()["code"] == "account_locked"


def test_admin_endpoints_need_session(admin_client: TestClient) -> None:
    response = admin_client.get(f"{ADMIN}/services")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_session_cookie_is_httponly_strict(admin_client: TestClient) -> None:
    response = admin_client.post(
        f"{ADMIN}/login", json={"username": "alice", "password": "alice-password-1"}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert response.json()["csrf_token"] not in response.headers["set-cookie"]


def test_change_without_csrf_token_refused(admin_client: TestClient) -> None:
    log_in(admin_client, "alice")
    response = admin_client.patch(f"{ADMIN}/services/{VT20}", json={"note": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    wrong = admin_client.patch(
        f"{ADMIN}/services/{VT20}", json={"note": "x"}, headers={"X-CSRF-Token": "forged"}
    )
    assert wrong.status_code == 403
    history = admin_client.get(f"{ADMIN}/services/{VT20}/history").json()
    assert [h for h in history if h["field"] == "note"] == []


def test_logout_ends_session(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    assert admin_client.post(f"{ADMIN}/logout", headers=csrf).status_code == 204
    assert admin_client.get(f"{ADMIN}/me").status_code == 401


def test_update_service_field_writes_audit(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "eddie")
    response = admin_client.patch(
        f"{ADMIN}/services/{VT20}", json={"note": "checked website"}, headers=csrf
    )
    assert response.status_code == 200
    assert response.json()["changed"] == ["note"]
    history = admin_client.get(f"{ADMIN}/services/{VT20}/history").json()
    entry = history[-1]
    assert (entry["action"], entry["field"], entry["new"], entry["by"]) == (
        "update", "note", "checked website", "eddie",
    )  # fmt: skip
    assert entry["old"].startswith("28 gemeenten")


def test_phone_change_needs_second_admin(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    detail = admin_client.get(f"{ADMIN}/services/{VT20}").json()
    phone_id = detail["phones"][0]["id"]
    proposed = admin_client.patch(
        f"{ADMIN}/services/{VT20}/phones/{phone_id}", json={"number": "0800-2001"}, headers=csrf
    )
    assert proposed.status_code == 200
    change = proposed.json()["pending"]
    assert change["status"] == "pending"
    assert _route_phone(admin_client) == "0800-2000"  # the old value is served until approved
    own = admin_client.post(f"{ADMIN}/pending/{change['id']}/approve", headers=csrf)
    assert own.status_code == 403 and own.json()["code"] == "four_eyes"
    csrf_bob = log_in(admin_client, "bob")
    approved = admin_client.post(f"{ADMIN}/pending/{change['id']}/approve", headers=csrf_bob)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert _route_phone(admin_client) == "0800-2001"
    actions = [
        (h["action"], h["by"])
        for h in admin_client.get(f"{ADMIN}/services/{VT20}/history").json()
        if h["field"] == "number"
    ]
    assert actions == [("propose", "alice"), ("approved", "bob")]


def test_editor_cannot_approve(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    change = admin_client.put(
        f"{ADMIN}/services/{VT20}/areas", json={"vt_codes": ["VT20", "VT07"]}, headers=csrf
    ).json()["pending"]
    csrf_eddie = log_in(admin_client, "eddie")
    response = admin_client.post(f"{ADMIN}/pending/{change['id']}/approve", headers=csrf_eddie)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_region_change_waits_and_can_be_rejected(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    change = admin_client.put(
        f"{ADMIN}/services/{VT20}/areas", json={"vt_codes": ["VT07", "VT20"]}, headers=csrf
    ).json()["pending"]
    hilversum = admin_client.get("/api/v1/route", params={"postcode": "1211"}).json()
    assert hilversum["area"]["vt_region"]["code"] == "VT07"
    assert VT20 not in [s["id"] for s in hilversum["services"]]
    second = admin_client.put(
        f"{ADMIN}/services/{VT20}/areas", json={"vt_codes": ["VT20"]}, headers=csrf
    )
    assert second.status_code == 202 and second.json()["pending"] is None  # no change
    rejected = admin_client.post(
        f"{ADMIN}/pending/{change['id']}/reject", headers=log_in(admin_client, "bob")
    )
    assert rejected.json()["status"] == "rejected"
    again = admin_client.post(
        f"{ADMIN}/pending/{change['id']}/approve", headers=log_in(admin_client, "bob")
    )
    assert again.status_code == 409
    hilversum = admin_client.get("/api/v1/route", params={"postcode": "1211"}).json()
    assert VT20 not in [s["id"] for s in hilversum["services"]]


def test_admin_list_shows_attention_first(admin_client: TestClient) -> None:
    log_in(admin_client, "alice")
    items = admin_client.get(f"{ADMIN}/services").json()["items"]
    flags = [i["needs_attention"] for i in items]
    assert flags == sorted(flags, reverse=True)
    assert any(flags)


def test_retire_service_removes_it_from_routing(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    key = stable_id("service", "helpline-hear-my-voice")
    assert key in [
        s["id"] for s in admin_client.get("/api/v1/route?postcode=3511").json()["services"]
    ]
    assert admin_client.post(f"{ADMIN}/services/{key}/retire", headers=csrf).status_code == 200
    ids = [s["id"] for s in admin_client.get("/api/v1/route?postcode=3511").json()["services"]]
    assert key not in ids


def test_create_shelter_service_needs_confidential_org(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    orgs = admin_client.get(f"{ADMIN}/organizations").json()
    public_org = next(o for o in orgs if o["key"] == "centrum-seksueel-geweld")
    response = admin_client.post(
        f"{ADMIN}/services",
        json={"organization_id": public_org["id"], "key": "shelter-x", "kind": "shelter_intake",
              "name": "X opvang"},
        headers=csrf,
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "shelter_needs_confidential_org"


def test_audit_trail_cannot_be_edited(settings: Settings) -> None:
    directory = startup(settings)
    with directory.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM metadata")).scalar_one() > 0
        try:
            conn.execute(text("UPDATE metadata SET updated_by = 'mallory'"))
            conn.commit()
            raise AssertionError("update of the audit trail was accepted")
        except DatabaseError:
            conn.rollback()
        try:
            conn.execute(text("DELETE FROM metadata"))
            conn.commit()
            raise AssertionError("delete of the audit trail was accepted")
        except DatabaseError:
            conn.rollback()
