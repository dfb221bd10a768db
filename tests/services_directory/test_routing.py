"""Routing over the whole PC4 table (in-process and through the API)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import uncached_route_body
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from services_directory.admin.audit import bump_version
from services_directory.main import create_app, startup
from services_directory.models import Service
from services_directory.postcode import PostcodeError
from services_directory.routing import route, route_json
from services_directory.seeding import stable_id
from services_directory.settings import Settings
from services_directory.state import Directory, load_index

ROUTE = "/api/v1/route"
DATA_DIR = Settings().data_dir


def _rows(name: str) -> list[dict[str, str]]:
    with (Path(DATA_DIR) / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_route_every_pc4_to_its_gemeente_region(read_client: TestClient) -> None:
    """All 4,081 PC4s: region from the gemeente's CBS region, the right Veilig Thuis."""
    region_of_gemeente = {r["gemeente_code"]: r["vt_code"] for r in _rows("gemeente_regions.csv")}
    rows = _rows("pc4_nl.csv")
    assert len(rows) == 4081
    wrong: list[str] = []
    ambiguous: set[str] = set()
    for row in rows:
        body = read_client.get(ROUTE, params={"postcode": row["pc4"]}).json()
        expected = region_of_gemeente[row["gemeente_code"]]
        if body["area"]["vt_region"]["code"] != expected:
            wrong.append(f"{row['pc4']}: {body['area']['vt_region']} != {expected}")
            continue
        services = body["services"]
        if services[0]["kind"] != "emergency":
            wrong.append(f"{row['pc4']}: first service is {services[0]['kind']}")
        numbers = {p["number"] for s in services for p in s["phones"]}
        if not {"112", "0800-2000", "0800-0188"} <= numbers:
            wrong.append(f"{row['pc4']}: national numbers missing")
        if body["ambiguous"]:
            ambiguous.add(row["pc4"])
            continue
        vt = [s for s in services if s["kind"] == "veilig_thuis"]
        if [s["id"] for s in vt] != [stable_id("service", f"veilig-thuis-{expected.lower()}")]:
            wrong.append(f"{row['pc4']}: Veilig Thuis {[s['name'] for s in vt]}")
    assert wrong == []
    straddling = {r["pc4"] for r in rows if r["other_vt_codes"]}
    assert len(straddling) == 13
    assert ambiguous == straddling


def test_route_postcode_straddling_regions(read_client: TestClient) -> None:
    body = read_client.get(ROUTE, params={"postcode": "2242"}).json()  # Wassenaar
    assert body["ambiguous"] is True
    regions = [c["vt_region"]["code"] for c in body["candidates"]]
    assert regions == ["VT09", "VT10"]
    assert body["candidates"][1]["gemeente"]["code"] == "GM0537"
    kinds = [s["kind"] for s in body["services"]]
    assert kinds[0] == "emergency"
    # no guessed regional organisation, only the national numbers that always route right
    vt = [s for s in body["services"] if s["kind"] == "veilig_thuis"]
    assert [s["id"] for s in vt] == [stable_id("service", "veilig-thuis-national")]


def test_route_csg_by_jurisdiction_then_distance(read_client: TestClient) -> None:
    body = read_client.get(ROUTE, params={"postcode": "9711"}).json()  # Groningen
    csg = [s for s in body["services"] if s["kind"] == "csg"]
    assert [s["name"] for s in csg] == ["CSG Groningen/Drenthe"]
    assert csg[0]["distance_km"] is not None and csg[0]["distance_km"] < 5


def test_route_region_without_known_csg_uses_national_number(read_client: TestClient) -> None:
    body = read_client.get(ROUTE, params={"postcode": "2011"}).json()  # Haarlem, VT12
    assert body["area"]["vt_region"]["code"] == "VT12"
    csg = [s for s in body["services"] if s["kind"] == "csg"]
    assert [s["id"] for s in csg] == [stable_id("service", "csg-national")]
    assert csg[0]["phones"][0]["number"] == "0800-0188"


@pytest.mark.parametrize("postcode", ["٣٥١١ AB", "۳۵۱۱", "3511ab"])
def test_route_foreign_digits(read_client: TestClient, postcode: str) -> None:
    body = read_client.get(ROUTE, params={"postcode": postcode}).json()
    assert body["area"]["vt_region"]["code"] == "VT20"


