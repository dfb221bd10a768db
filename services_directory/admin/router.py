"""Admin API under /api/v1/admin: cookie session + X-CSRF-Token on every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select

from services_directory.admin import accounts, changes, csv_io
from services_directory.admin.audit import history
from services_directory.admin.schemas import (
    AccountCreate,
    AreasUpdate,
    LoginIn,
    OrganizationCreate,
    PhoneCreate,
    PhoneUpdate,
    ServiceCreate,
    ServiceUpdate,
)
from services_directory.deps import DirectoryDep, SessionDep
from services_directory.errors import ApiError
from services_directory.models import (
    AdminUser,
    Metadata,
    Organization,
    PendingChange,
    Phone,
    Service,
    Source,
)
from services_directory.security import same_token
from services_directory.service import get_service, list_services, service_public

COOKIE = "hw_admin"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
STALE_AFTER_DAYS = 180

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@dataclass(frozen=True)
class Admin:
    user: AdminUser
    csrf_token: str

    @property
    def name(self) -> str:
        return self.user.username


def current_admin(request: Request, session: SessionDep) -> Admin:
    found = accounts.session_for(session, request.cookies.get(COOKIE))
    if found is None:
        raise ApiError(401, "not_authenticated", "log in first")
    if request.method in UNSAFE:
        sent = request.headers.get("x-csrf-token", "")
        if not sent or not same_token(sent, found.csrf_token):
            raise ApiError(403, "csrf_failed", "missing or wrong X-CSRF-Token header")
    return Admin(found.user, found.csrf_token)


def require_admin_role(admin: Annotated[Admin, Depends(current_admin)]) -> Admin:
    if admin.user.role != "admin":
        raise ApiError(403, "forbidden", "only administrators may do this")
    return admin


AdminDep = Annotated[Admin, Depends(current_admin)]
AdminRoleDep = Annotated[Admin, Depends(require_admin_role)]


def _committed(session: Any, directory: Any) -> None:
    session.commit()
    directory.refresh(force=True)


def _service_or_404(session: SessionDep, service_id: str) -> Service:
    svc = get_service(session, service_id)
    if svc is None:
        raise ApiError(404, "service_not_found", f"no service with id {service_id[:40]}")
    return svc


def _admin_service_json(svc: Service) -> dict[str, Any]:
    """The public shape plus what only administrators see: the service's own status
    (the public one reads `inactive` while its organisation is retired) and whether the
    organisation is retired."""
    body = service_public(svc)
    body["status"] = svc.status
    body["organization"]["retired"] = svc.organization.retired
    return body


def _pending_json(change: PendingChange, service_name: str | None = None) -> dict[str, Any]:
    return {
        "id": change.id,
        "service_id": change.service_id,
        "service_name": service_name,
        "resource_type": change.resource_type,
        "resource_id": change.resource_id,
        "field": change.field_name,
        "old": change.previous_value,
        "new": change.replacement_value,
        "status": change.status,
        "proposed_by": change.proposed_by,
        "proposed_at": change.proposed_at.isoformat(),
        "decided_by": change.decided_by,
    }


@router.post("/login")
def login(body: LoginIn, response: Response, session: SessionDep, directory: DirectoryDep) -> Any:
    """Log in; sets an HttpOnly session cookie and returns the CSRF token."""
    try:
        result = accounts.log_in(session, directory.settings, body.username, body.password)
    except accounts.LoginError as exc:
        session.commit()  # keep the failure count
        status = 423 if exc.code == "account_locked" else 401
        raise ApiError(status, exc.code, exc.message) from exc
    session.commit()
    response.set_cookie(
        COOKIE,
        result.token,
        max_age=int(directory.settings.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=directory.settings.cookie_secure,
        path="/",
    )
    return {
        "username": result.user.username,
        "role": result.user.role,
        "csrf_token": result.csrf_token,
    }


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, session: SessionDep, _: AdminDep) -> None:
    """End this session."""
    accounts.log_out(session, request.cookies.get(COOKIE))
    session.commit()
    response.delete_cookie(COOKIE, path="/")


@router.get("/me")
def read_me(admin: AdminDep) -> dict[str, Any]:
    """Who is logged in, and the CSRF token for this session."""
    return {"username": admin.name, "role": admin.user.role, "csrf_token": admin.csrf_token}


@router.get("/accounts")
def read_accounts(session: SessionDep, _: AdminRoleDep) -> Any:
    """All accounts with their roles (admins only; never a password hash)."""
    return [
        {"id": u.id, "username": u.username, "role": u.role, "active": u.active}
        for u in session.scalars(select(AdminUser).order_by(AdminUser.username))
    ]


@router.post("/accounts", status_code=201)
def create_account(body: AccountCreate, session: SessionDep, admin: AdminRoleDep) -> Any:
    """Create an admin or editor account (admins only)."""
    try:
        user = accounts.create_account(session, body.username, body.password, body.role)
    except ValueError as exc:
        raise ApiError(409, "account_exists", str(exc)) from exc
    session.commit()
    return {"id": user.id, "username": user.username, "role": user.role}


def _needs_attention(svc: Service, today: date) -> bool:
    stale = svc.last_verified is None or svc.last_verified < today - timedelta(
        days=STALE_AFTER_DAYS
    )
    return stale or bool(svc.unconfirmed) or any(p.unconfirmed for p in svc.phones)


@router.get("/services")
def read_admin_services(
    session: SessionDep, _: AdminDep, q: str | None = None, kind: str | None = None
) -> dict[str, Any]:
    """All services (incl. inactive); unconfirmed or not verified in 180 days first."""
    if q is not None and len(q) > 100:
        raise ApiError(422, "invalid_request", "q: at most 100 characters")
    _total, rows = list_services(session, q=q, kind=kind, include_inactive=True, limit=1000)
    pending = dict(
        session.execute(
            select(PendingChange.service_id, func.count())
            .where(PendingChange.status == "pending")
            .group_by(PendingChange.service_id)
        ).all()
    )
    today = date.today()
    items = []
    for svc in rows:
        item = _admin_service_json(svc)
        item["needs_attention"] = _needs_attention(svc, today)
        item["pending_changes"] = pending.get(svc.id, 0)
        items.append(item)
    items.sort(key=lambda i: (not i["needs_attention"], i["last_verified"] or "", i["name"]))
    return {"total": len(items), "items": items}


@router.get("/services/{service_id}")
def read_admin_service(service_id: str, session: SessionDep, _: AdminDep) -> dict[str, Any]:
    """One service with its pending changes and its full audit history."""
    svc = _service_or_404(session, service_id)
    body = _admin_service_json(svc)
    body["pending"] = [
        _pending_json(c)
        for c in session.scalars(
            select(PendingChange)
            .where(PendingChange.service_id == svc.id, PendingChange.status == "pending")
            .order_by(PendingChange.proposed_at)
        )
    ]
    body["history"] = history(session, svc)
    return body


@router.get("/services/{service_id}/history")
def read_service_history(service_id: str, session: SessionDep, _: AdminDep) -> Any:
    """The audit trail of one service (read-only; no endpoint can change it)."""
    return history(session, _service_or_404(session, service_id))


def _check_sources(session: SessionDep, ids: list[str] | None) -> None:
    if not ids:
        return
    known = set(session.scalars(select(Source.id).where(Source.id.in_(ids))))
    unknown = sorted(set(ids) - known)
    if unknown:
        raise ApiError(422, "unknown_source", f"unknown source ids: {', '.join(unknown)}")


def _check_regions(directory: Any, vt_codes: list[str]) -> None:
    unknown = [c for c in vt_codes if c not in directory.geo.vt_names]
    if unknown:
        raise ApiError(422, "unknown_region", f"unknown Veilig Thuis regions: {', '.join(unknown)}")


@router.get("/regions")
def read_regions(directory: DirectoryDep, _: AdminDep) -> Any:
    """The Veilig Thuis regions a service area can name."""
    names = sorted(directory.geo.vt_names.items())
    return [{"vt_code": code, "name": name} for code, name in names]


@router.patch("/services/{service_id}")
def update_service(
    service_id: str,
    body: ServiceUpdate,
    session: SessionDep,
    directory: DirectoryDep,
    admin: AdminDep,
) -> Any:
    """Change plain fields at once (audited)."""
    svc = _service_or_404(session, service_id)
    data = body.model_dump(exclude_unset=True)
    _check_sources(session, data.get("sources"))
    changed = changes.update_service(session, svc, data, admin.name)
    _committed(session, directory)
    return {"changed": changed, "service": _admin_service_json(svc)}


@router.post("/services", status_code=201)
def create_service(
    body: ServiceCreate, session: SessionDep, directory: DirectoryDep, admin: AdminDep
) -> Any:
    """Create a service; its phone and regions are proposed for approval (all or nothing)."""
    org = session.get(Organization, body.organization_id)
    if org is None:
        raise ApiError(422, "unknown_organization", "no organization with that id")
    if org.retired:
        raise changes.organization_retired_error(org)
    _check_sources(session, body.sources)
    _check_regions(directory, body.vt_codes)
    data = body.model_dump(exclude={"organization_id", "phone", "vt_codes"})
    svc = changes.create_service(session, org, data, admin.name)
    pending = []
    if body.phone is not None:
        pending.append(changes.propose_new_phone(session, svc, body.phone.model_dump(), admin.name))
    if body.vt_codes:
        pending.append(changes.propose_areas(session, svc, body.vt_codes, admin.name))
    _committed(session, directory)
    result = _admin_service_json(_service_or_404(session, svc.id))
    result["pending"] = [_pending_json(c) for c in pending if c is not None]
    return result


@router.post("/services/{service_id}/retire")
def retire_service(
    service_id: str, session: SessionDep, directory: DirectoryDep, admin: AdminDep
) -> Any:
    """Take a service out of routing (status inactive); history is kept."""
    svc = _service_or_404(session, service_id)
    changes.update_service(session, svc, {"status": "inactive"}, admin.name)
    _committed(session, directory)
    return _admin_service_json(svc)


@router.patch("/services/{service_id}/phones/{phone_id}")
def update_phone(
    service_id: str,
    phone_id: str,
    body: PhoneUpdate,
    session: SessionDep,
    directory: DirectoryDep,
    admin: AdminDep,
) -> Any:
    """Cost/hours change at once; a new number waits for a second admin."""
    svc = _service_or_404(session, service_id)
    phone = session.get(Phone, phone_id)
    if phone is None or phone.service_id != svc.id:
        raise ApiError(404, "phone_not_found", "no such phone on this service")
    data = body.model_dump(exclude_unset=True)
    number = data.pop("number", None)
    changed = changes.update_phone_details(session, phone, data, admin.name)
    pending = changes.propose_phone_number(session, phone, number, admin.name) if number else None
    _committed(session, directory)
    return {"changed": changed, "pending": _pending_json(pending) if pending else None}


@router.post("/services/{service_id}/phones", status_code=202)
def add_phone(
    service_id: str,
    body: PhoneCreate,
    session: SessionDep,
    directory: DirectoryDep,
    admin: AdminDep,
) -> Any:
    """Propose a new phone number (served after approval)."""
    svc = _service_or_404(session, service_id)
    pending = changes.propose_new_phone(session, svc, body.model_dump(), admin.name)
    _committed(session, directory)
    return {"pending": _pending_json(pending) if pending else None}


@router.put("/services/{service_id}/areas", status_code=202)
def update_areas(
    service_id: str,
    body: AreasUpdate,
    session: SessionDep,
    directory: DirectoryDep,
    admin: AdminDep,
) -> Any:
    """Propose new Veilig Thuis regions for a service (served after approval)."""
    svc = _service_or_404(session, service_id)
    _check_regions(directory, body.vt_codes)
    pending = changes.propose_areas(session, svc, body.vt_codes, admin.name)
    _committed(session, directory)
    return {"pending": _pending_json(pending) if pending else None}


@router.get("/pending")
def read_pending(session: SessionDep, _: AdminDep) -> Any:
    """Changes waiting for a second admin."""
    rows = session.execute(
        select(PendingChange, Service.name)
        .join(Service, Service.id == PendingChange.service_id)
        .where(PendingChange.status == "pending")
        .order_by(PendingChange.proposed_at)
    ).all()
    return [_pending_json(change, name) for change, name in rows]


def _decide(change_id: str, approve: bool, session: Any, directory: Any, admin: Admin) -> Any:
    change = session.get(PendingChange, change_id)
    if change is None:
        raise ApiError(404, "change_not_found", "no such pending change")
    changes.decide(session, change, approve, admin.name, directory.geo.vt_names)
    _committed(session, directory)
    return _pending_json(change)


@router.post("/pending/{change_id}/approve")
def approve_change(
    change_id: str, session: SessionDep, directory: DirectoryDep, admin: AdminRoleDep
) -> Any:
    """Approve and apply a change proposed by someone else."""
    return _decide(change_id, True, session, directory, admin)


@router.post("/pending/{change_id}/reject")
def reject_change(
    change_id: str, session: SessionDep, directory: DirectoryDep, admin: AdminRoleDep
) -> Any:
    """Reject a change proposed by someone else."""
    return _decide(change_id, False, session, directory, admin)


def _retirements(session: Any, org_ids: list[str]) -> dict[str, Metadata]:
    """The latest audit row on each organisation's `retired` field (who, when)."""
    rows = session.scalars(
        select(Metadata)
        .where(
            Metadata.resource_type == "organization",
            Metadata.field_name == "retired",
            Metadata.resource_id.in_(org_ids),
        )
        .order_by(Metadata.last_action_date)
    )
    return {m.resource_id: m for m in rows}


