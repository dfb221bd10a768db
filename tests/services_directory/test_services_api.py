"""GET /api/v1/services and /api/v1/services/{id}."""

from __future__ import annotations

from conftest import log_in
from fastapi.testclient import TestClient

from services_directory.seeding import stable_id


def test_read_services_filter_by_kind_and_region(read_client: TestClient) -> None:
    body = read_client.get("/api/v1/services", params={"kind": "csg", "region": "VT20"}).json()
    assert [s["key"] for s in body["items"]] == ["csg-utrecht", "csg-national"]
    assert body["total"] == 2


def test_read_services_filter_by_language(read_client: TestClient) -> None:
    body = read_client.get("/api/v1/services", params={"language": "en"}).json()
    assert [s["key"] for s in body["items"]] == ["helpline-helpwanted"]


def test_read_services_pagination(read_client: TestClient) -> None:
    first = read_client.get("/api/v1/services", params={"limit": 5}).json()
    second = read_client.get("/api/v1/services", params={"limit": 5, "offset": 5}).json()
    assert len(first["items"]) == 5 and len(second["items"]) == 5
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    assert first["total"] == second["total"] > 50


def test_read_service_detail(read_client: TestClient) -> None:
    service_id = stable_id("service", "veilig-thuis-vt20")
    body = read_client.get(f"/api/v1/services/{service_id}").json()
    assert body["name"] == "Veilig Thuis Utrecht"
    assert body["areas"] == [{"vt_code": "VT20", "name": "VT20 Utrecht", "confirmed": True}]
    assert body["phones"][0]["number"] == "0800-2000"
    assert body["sources"]


def test_read_service_shelter_has_no_sites(read_client: TestClient) -> None:
    body = read_client.get("/api/v1/services", params={"kind": "shelter_intake"}).json()
    assert body["total"] == 11
    assert all(s["sites"] == [] for s in body["items"])


def test_read_service_unknown_id_is_404(read_client: TestClient) -> None:
    response = read_client.get("/api/v1/services/does-not-exist")
    assert response.status_code == 404
    assert response.json()["code"] == "service_not_found"


def test_read_services_bad_filters_are_422(read_client: TestClient) -> None:
    for params, code in [
        ({"kind": "bogus"}, "invalid_request"),
        ({"region": "VT99"}, "unknown_region"),
        ({"region": "'; DROP TABLE service;--"}, "invalid_request"),
        ({"limit": "ten"}, "invalid_request"),
        ({"limit": "100000"}, "invalid_request"),
    ]:
        response = read_client.get("/api/v1/services", params=params)
        assert response.status_code == 422, params
        assert response.json()["code"] == code, params
    assert read_client.get("/api/v1/services").json()["total"] > 50


def test_read_service_of_retired_organization_is_inactive(admin_client: TestClient) -> None:
    """Same shape and 200 as a service retired on its own; only the status says "not live"."""
    chat = stable_id("service", "helpline-fier-chat")
    shelter = stable_id("service", "shelter-fier")
    fier = stable_id("organization", "org-fier")
    csrf = log_in(admin_client, "alice")
    before = admin_client.get(f"/api/v1/services/{chat}").json()
    assert before["status"] == "active"
    defunct = admin_client.patch(
        f"/api/v1/admin/services/{shelter}", json={"status": "defunct"}, headers=csrf
    )
    assert defunct.status_code == 200, defunct.text
    retired = admin_client.post(f"/api/v1/admin/organizations/{fier}/retire", headers=csrf)
    assert retired.status_code == 200, retired.text

    response = admin_client.get(f"/api/v1/services/{chat}")
    assert response.status_code == 200
    assert response.json() == {**before, "status": "inactive"}
    assert admin_client.get(f"/api/v1/services/{shelter}").json()["status"] == "defunct"
    assert admin_client.get(f"/api/v1/admin/services/{chat}").json()["status"] == "active"

    reinstated = admin_client.post(f"/api/v1/admin/organizations/{fier}/reinstate", headers=csrf)
    assert reinstated.status_code == 200, reinstated.text
    assert admin_client.get(f"/api/v1/services/{chat}").json() == before
