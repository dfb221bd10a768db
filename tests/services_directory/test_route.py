"""GET /api/v1/route: the routing contract in docs/protocol.md."""

from __future__ import annotations

import pytest
from conftest import log_in, uncached_route_body
from fastapi.testclient import TestClient

from services_directory.seeding import stable_id

ROUTE = "/api/v1/route"


def _phones(service: dict) -> list[str]:
    return [p["number"] for p in service["phones"]]


@pytest.mark.parametrize("postcode", ["3511 AB", "3511ab", "3511", " 3511-AB ", "3511 AB Utrecht"])
def test_route_utrecht_postcode_variants(read_client: TestClient, postcode: str) -> None:
    response = read_client.get(ROUTE, params={"postcode": postcode})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["query"]["pc4"] == "3511"
    assert body["area"] == {
        "pc4": "3511",
        "place": "Utrecht",
        "gemeente": {"code": "GM0344", "name": "Utrecht"},
        "province": "Utrecht",
        "vt_region": {"code": "VT20", "name": "Utrecht"},
    }
    assert body["ambiguous"] is False
    assert body["candidates"] == []
    services = body["services"]
    assert services[0]["kind"] == "emergency"
    assert _phones(services[0]) == ["112"]
    vt = next(s for s in services if s["kind"] == "veilig_thuis")
    assert vt["name"] == "Veilig Thuis Utrecht"
    assert _phones(vt) == ["0800-2000"]
    csg = next(s for s in services if s["kind"] == "csg")
    assert csg["name"] == "CSG Utrecht"
    assert _phones(csg) == ["0800-0188"]
    assert "GeoNames (CC BY 4.0)" in body["metadata"]["attribution"]


def test_route_query_shows_normalised_postcode(read_client: TestClient) -> None:
    assert read_client.get(ROUTE, params={"postcode": "3511ab"}).json()["query"] == {
        "postcode": "3511 AB",
        "pc4": "3511",
    }
    assert read_client.get(ROUTE, params={"postcode": "3511"}).json()["query"] == {
        "postcode": "3511",
        "pc4": "3511",
    }


def test_route_services_ordered_by_kind(read_client: TestClient) -> None:
    services = read_client.get(ROUTE, params={"postcode": "3511AB"}).json()["services"]
    kinds = [s["kind"] for s in services]
    order = ["emergency", "veilig_thuis", "csg", "shelter_intake", "helpline", "police"]
    assert kinds == sorted(kinds, key=order.index)
    assert kinds[:3] == ["emergency", "veilig_thuis", "csg"]
    assert "helpline" in kinds


def test_route_service_carries_verification_fields(read_client: TestClient) -> None:
    services = read_client.get(ROUTE, params={"postcode": "3511"}).json()["services"]
    emergency = services[0]
    assert emergency["name"] == "Alarmnummer 112"
    assert emergency["last_verified"] == "2025-10-29"
    assert "cost" in emergency["unconfirmed"]
    assert emergency["phones"][0] == {"number": "112", "cost": None, "hours": "24/7"}
    assert all(s["sources"] for s in services)


@pytest.mark.parametrize(
    ("postcode", "code"),
    [
        ("", "invalid_postcode"),
        ("hello", "invalid_postcode"),
        ("0123 AB", "invalid_postcode"),
        ("1234 SS", "invalid_postcode"),
        ("1234", "unknown_postcode"),
        ("B-2000", "not_dutch_postcode"),
        ("75001", "not_dutch_postcode"),
    ],
)
def test_route_bad_postcode_is_422(read_client: TestClient, postcode: str, code: str) -> None:
    response = read_client.get(ROUTE, params={"postcode": postcode})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]


def test_route_missing_postcode_is_422(read_client: TestClient) -> None:
    response = read_client.get(ROUTE)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_postcode"


def test_read_health_reports_loaded_data(read_client: TestClient) -> None:
    response = read_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["postcodes"] == 4081
    assert body["checks"]["services"] > 50
    assert body["checks"]["database"] == "ok"


def test_route_response_matches_documented_schema(read_client: TestClient) -> None:
    from services_directory.schemas import RouteResponse

    for postcode in ("3511AB", "2242", "1011", "9999"):
        body = read_client.get(ROUTE, params={"postcode": postcode}).json()
        RouteResponse.model_validate(body)  # extra fields or wrong types would raise


@pytest.mark.parametrize("postcode", ["3511 AB", "3511ab", "9711", "1012 nx Amsterdam", "٣٥١١"])
def test_route_body_same_as_uncached_answer(read_client: TestClient, postcode: str) -> None:
    directory = read_client.app.state.directory  # type: ignore[attr-defined]
    for _ in range(2):  # the second answer comes from the cache
        response = read_client.get(ROUTE, params={"postcode": postcode})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.headers["content-length"] == str(len(response.content))
        assert response.content == uncached_route_body(directory, postcode)


def test_route_answer_follows_admin_edit(admin_client: TestClient) -> None:
    """An edit through the admin API replaces the snapshot and with it the cached answers."""
    directory = admin_client.app.state.directory  # type: ignore[attr-defined]
    before = {
        pc: admin_client.get(ROUTE, params={"postcode": pc}).content for pc in ("3511", "3512")
    }
    csrf = log_in(admin_client, "eddie")
    vt20 = stable_id("service", "veilig-thuis-vt20")
    response = admin_client.patch(
        f"/api/v1/admin/services/{vt20}", json={"name": "Veilig Thuis Regio Utrecht"}, headers=csrf
    )
    assert response.status_code == 200, response.text
    for pc4, old in before.items():
        after = admin_client.get(ROUTE, params={"postcode": pc4})
        vt = next(s for s in after.json()["services"] if s["kind"] == "veilig_thuis")
        assert vt["name"] == "Veilig Thuis Regio Utrecht"
        assert after.content == uncached_route_body(directory, pc4) != old
