"""Admin pages (static files from web_widget/admin) and the about page."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from services_directory.deps import DirectoryDep, SessionDep
from services_directory.errors import ApiError
from services_directory.geo import ATTRIBUTION
from services_directory.hsds import export_hsds

router = APIRouter(tags=["pages"])
ADMIN_FILES = {"index.html": "text/html", "admin.js": "text/javascript", "admin.css": "text/css"}
# The admin pages load nothing from elsewhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@router.get("/admin", include_in_schema=False)
def admin_root() -> RedirectResponse:
    return RedirectResponse("/admin/", status_code=307)


@router.get("/admin/", include_in_schema=False)
@router.get("/admin/{name}", include_in_schema=False)
def admin_page(directory: DirectoryDep, name: str = "index.html") -> FileResponse:
    if name not in ADMIN_FILES:
        raise ApiError(404, "not_found", "no such page")
    path = directory.settings.admin_pages_dir / name
    if not path.is_file():
        raise ApiError(404, "not_found", "admin pages are not installed")
    return FileResponse(
        path,
        media_type=ADMIN_FILES[name],
        headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store",
                 "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"},
    )  # fmt: skip


@router.get("/about", response_class=HTMLResponse)
def about_page() -> HTMLResponse:
    """Where the data comes from (attribution required by the licences)."""
    items = "".join(f"<li>{escape(a)}</li>" for a in ATTRIBUTION)
    return HTMLResponse(
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>About the data</title>"
        "<h1>Hulpwijzer services directory</h1>"
        "<p>Postcode geography: GeoNames postal code data and CBS (Statistics Netherlands) "
        "regions, both under CC BY 4.0. Service facts carry source ids and the date they "
        "were last verified; unconfirmed fields are marked. Shelter addresses are never "
        f"stored or shown.</p><ul>{items}</ul></html>"
    )


@router.get("/api/v1/export/hsds", tags=["public"])
def read_hsds_export(session: SessionDep) -> dict[str, Any]:
    """The directory as Open Referral HSDS 3 JSON (no addresses; shelters have no location)."""
    return export_hsds(session)
