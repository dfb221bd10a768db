"""No endpoint returns an address or a position for a shelter (scans every GET)."""

from __future__ import annotations

import json
from typing import Any

from conftest import log_in
from fastapi.testclient import TestClient

FORBIDDEN_KEYS = {"address", "address_1", "street", "postal_code", "latitude", "longitude",
                  "lat", "lon", "house_number", "location", "locations"}  # fmt: skip


def _walk(value: Any, path: str, shelter: bool, found: list[str]) -> None:
    if isinstance(value, dict):
        is_shelter = (
            shelter
            or value.get("kind") == "shelter_intake"
            or value.get("attributes", [{}])
            == [{"taxonomy_term": {"code": "shelter_intake", "term": "shelter_intake"}}]
        )
        for key, child in value.items():
            if key in {"address", "address_1", "street", "postal_code", "house_number"}:
                found.append(f"{path}.{key}")
            if is_shelter and key in FORBIDDEN_KEYS and child not in (None, [], {}):
                found.append(f"{path}.{key} (shelter)")
            if is_shelter and key in {"sites", "service_at_locations"} and child:
                found.append(f"{path}.{key} (shelter)")
            _walk(child, f"{path}.{key}", is_shelter, found)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            _walk(child, f"{path}[{i}]", shelter, found)


def test_no_endpoint_returns_shelter_address(admin_client: TestClient) -> None:
    log_in(admin_client, "alice")
    schema = admin_client.get("/openapi.json").json()
    shelters = admin_client.get("/api/v1/services", params={"kind": "shelter_intake"}).json()
    shelter_ids = [s["id"] for s in shelters["items"]]
    assert len(shelter_ids) == 11
    samples = {"service_id": shelter_ids, "postcode": ["1011", "3511", "8911", "2242", "6511"]}
    checked = 0
    found: list[str] = []
    for path, ops in schema["paths"].items():
        if "get" not in ops:
            continue
        urls = [path]
        for name, values in samples.items():
            if "{" + name + "}" in path:
                urls = [path.replace("{" + name + "}", v) for v in values]
        if "/route" in path:
            urls = [f"{path}?postcode={p}" for p in samples["postcode"]]
        for url in urls:
            response = admin_client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            if "json" in response.headers.get("content-type", ""):
                _walk(response.json(), url, False, found)
            checked += 1
    exported = admin_client.get("/api/v1/admin/export.csv").text
    assert "address" not in exported.splitlines()[0]
    hsds = admin_client.get("/api/v1/export/hsds").json()
    shelter_orgs = {s["organization_id"] for s in hsds["services"] if s["id"] in shelter_ids}
    assert not [loc for loc in hsds["locations"] if loc["organization_id"] in shelter_orgs]
    assert found == [], json.dumps(found[:10])
    assert checked >= 20