@pytest.mark.parametrize("postcode", ["2000 Antwerpen", "B-2000", "75001", "1000 Bruxelles"])
def test_route_not_dutch_postcode(read_client: TestClient, postcode: str) -> None:
    response = read_client.get(ROUTE, params={"postcode": postcode})
    assert response.status_code == 422
    assert response.json()["code"] == "not_dutch_postcode"


def test_route_rejected_pc4_is_unknown(read_client: TestClient) -> None:
    for row in _rows("pc4_rejected.csv"):
        response = read_client.get(ROUTE, params={"postcode": row["pc4"]})
        assert response.status_code == 422
        assert response.json()["code"] == "unknown_postcode"
        assert "town" in response.json()["message"]


def test_route_town_typo_still_routes_by_postcode(read_client: TestClient) -> None:
    body = read_client.get(ROUTE, params={"postcode": "3511 AB Utrecth"}).json()
    assert body["area"]["pc4"] == "3511"


def test_route_shelter_services_have_no_distance(read_client: TestClient) -> None:
    for postcode in ("1011", "3511", "8911"):
        for svc in read_client.get(ROUTE, params={"postcode": postcode}).json()["services"]:
            if svc["kind"] == "shelter_intake":
                assert svc["distance_km"] is None
                assert set(svc) == {
                    "id", "kind", "name", "phones", "web", "chat", "distance_km",
                    "why", "last_verified", "unconfirmed", "sources",
                }  # fmt: skip


def test_route_json_matches_json_response_for_every_pc4(read_client: TestClient) -> None:
    """Cold and cached, route_json gives the bytes JSONResponse(route(...)) gives."""
    directory: Directory = read_client.app.state.directory  # type: ignore[attr-defined]
    plain = load_index(directory.sessions)  # route(): service lists only, no byte cache
    cached = load_index(directory.sessions)
    different: list[str] = []
    for pc4 in sorted(directory.geo.areas):
        # the same PC4 typed three ways: only "query" may differ between them
        for typed in (pc4, f"{pc4}ab", f" {pc4}-XY Utrecht"):
            expected = JSONResponse(route(directory.geo, plain, typed)).body
            first = route_json(directory.geo, cached, typed)
            again = route_json(directory.geo, cached, typed)
            if not first == again == expected:
                different.append(typed)
    assert different == []
    assert len(cached._bodies) == len(directory.geo.areas)


@pytest.mark.parametrize(
    ("postcode", "code"),
    [("1234", "unknown_postcode"), ("2000 Antwerpen", "not_dutch_postcode"),
     ("0123 AB", "invalid_postcode"), ("", "invalid_postcode")],
)  # fmt: skip
def test_route_json_refuses_bad_postcode_without_caching(
    read_client: TestClient, postcode: str, code: str
) -> None:
    directory: Directory = read_client.app.state.directory  # type: ignore[attr-defined]
    index = load_index(directory.sessions)
    with pytest.raises(PostcodeError) as raised:
        route_json(directory.geo, index, postcode)
    assert raised.value.code == code
    assert index._bodies == {}


def test_route_answer_follows_data_changed_by_another_writer(settings: Settings) -> None:
    """Another replica or the CLI changes the data: the next refresh drops the cached
    answers along with the old snapshot."""
    with TestClient(create_app(settings)) as client:
        directory: Directory = client.app.state.directory  # type: ignore[attr-defined]
        before = client.get(ROUTE, params={"postcode": "3511"})
        assert client.get(ROUTE, params={"postcode": "3511"}).content == before.content
        other = startup(settings)  # a second writer on the same database
        with other.sessions.begin() as session:
            vt20 = session.get(Service, stable_id("service", "veilig-thuis-vt20"))
            assert vt20 is not None
            vt20.name = "Veilig Thuis Utrecht (renamed elsewhere)"
            bump_version(session)
        other.engine.dispose()
        directory.refresh()  # what the watcher does every cache_check_seconds
        after = client.get(ROUTE, params={"postcode": "3511"})
        names = [s["name"] for s in after.json()["services"]]
        assert "Veilig Thuis Utrecht (renamed elsewhere)" in names
        assert after.content == uncached_route_body(directory, "3511")
        assert after.content != before.content
