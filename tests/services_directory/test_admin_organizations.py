"""Admin API: retiring and reinstating an organisation (audited, routing follows)."""

from __future__ import annotations

from typing import Any

from conftest import log_in
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from services_directory.models import Metadata
from services_directory.seeding import stable_id
from services_directory.settings import Settings

ADMIN = "/api/v1/admin"
FIER = stable_id("organization", "org-fier")
FIER_CHAT = stable_id("service", "helpline-fier-chat")  # national
FIER_SHELTER = stable_id("service", "shelter-fier")  # VT04 Friesland
LEEUWARDEN = "8911"


def _routed(client: TestClient, postcode: str = LEEUWARDEN) -> set[str]:
    body = client.get("/api/v1/route", params={"postcode": postcode}).json()
    return {s["id"] for s in body["services"]}


def _listed(client: TestClient) -> set[str]:
    items = client.get("/api/v1/services", params={"limit": 500}).json()["items"]
    return {s["id"] for s in items}


def _data_version(client: TestClient) -> int:
    """What other replicas poll to know they must rebuild their routing snapshot."""
    version: int = client.get("/healthz").json()["checks"]["data_version"]
    return version


def _organization(client: TestClient, org_id: str) -> dict[str, Any]:
    orgs = client.get(f"{ADMIN}/organizations").json()
    found: dict[str, Any] = next(o for o in orgs if o["id"] == org_id)
    return found


def _audit_rows(settings: Settings, org_id: str) -> list[tuple[str, str | None, str | None, str]]:
    engine = create_engine(settings.database_url)
    with Session(engine) as session:
        rows = session.scalars(
            select(Metadata)
            .where(Metadata.resource_id == org_id, Metadata.field_name == "retired")
            .order_by(Metadata.last_action_date)
        ).all()
        result = [
            (m.last_action_type, m.previous_value, m.replacement_value, m.updated_by) for m in rows
        ]
    engine.dispose()
    return result


def test_read_organizations_lists_services_and_state(admin_client: TestClient) -> None:
    log_in(admin_client, "eddie")
    fier = _organization(admin_client, FIER)
    assert fier["retired"] is False and fier["retired_by"] is None
    assert {s["id"]: s["status"] for s in fier["services"]} == {
        FIER_CHAT: "active",
        FIER_SHELTER: "active",
    }


def test_retire_organization_removes_its_services_from_routing(
    admin_client: TestClient, settings: Settings
) -> None:
    csrf = log_in(admin_client, "eddie")  # editors may retire, as they may retire a service
    assert {FIER_CHAT, FIER_SHELTER} <= _routed(admin_client)
    assert {FIER_CHAT, FIER_SHELTER} <= _listed(admin_client)
    version = _data_version(admin_client)

    response = admin_client.post(f"{ADMIN}/organizations/{FIER}/retire", headers=csrf)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == FIER and body["retired"] is True and body["retired_by"] == "eddie"
    assert _data_version(admin_client) > version
    assert not {FIER_CHAT, FIER_SHELTER} & _routed(admin_client)
    assert not {FIER_CHAT, FIER_SHELTER} & _routed(admin_client, "3511")  # national chat too
    assert not {FIER_CHAT, FIER_SHELTER} & _listed(admin_client)
    assert _organization(admin_client, FIER)["retired"] is True
    assert _audit_rows(settings, FIER) == [("update", "False", "True", "eddie")]

    # Administrators still see the services, marked as belonging to a retired organisation.
    items = admin_client.get(f"{ADMIN}/services", params={"q": "Fier"}).json()["items"]
    chat = next(i for i in items if i["id"] == FIER_CHAT)
    assert chat["status"] == "active" and chat["organization"]["retired"] is True
    detail = admin_client.get(f"{ADMIN}/services/{FIER_CHAT}").json()
    assert detail["organization"]["retired"] is True


def test_retire_organization_twice_records_once(
    admin_client: TestClient, settings: Settings
) -> None:
    csrf = log_in(admin_client, "alice")
    for _ in range(2):
        response = admin_client.post(f"{ADMIN}/organizations/{FIER}/retire", headers=csrf)
        assert response.status_code == 200 and response.json()["retired"] is True
    assert len(_audit_rows(settings, FIER)) == 1


def test_reinstate_organization_routes_its_services_again(
    admin_client: TestClient, settings: Settings
) -> None:
    csrf = log_in(admin_client, "alice")
    admin_client.post(f"{ADMIN}/services/{FIER_SHELTER}/retire", headers=csrf)
    admin_client.post(f"{ADMIN}/organizations/{FIER}/retire", headers=csrf)
    assert FIER_CHAT not in _routed(admin_client)
    version = _data_version(admin_client)

    csrf = log_in(admin_client, "bob")
    response = admin_client.post(f"{ADMIN}/organizations/{FIER}/reinstate", headers=csrf)
    assert response.status_code == 200, response.text
    assert response.json()["retired"] is False and response.json()["retired_by"] is None
    assert _data_version(admin_client) > version
    routed = _routed(admin_client)
    assert FIER_CHAT in routed
    assert FIER_SHELTER not in routed  # retired on its own: reinstating does not revive it
    assert FIER_CHAT in _listed(admin_client)
    assert _audit_rows(settings, FIER) == [
        ("update", "False", "True", "alice"),
        ("update", "True", "False", "bob"),
    ]
    again = admin_client.post(f"{ADMIN}/organizations/{FIER}/reinstate", headers=csrf)
    assert again.status_code == 200 and len(_audit_rows(settings, FIER)) == 2


def test_retire_organization_without_csrf_changes_nothing(
    admin_client: TestClient, settings: Settings
) -> None:
    log_in(admin_client, "alice")
    response = admin_client.post(
        f"{ADMIN}/organizations/{FIER}/retire", headers={"X-CSRF-Token": "wrong"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert _organization(admin_client, FIER)["retired"] is False
    assert {FIER_CHAT, FIER_SHELTER} <= _routed(admin_client)
    assert _audit_rows(settings, FIER) == []


def test_reinstate_organization_without_session_changes_nothing(
    admin_client: TestClient,
) -> None:
    csrf = log_in(admin_client, "alice")
    admin_client.post(f"{ADMIN}/organizations/{FIER}/retire", headers=csrf)
    admin_client.post(f"{ADMIN}/logout", headers=csrf)
    response = admin_client.post(f"{ADMIN}/organizations/{FIER}/reinstate", headers=csrf)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    log_in(admin_client, "alice")
    assert _organization(admin_client, FIER)["retired"] is True
    assert FIER_CHAT not in _routed(admin_client)


def test_retire_organization_unknown_id_is_404(admin_client: TestClient) -> None:
    csrf = log_in(admin_client, "alice")
    for verb in ("retire", "reinstate"):
        response = admin_client.post(f"{ADMIN}/organizations/no-such-org/{verb}", headers=csrf)
        assert response.status_code == 404
        assert response.json()["code"] == "organization_not_found"
