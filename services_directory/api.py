"""Public API: health, postcode routing, services."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from services_directory.deps import DirectoryDep, SessionDep
from services_directory.errors import ApiError
from services_directory.postcode import MAX_INPUT_LENGTH, PostcodeError
from services_directory.routing import route_json
from services_directory.schemas import RouteResponse, ServiceList, ServicePublic
from services_directory.service import get_service, list_services, service_public

router = APIRouter(tags=["public"])

ROUTE_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "invalid_postcode, unknown_postcode or not_dutch_postcode",
        "content": {
            "application/json": {
                "example": {"code": "unknown_postcode", "message": "postcode 9999 does not exist"}
            }
        },
    }
}


@router.get("/healthz")
def read_health(directory: DirectoryDep) -> JSONResponse:
    """Liveness and readiness: database reachable, postcodes and services loaded."""
    checks: dict[str, Any] = {
        "postcodes": len(directory.geo.areas),
        "services": directory.index.service_count,
        "data_version": directory.index.version,
    }
    try:
        with directory.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = "unavailable"
    ok = checks["database"] == "ok" and checks["postcodes"] > 0 and checks["services"] > 0
    return JSONResponse(
        {"status": "ok" if ok else "degraded", "checks": checks}, status_code=200 if ok else 503
    )


@router.get(
    "/api/v1/route",
    response_model=None,
    responses={200: {"model": RouteResponse}, **ROUTE_ERRORS},
)
async def read_route(
    directory: DirectoryDep,
    postcode: str | None = Query(
        default=None,
        description="PC6 (1234 AB) or PC4 (1234), any spacing/case, Arabic/Persian digits accepted",
        examples=["3511AB"],
    ),
) -> Response:
    """Route a postcode to its area and ordered help services."""
    if postcode is None or not postcode.strip():
        raise PostcodeError("invalid_postcode", "the query parameter 'postcode' is required")
    if len(postcode) > MAX_INPUT_LENGTH:
        raise PostcodeError(
            "invalid_postcode", f"a postcode is at most {MAX_INPUT_LENGTH} characters"
        )
    # Built from validated snapshot data; returned as-is (no per-request re-validation,
    # tests check the shape against RouteResponse). route_json gives the same bytes as
    # JSONResponse(route(...)) from a per-PC4 cache (tests/services_directory/test_api.py).
    return Response(
        route_json(directory.geo, directory.index, postcode), media_type="application/json"
    )


KindParam = Literal["emergency", "veilig_thuis", "csg", "shelter_intake", "helpline", "police"]


@router.get("/api/v1/services", response_model=ServiceList)
def read_services(
    session: SessionDep,
    directory: DirectoryDep,
    kind: KindParam | None = None,
    region: str | None = Query(default=None, pattern=r"^VT\d\d$", examples=["VT20"]),
    language: str | None = Query(default=None, pattern=r"^[a-z]{2,3}$", examples=["en"]),
    q: str | None = Query(default=None, max_length=100, description="name contains"),
    limit: int = Query(default=100, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=100_000),
) -> dict[str, Any]:
    """List active services, filtered by kind, Veilig Thuis region or language."""
    if region and region not in directory.geo.vt_names:
        raise ApiError(422, "unknown_region", f"no Veilig Thuis region {region}")
    total, rows = list_services(
        session, kind=kind, region=region, language=language, q=q, limit=limit, offset=offset
    )
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "items": [service_public(s) for s in rows],
    }


@router.get("/api/v1/services/{service_id}", response_model=ServicePublic)
def read_service(session: SessionDep, service_id: str) -> dict[str, Any]:
    """One service with its phones, areas and sources."""
    svc = get_service(session, service_id)
    if svc is None:
        raise ApiError(404, "service_not_found", f"no service with id {service_id[:40]}")
    return service_public(svc)
