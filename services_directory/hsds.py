"""HSDS 3 JSON export (GET /api/v1/export/hsds): the public data, no addresses at all."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services_directory.geo import ATTRIBUTION
from services_directory.models import (
    SHELTER_KIND,
    Location,
    Metadata,
    Organization,
    Service,
    ServiceAtLocation,
)
from services_directory.service import public_status

# Schedules are not stored rows (a phone's hours text); their ids derive from the phone's.
_SCHEDULE_NS = uuid.UUID("5b0c3f8e-2a61-4c1e-9d4f-6a1f3e2b7c90")


def _schedule_id(phone_id: str) -> str:
    return str(uuid.uuid5(_SCHEDULE_NS, f"schedule:{phone_id}"))


def _org_description(org: Organization, service_names: list[str]) -> tuple[str, bool]:
    """HSDS requires a description; where the data has none, list the organisation's
    services (derived, not invented) and say so."""
    if org.description.strip():
        return org.description, False
    if service_names:
        return "Services: " + "; ".join(service_names), True
    return org.name, True


def export_hsds(session: Session, include_metadata: bool = False) -> dict[str, Any]:
    orgs = session.scalars(select(Organization).order_by(Organization.key)).all()
    services = session.scalars(
        select(Service)
        .options(
            selectinload(Service.organization),
            selectinload(Service.phones),
            selectinload(Service.areas),
            selectinload(Service.languages),
            selectinload(Service.at_locations).selectinload(ServiceAtLocation.location),
        )
        .order_by(Service.key)
    ).all()
    locations: dict[str, Location] = {}
    service_rows = []
    for svc in services:
        links = [] if svc.kind == SHELTER_KIND else svc.at_locations
        for link in links:
            locations[link.location.id] = link.location
        service_rows.append(
            {
                "id": svc.id,
                "organization_id": svc.organization_id,
                "name": svc.name,
                "description": svc.description,
                "url": svc.url,
                "status": public_status(svc),  # inactive while the organisation is retired
                "assured_date": svc.last_verified.isoformat() if svc.last_verified else None,
                "last_modified": svc.last_modified.isoformat() if svc.last_modified else None,
                "attributes": [{"taxonomy_term": {"code": svc.kind, "term": svc.kind}}],
                "phones": [
                    {
                        "id": p.id,
                        "number": p.number,
                        "type": p.type,
                        "description": "; ".join(x for x in (p.description, p.cost or "") if x),
                        "schedules": (
                            [
                                {
                                    "id": _schedule_id(p.id),
                                    "service_id": svc.id,
                                    "description": p.hours,
                                }
                            ]
                            if p.hours
                            else []
                        ),
                    }
                    for p in svc.phones
                ],
                "service_areas": [
                    {"id": a.id, "name": a.name, "extent": a.vt_code, "extent_type": "text"}
                    for a in svc.areas
                ],
                "languages": [{"id": lang.id, "code": lang.code} for lang in svc.languages],
                "service_at_locations": [
                    {"id": link.id, "location_id": link.location_id} for link in links
                ],
                "x_unconfirmed": list(svc.unconfirmed),
                "x_sources": list(svc.sources),
            }
        )
    names_by_org: dict[str, list[str]] = {}
    for svc in services:
        names_by_org.setdefault(svc.organization_id, []).append(svc.name)
    org_rows = []
    for o in orgs:
        description, derived = _org_description(o, names_by_org.get(o.id, []))
        org_rows.append(
            {
                "id": o.id,
                "name": o.name,
                "description": description,
                "website": o.website,
                "x_sources": list(o.sources),
                "x_description_derived": derived,
                "x_retired": o.retired,  # HSDS 3 has no organisation status
            }
        )
    body: dict[str, Any] = {
        "standard": "Open Referral HSDS 3.0",
        "attribution": list(ATTRIBUTION),
        "organizations": org_rows,
        "services": service_rows,
        "locations": [
            {
                "id": loc.id,
                "organization_id": loc.organization_id,
                "location_type": loc.location_type,
                "name": loc.name,
                "description": loc.description,
                "latitude": loc.latitude,
                "longitude": loc.longitude,
            }
            for loc in locations.values()
        ],
    }
    if include_metadata:
        body["metadata"] = [
            {
                "id": m.id,
                "resource_id": m.resource_id,
                "resource_type": m.resource_type,
                "last_action_date": m.last_action_date.isoformat(),
                "last_action_type": m.last_action_type,
                "field_name": m.field_name,
                "previous_value": m.previous_value,
                "replacement_value": m.replacement_value,
                "updated_by": m.updated_by,
            }
            for m in session.scalars(select(Metadata).order_by(Metadata.last_action_date))
        ]
    return body
