"""Reading services from SQL and shaping them for the public API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from services_directory.models import (
    SHELTER_KIND,
    Language,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
)


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def public_status(svc: Service) -> str:
    """The status public consumers see: a retired organisation's services are not live,
    so they read `inactive` (`defunct` stays `defunct`). Administrators and the CSV see
    the service's own status, which reinstating the organisation brings back."""
    if svc.organization.retired and svc.status != "defunct":
        return "inactive"
    return svc.status


def service_public(svc: Service) -> dict[str, Any]:
    """The public shape of one service (never an address; shelters never a site)."""
    sites = []
    if svc.kind != SHELTER_KIND:
        sites = [
            {"name": link.location.name, "city": link.location.city, "approximate": True}
            for link in svc.at_locations
        ]
    return {
        "id": svc.id,
        "key": svc.key,
        "kind": svc.kind,
        "name": svc.name,
        "description": svc.description,
        "status": public_status(svc),
        "organization": {
            "id": svc.organization.id,
            "name": svc.organization.name,
            "website": svc.organization.website,
        },
        "web": svc.url,
        "chat": svc.chat,
        "chat_hours": svc.chat_hours,
        "national": svc.national,
        "areas": [
            {"vt_code": a.vt_code, "name": a.name, "confirmed": a.confirmed}
            for a in sorted(svc.areas, key=lambda a: a.vt_code)
        ],
        "languages": sorted(lang.code for lang in svc.languages),
        "phones": [
            {
                "id": p.id,
                "number": p.number,
                "cost": p.cost,
                "hours": p.hours,
                "description": p.description,
                "last_verified": _date(p.last_verified),
                "unconfirmed": list(p.unconfirmed),
                "sources": list(p.sources),
            }
            for p in svc.phones
        ],
        "sites": sites,
        "confidence": svc.confidence,
        "last_verified": _date(svc.last_verified),
        "unconfirmed": list(svc.unconfirmed),
        "note": svc.note,
        "sources": list(svc.sources),
    }


def _with_children(query: Select[Service]) -> Select[Service]:
    return query.options(
        selectinload(Service.organization),
        selectinload(Service.phones),
        selectinload(Service.areas),
        selectinload(Service.languages),
        selectinload(Service.at_locations).selectinload(ServiceAtLocation.location),
    )


def list_services(
    session: Session,
    *,
    kind: str | None = None,
    region: str | None = None,
    language: str | None = None,
    q: str | None = None,
    include_inactive: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[Service]]:
    """Filtered services: a region filter includes national services (they serve everyone)."""
    query = select(Service).join(Organization)
    if not include_inactive:
        query = query.where(Service.status == "active", Organization.retired.is_(False))
    if kind:
        query = query.where(Service.kind == kind)
    if region:
        in_region = select(ServiceArea.service_id).where(ServiceArea.vt_code == region)
        query = query.where(or_(Service.national.is_(True), Service.id.in_(in_region)))
    if language:
        with_language = select(Language.service_id).where(Language.code == language)
        query = query.where(Service.id.in_(with_language))
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(Service.name).like(pattern), func.lower(Organization.name).like(pattern))
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        _with_children(query.order_by(Service.rank, Service.name, Service.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


def get_service(session: Session, service_id: str) -> Service | None:
    return session.scalars(_with_children(select(Service).where(Service.id == service_id))).first()
