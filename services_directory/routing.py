"""Postcode routing: jurisdiction first (Veilig Thuis region), then distance.

The index is an immutable in-memory snapshot of the active services, rebuilt when the
database's data version changes, so a route lookup never touches SQL.
"""

from __future__ import annotations

import json
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
    # Serialised answer per PC4, without its "query" part (see route_json). Lives and dies
    # with this snapshot, so a data change (new version, new index) drops it. Only PC4s
    # found in the postcode table get an entry, so it holds at most one per table row.
    _bodies: dict[str, bytes] = field(default_factory=dict)

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
            nearest = _nearest_site(svc, area)
            dist = None if nearest is None else round(nearest[1], 1)
            chosen.append((svc, _why_regional(svc, area, nearest), dist))
        chosen.sort(
            key=lambda item: (
                KIND_ORDER.get(item[0].kind, 9),
                item[0].rank,
                item[2] if item[2] is not None else 0.0,
                item[0].name,
            )
        )
        return [_public(svc, why, dist) for svc, why, dist in chosen]


def _nearest_site(svc: ServiceEntry, area: Area) -> tuple[SiteEntry, float] | None:
    """The service's site nearest the area's centre (the first of equals) and its km."""
    if svc.kind == SHELTER_KIND or not svc.sites:
        return None
    # each distance once: they dominate the cost of a PC4's first lookup
    distances = [
        (site, distance_km((area.lat, area.lon), (site.lat, site.lon))) for site in svc.sites
    ]
    return min(distances, key=lambda pair: pair[1])


def _why_regional(svc: ServiceEntry, area: Area, nearest: tuple[SiteEntry, float] | None) -> str:
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
    if nearest is not None:
        site, km = nearest
        text += f"; about {round(km, 1):g} km to {site.city}"
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


def _area_answer(geo: Geography, area: Area, services: list[dict[str, Any]]) -> dict[str, Any]:
    ambiguous = area.straddles_regions
    return {
        "area": area_json(area),
        "ambiguous": ambiguous,
        "candidates": candidates_json(geo, area) if ambiguous else [],
        "services": services,
        "metadata": {"attribution": list(ATTRIBUTION)},
    }


def route(geo: Geography, index: RoutingIndex, raw_postcode: str) -> dict[str, Any]:
    """The full routing answer for one postcode (raises PostcodeError)."""
    parsed = parse_postcode(raw_postcode)
    area = resolve_area(geo, parsed)
    return {
        "query": {"postcode": parsed.display, "pc4": parsed.pc4},
        **_area_answer(geo, area, index.services_for(area, area.straddles_regions)),
    }


def render_json(content: Any) -> bytes:
    """The bytes Starlette's JSONResponse sends for `content`."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def route_json(geo: Geography, index: RoutingIndex, raw_postcode: str) -> bytes:
    """render_json(route(...)), byte for byte, with everything but "query" cached per PC4.

    Building and serialising the answer (about 5 kB, mostly the service list) took about
    a quarter of the server's time per request under route_bench (py-spy); only "query"
    depends on how the postcode was typed, so the rest is rendered once per snapshot.
    """
    parsed = parse_postcode(raw_postcode)
    tail = index._bodies.get(parsed.pc4)
    if tail is None:
        area = resolve_area(geo, parsed)  # raises for a PC4 not in the table: not cached
        # _compute, not services_for: the bytes are kept, the lists need not be too
        services = index._compute(area, area.straddles_regions)
        tail = render_json(_area_answer(geo, area, services))
        index._bodies[parsed.pc4] = tail
    head = render_json({"query": {"postcode": parsed.display, "pc4": parsed.pc4}})
    # '{"query":{..}}' + '{"area":..}' -> '{"query":{..},"area":..}', as one dict renders
    return head[:-1] + b"," + tail[1:]
