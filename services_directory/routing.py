"""Postcode routing: jurisdiction first (Veilig Thuis region), then distance.

The index is an immutable in-memory snapshot of the active services, rebuilt when the
database's data version changes, so a route lookup never touches SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services_directory.geo import ATTRIBUTION, Area, Geography, distance_km
from services_directory.models import (
    SHELTER_KIND,
    Organization,
    Service,
    ServiceAtLocation,
)
from services_directory.postcode import ParsedPostcode, PostcodeError, parse_postcode

KIND_ORDER = {
    "emergency": 0,
    "veilig_thuis": 1,
    "csg": 2,
    SHELTER_KIND: 3,
    "helpline": 4,
    "police": 5,
}
# Kinds where a region has its own organisation and a national number stands in otherwise.
JURISDICTION_KINDS = ("veilig_thuis", "csg")


@dataclass(frozen=True, slots=True)
class SiteEntry:
    city: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    id: str
    kind: str
    name: str
    phones: tuple[dict[str, Any], ...]
    web: str | None
    chat: str | None
    why: str
    last_verified: str | None
    unconfirmed: tuple[str, ...]
    sources: tuple[str, ...]
    rank: int
    national: bool
    fallback_only: bool
    areas: dict[str, bool]
    sites: tuple[SiteEntry, ...]


@dataclass
class RoutingIndex:
    version: int
    national: list[ServiceEntry]
    fallbacks: dict[str, list[ServiceEntry]]
    regional: dict[str, list[ServiceEntry]]
    _cache: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def service_count(self) -> int:
        ids = {s.id for s in self.national}
        ids.update(s.id for group in self.fallbacks.values() for s in group)
        ids.update(s.id for group in self.regional.values() for s in group)
        return len(ids)

    def services_for(self, area: Area, ambiguous: bool) -> list[dict[str, Any]]:
        """Ordered service list for an area (cached per PC4; the index is immutable)."""
        cache_key = f"{area.pc4}:{int(ambiguous)}"
        cached = self._cache.get(cache_key)
        if cached is None:
            cached = self._compute(area, ambiguous)
            self._cache[cache_key] = cached
        return cached

    def _compute(self, area: Area, ambiguous: bool) -> list[dict[str, Any]]:
        chosen: list[tuple[ServiceEntry, str, float | None]] = []
        regional = [] if ambiguous else self.regional.get(area.vt_code, [])
        for svc in self.national:
            chosen.append((svc, svc.why, None))
        for kind in JURISDICTION_KINDS:
            own = [s for s in regional if s.kind == kind]
            if not own:
                chosen.extend((s, s.why, None) for s in self.fallbacks.get(kind, []))
        for svc in regional:
            dist = _nearest_km(svc, area)
            chosen.append((svc, _why_regional(svc, area, dist), dist))
        chosen.sort(
            key=lambda item: (
                KIND_ORDER.get(item[0].kind, 9),
                item[0].rank,
                item[2] if item[2] is not None else 0.0,
                item[0].name,
            )
        )
        return [_public(svc, why, dist) for svc, why, dist in chosen]


def _nearest_km(svc: ServiceEntry, area: Area) -> float | None:
    if svc.kind == SHELTER_KIND or not svc.sites:
        return None
    return round(min(distance_km((area.lat, area.lon), (s.lat, s.lon)) for s in svc.sites), 1)


def _why_regional(svc: ServiceEntry, area: Area, dist: float | None) -> str:
    region = f"{area.vt_code} {area.vt_name}"
    confirmed = svc.areas.get(area.vt_code, False)
    if svc.kind == "veilig_thuis":
        return f"Veilig Thuis region {region}, which covers gemeente {area.gemeente.name}"
    if svc.kind == SHELTER_KIND:
        return (
            f"shelter organisation active in region {region} (service area not confirmed); "
            "intake via Veilig Thuis 0800-2000 or the police"
        )
    text = f"serves region {region}" if confirmed else f"serves region {region} (not confirmed)"
    if dist is not None:
        nearest = min(svc.sites, key=lambda s: distance_km((area.lat, area.lon), (s.lat, s.lon)))
        text += f"; about {dist:g} km to {nearest.city}"
    return text


def _public(svc: ServiceEntry, why: str, dist: float | None) -> dict[str, Any]:
    return {
        "id": svc.id,
        "kind": svc.kind,
        "name": svc.name,
        "phones": [dict(p) for p in svc.phones],
        "web": svc.web,
        "chat": svc.chat,
        "distance_km": dist,
        "why": why,
        "last_verified": svc.last_verified,
        "unconfirmed": list(svc.unconfirmed),
        "sources": list(svc.sources),
    }


def _entry(svc: Service) -> ServiceEntry:
    sites: list[SiteEntry] = []
    if svc.kind != SHELTER_KIND:  # belt and braces: the schema already forbids it
        for link in svc.at_locations:
            loc = link.location
            if loc.latitude is not None and loc.longitude is not None:
                sites.append(SiteEntry(loc.city or loc.name, loc.latitude, loc.longitude))
    return ServiceEntry(
        id=svc.id,
        kind=svc.kind,
        name=svc.name,
        phones=tuple({"number": p.number, "cost": p.cost, "hours": p.hours} for p in svc.phones),
        web=svc.url,
        chat=svc.chat,
        why=svc.why,
        last_verified=svc.last_verified.isoformat() if svc.last_verified else None,
        unconfirmed=tuple(svc.unconfirmed),
        sources=tuple(svc.sources),
        rank=svc.rank,
        national=svc.national,
        fallback_only=svc.fallback_only,
        areas={a.vt_code: a.confirmed for a in svc.areas},
        sites=tuple(sites),
    )


def build_index(session: Session, version: int) -> RoutingIndex:
    """Snapshot the active services of non-retired organisations."""
    rows = session.scalars(
        select(Service)
        .join(Organization)
        .where(Service.status == "active", Organization.retired.is_(False))
        .options(
            selectinload(Service.phones),
            selectinload(Service.areas),
            selectinload(Service.at_locations).selectinload(ServiceAtLocation.location),
        )
    ).all()
    national: list[ServiceEntry] = []
    fallbacks: dict[str, list[ServiceEntry]] = {}
    regional: dict[str, list[ServiceEntry]] = {}
    for svc in rows:
        entry = _entry(svc)
        if entry.fallback_only:
            fallbacks.setdefault(entry.kind, []).append(entry)
        elif entry.national:
            national.append(entry)
        for code in entry.areas:
            if not entry.national:
                regional.setdefault(code, []).append(entry)
    return RoutingIndex(version, national, fallbacks, regional)


def area_json(area: Area) -> dict[str, Any]:
    return {
        "pc4": area.pc4,
        "place": area.place,
        "gemeente": {"code": area.gemeente.code, "name": area.gemeente.name},
        "province": area.province,
        "vt_region": {"code": area.vt_code, "name": area.vt_name},
    }


def resolve_area(geo: Geography, parsed: ParsedPostcode) -> Area:
    """Find the PC4; tell a foreign address from an unknown Dutch postcode."""
    area = geo.areas.get(parsed.pc4)
    if area is not None:
        return area
    if parsed.place and not geo.place_pc4s(parsed.place):
        # e.g. "2000 Antwerpen": a 4-digit code with a place name that is not Dutch
        raise PostcodeError(
            "not_dutch_postcode", "this looks like a postcode outside the Netherlands"
        )
    if parsed.pc4 in geo.rejected:
        raise PostcodeError(
            "unknown_postcode",
            f"postcode {parsed.pc4} is not in the postcode table (its source data looked wrong); "
            "please give the town instead",
        )
    raise PostcodeError(
        "unknown_postcode", f"postcode {parsed.pc4} does not exist in the Netherlands"
    )


def candidates_json(geo: Geography, area: Area) -> list[dict[str, Any]]:
    """The regions a straddling PC4 touches, each with a gemeente in it."""
    result: list[dict[str, Any]] = [
        {
            "vt_region": {"code": area.vt_code, "name": area.vt_name},
            "gemeente": {"code": area.gemeente.code, "name": area.gemeente.name},
        }
    ]
    for vt_code in area.other_vt_codes:
        gemeente = next(
            (
                geo.gemeenten[c]
                for c in area.other_gemeente_codes
                if c in geo.gemeenten and geo.gemeenten[c].vt_code == vt_code
            ),
            None,
        )
        result.append(
            {
                "vt_region": {"code": vt_code, "name": geo.vt_names.get(vt_code, "")},
                "gemeente": {"code": gemeente.code, "name": gemeente.name} if gemeente else None,
            }
        )
    return result


def route(geo: Geography, index: RoutingIndex, raw_postcode: str) -> dict[str, Any]:
    """The full routing answer for one postcode (raises PostcodeError)."""
    parsed = parse_postcode(raw_postcode)
    area = resolve_area(geo, parsed)
    ambiguous = area.straddles_regions
    return {
        "query": {"postcode": parsed.display, "pc4": parsed.pc4},
        "area": area_json(area),
        "ambiguous": ambiguous,
        "candidates": candidates_json(geo, area) if ambiguous else [],
        "services": index.services_for(area, ambiguous),
        "metadata": {"attribution": list(ATTRIBUTION)},
    }
