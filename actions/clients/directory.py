"""HTTP client for the services directory's routing API (docs/protocol.md)."""

from dataclasses import dataclass
from typing import Any

import httpx


class DirectoryUnavailable(Exception):
    """The directory did not answer usefully; the caller falls back to national numbers."""


@dataclass(frozen=True)
class RouteRejected:
    """The directory refused the postcode (422): `code` is its machine code."""

    code: str


async def route_postcode(
    base_url: str, postcode: str, timeout: float
) -> dict[str, Any] | RouteRejected:
    """Ask `GET /api/v1/route` for a postcode; a 422 becomes `RouteRejected`."""
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=timeout) as client:
            response = await client.get("/api/v1/route", params={"postcode": postcode})
    except httpx.HTTPError as error:
        raise DirectoryUnavailable(type(error).__name__) from error
    if response.status_code == 422:
        return RouteRejected(code=str(response.json().get("code", "invalid_postcode")))
    if response.status_code != 200:
        raise DirectoryUnavailable(f"status {response.status_code}")
    body: dict[str, Any] = response.json()
    return body
