"""Public API: health and postcode routing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import text

from services_directory.deps import DirectoryDep
from services_directory.postcode import MAX_INPUT_LENGTH, PostcodeError
from services_directory.routing import route
from services_directory.schemas import RouteResponse

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


@router.get("/api/v1/route", response_model=RouteResponse, responses=ROUTE_ERRORS)
async def read_route(
    directory: DirectoryDep,
    postcode: str | None = Query(
        default=None,
        description="PC6 (1234 AB) or PC4 (1234), any spacing/case, Arabic/Persian digits accepted",
        examples=["3511AB"],
    ),
) -> dict[str, Any]:
    """Route a postcode to its area and ordered help services."""
    if postcode is None or not postcode.strip():
        raise PostcodeError("invalid_postcode", "the query parameter 'postcode' is required")
    if len(postcode) > MAX_INPUT_LENGTH:
        raise PostcodeError(
            "invalid_postcode", f"a postcode is at most {MAX_INPUT_LENGTH} characters"
        )
    return route(directory.geo, directory.index, postcode)