def _organizations_json(session: Any, orgs: list[Organization]) -> list[dict[str, Any]]:
    """Organisations with their services (name, kind, status) and who retired them."""
    ids = [o.id for o in orgs]
    services: dict[str, list[dict[str, Any]]] = {}
    for svc in session.scalars(
        select(Service).where(Service.organization_id.in_(ids)).order_by(Service.name)
    ):
        services.setdefault(svc.organization_id, []).append(
            {"id": svc.id, "name": svc.name, "kind": svc.kind, "status": svc.status}
        )
    retirements = _retirements(session, ids)
    result = []
    for o in orgs:
        audit = retirements.get(o.id) if o.retired else None
        result.append(
            {
                "id": o.id,
                "key": o.key,
                "name": o.name,
                "website": o.website,
                "confidential_sites": o.confidential_sites,
                "retired": o.retired,
                "retired_by": audit.updated_by if audit else None,
                "retired_at": audit.last_action_date.isoformat() if audit else None,
                "services": services.get(o.id, []),
            }
        )
    return result


def _organization_or_404(session: Any, org_id: str) -> Organization:
    org = session.get(Organization, org_id)
    if org is None:
        raise ApiError(404, "organization_not_found", f"no organization with id {org_id[:40]}")
    return org


@router.get("/organizations")
def read_organizations(session: SessionDep, _: AdminDep) -> Any:
    """All organisations (incl. retired), each with its services."""
    orgs = list(session.scalars(select(Organization).order_by(Organization.name)))
    return _organizations_json(session, orgs)


@router.post("/organizations", status_code=201)
def create_organization(
    body: OrganizationCreate, session: SessionDep, directory: DirectoryDep, admin: AdminDep
) -> Any:
    """Create an organisation (shelters: confidential_sites true)."""
    if session.scalar(select(Organization.id).where(Organization.key == body.key)):
        raise ApiError(409, "duplicate_key", f"an organization with key {body.key} exists")
    _check_sources(session, body.sources)
    org = Organization(**body.model_dump())
    session.add(org)
    session.flush()
    changes.record(
        session, actor=admin.name, now=changes._now(), resource_type="organization",
        resource_id=org.id, action="create", new=body.model_dump(),
    )  # fmt: skip
    _committed(session, directory)
    return {"id": org.id, "key": org.key, "name": org.name}


@router.post("/organizations/{org_id}/retire")
def retire_organization(
    org_id: str, session: SessionDep, directory: DirectoryDep, admin: AdminDep
) -> Any:
    """Retire an organisation: its services leave routing and the public list (audited)."""
    return _set_retired(org_id, True, session, directory, admin)


@router.post("/organizations/{org_id}/reinstate")
def reinstate_organization(
    org_id: str, session: SessionDep, directory: DirectoryDep, admin: AdminDep
) -> Any:
    """Undo a retirement: the organisation's active services are routed again (audited)."""
    return _set_retired(org_id, False, session, directory, admin)


def _set_retired(
    org_id: str, retired: bool, session: Any, directory: Any, admin: Admin
) -> dict[str, Any]:
    org = _organization_or_404(session, org_id)
    changes.set_organization_retired(session, org, retired, admin.name)
    _committed(session, directory)
    return _organizations_json(session, [org])[0]


@router.get("/export.csv", response_class=PlainTextResponse)
def export_csv(session: SessionDep, _: AdminDep) -> PlainTextResponse:
    """The whole directory as CSV (one row per service)."""
    return PlainTextResponse(
        csv_io.export_csv(session),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="directory.csv"'},
    )


@router.post("/import")
async def import_csv(
    request: Request,
    session: SessionDep,
    directory: DirectoryDep,
    admin: AdminRoleDep,
    apply: bool = False,
) -> Any:
    """Check a CSV (diff and every bad line); with apply=true, apply it all or nothing."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(422, "invalid_encoding", "the CSV must be UTF-8") from exc
    plan = csv_io.plan_import(session, text, directory.geo.vt_names)
    if plan.errors:
        raise ApiError(
            422, "invalid_csv", f"{len(plan.errors)} problem(s); nothing was changed",
            {"errors": plan.errors},
        )  # fmt: skip
    if apply:
        csv_io.apply_import(session, plan, admin.name, directory.geo.vt_names)
        _committed(session, directory)
    return {"applied": apply, "diff": plan.diff_json()}
