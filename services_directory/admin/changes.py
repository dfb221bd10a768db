"""Edits to the directory. Plain fields change at once (audited); phone numbers and a
service's regions wait for a second admin (four-eyes), and until then the old value is
served."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services_directory.admin.audit import as_text, bump_version, record
from services_directory.errors import ApiError
from services_directory.models import (
    SHELTER_KIND,
    Organization,
    PendingChange,
    Phone,
    Service,
    ServiceArea,
)

DIRECT_FIELDS = (
    "name",
    "description",
    "url",
    "chat",
    "chat_hours",
    "status",
    "why",
    "note",
    "unconfirmed",
    "last_verified",
    "sources",
    "confidence",
    "rank",
)
PHONE_DIRECT_FIELDS = ("cost", "hours", "description", "unconfirmed", "last_verified")


def _now() -> datetime:
    return datetime.now(UTC)


def update_service(
    session: Session, svc: Service, changes: dict[str, Any], actor: str
) -> list[str]:
    """Apply plain field changes; returns the fields that really changed."""
    now = _now()
    changed = []
    for field, new in changes.items():
        if field not in DIRECT_FIELDS:
            raise ApiError(422, "field_not_editable", f"{field} cannot be changed here")
        old = getattr(svc, field)
        if as_text(old) == as_text(new):
            continue
        setattr(svc, field, new)
        record(
            session, actor=actor, now=now, resource_type="service", resource_id=svc.id,
            action="update", field=field, old=old, new=new,
        )  # fmt: skip
        changed.append(field)
    if changed:
        svc.last_modified = now
        bump_version(session)
    return changed


def update_phone_details(
    session: Session, phone: Phone, changes: dict[str, Any], actor: str
) -> list[str]:
    now = _now()
    changed = []
    for field, new in changes.items():
        if field not in PHONE_DIRECT_FIELDS:
            raise ApiError(422, "field_not_editable", f"{field} cannot be changed here")
        old = getattr(phone, field)
        if as_text(old) == as_text(new):
            continue
        setattr(phone, field, new)
        record(
            session, actor=actor, now=now, resource_type="phone", resource_id=phone.id,
            action="update", field=field, old=old, new=new,
        )  # fmt: skip
        changed.append(field)
    if changed:
        bump_version(session)
    return changed


def _pending_exists(session: Session, resource_id: str, field: str) -> bool:
    return (
        session.scalar(
            select(PendingChange.id).where(
                PendingChange.resource_id == resource_id,
                PendingChange.field_name == field,
                PendingChange.status == "pending",
            )
        )
        is not None
    )


def propose(
    session: Session,
    *,
    service: Service,
    resource_type: str,
    resource_id: str,
    field: str,
    old: Any,
    new: Any,
    actor: str,
) -> PendingChange | None:
    """Queue a four-eyes change; None when it would change nothing."""
    if as_text(old) == as_text(new):
        return None
    if _pending_exists(session, resource_id, field):
        raise ApiError(
            409, "change_pending", f"a change to {field} is already waiting for approval"
        )
    now = _now()
    change = PendingChange(
        resource_type=resource_type,
        resource_id=resource_id,
        service_id=service.id,
        field_name=field,
        previous_value=as_text(old),
        replacement_value=as_text(new),
        proposed_by=actor,
        proposed_at=now,
    )
    session.add(change)
    session.flush()
    record(
        session, actor=actor, now=now, resource_type=resource_type, resource_id=resource_id,
        action="propose", field=field, old=old, new=new,
    )  # fmt: skip
    return change


def propose_phone_number(session: Session, phone: Phone, number: str, actor: str) -> Any:
    return propose(
        session, service=phone.service, resource_type="phone", resource_id=phone.id,
        field="number", old=phone.number, new=number, actor=actor,
    )  # fmt: skip


def propose_new_phone(session: Session, svc: Service, phone: dict[str, Any], actor: str) -> Any:
    return propose(
        session, service=svc, resource_type="service", resource_id=svc.id,
        field=f"phone_add:{phone['number']}", old=None, new=phone, actor=actor,
    )  # fmt: skip


def current_areas(svc: Service) -> list[str]:
    return sorted(a.vt_code for a in svc.areas)


def propose_areas(session: Session, svc: Service, vt_codes: list[str], actor: str) -> Any:
    return propose(
        session, service=svc, resource_type="service", resource_id=svc.id,
        field="areas", old=current_areas(svc), new=sorted(set(vt_codes)), actor=actor,
    )  # fmt: skip


def decide(
    session: Session, change: PendingChange, approve: bool, actor: str, vt_names: dict[str, str]
) -> None:
    """Approve (apply) or reject a pending change; the proposer cannot decide their own."""
    if change.status != "pending":
        raise ApiError(409, "change_decided", f"this change was already {change.status}")
    if change.proposed_by == actor:
        raise ApiError(403, "four_eyes", "a second administrator must approve this change")
    now = _now()
    svc = session.get(Service, change.service_id)
    if svc is None:
        raise ApiError(409, "stale_change", "the service no longer exists")
    if approve:
        _apply(session, svc, change, actor, now, vt_names)
        bump_version(session)
    change.status = "approved" if approve else "rejected"
    change.decided_by = actor
    change.decided_at = now
    record(
        session, actor=actor, now=now, resource_type=change.resource_type,
        resource_id=change.resource_id, action=change.status, field=change.field_name,
        old=change.previous_value, new=change.replacement_value,
    )  # fmt: skip


def _apply(
    session: Session,
    svc: Service,
    change: PendingChange,
    actor: str,
    now: datetime,
    vt_names: dict[str, str],
) -> None:
    stale = ApiError(409, "stale_change", "the value changed since this was proposed")
    if change.field_name == "number":
        phone = session.get(Phone, change.resource_id)
        if phone is None or phone.number != change.previous_value:
            raise stale
        phone.number = change.replacement_value or phone.number
        phone.last_verified = date.today()
    elif change.field_name.startswith("phone_add"):
        data = json.loads(change.replacement_value or "{}")
        svc.phones.append(
            Phone(
                number=data["number"],
                cost=data.get("cost"),
                hours=data.get("hours"),
                rank=len(svc.phones),
                last_verified=date.today(),
            )
        )
    elif change.field_name == "areas":
        if as_text(current_areas(svc)) != change.previous_value:
            raise stale
        wanted = json.loads(change.replacement_value or "[]")
        svc.areas[:] = [a for a in svc.areas if a.vt_code in wanted]
        have = {a.vt_code for a in svc.areas}
        for code in wanted:
            if code not in have:
                svc.areas.append(ServiceArea(vt_code=code, name=f"{code} {vt_names.get(code, '')}"))
    else:
        raise ApiError(409, "stale_change", f"unknown change {change.field_name}")
    svc.last_modified = now


def organization_retired_error(org: Organization) -> ApiError:
    """Why no service may be added to a retired organisation (API and import alike)."""
    return ApiError(
        409, "organization_retired",
        f"organization {org.key} is retired: reinstate it before adding services to it",
    )  # fmt: skip


def create_service(
    session: Session, org: Organization, data: dict[str, Any], actor: str
) -> Service:
    if org.retired:
        raise organization_retired_error(org)
    if session.scalar(select(Service.id).where(Service.key == data["key"])):
        raise ApiError(409, "duplicate_key", f"a service with key {data['key']} already exists")
    if data["kind"] == SHELTER_KIND and not org.confidential_sites:
        raise ApiError(
            422, "shelter_needs_confidential_org",
            "shelter services belong to an organisation whose sites are confidential",
        )  # fmt: skip
    svc = Service(organization_id=org.id, last_modified=_now(), **data)
    session.add(svc)
    session.flush()
    record(
        session, actor=actor, now=_now(), resource_type="service", resource_id=svc.id,
        action="create", field="", new=data,
    )  # fmt: skip
    bump_version(session)
    return svc


def set_organization_retired(
    session: Session, org: Organization, retired: bool, actor: str
) -> bool:
    """Retire or reinstate an organisation (audited); False when it already was so.

    Routing and the public service list leave out every service of a retired
    organisation; the services keep their own status, so reinstating restores them."""
    if org.retired == retired:
        return False
    record(
        session, actor=actor, now=_now(), resource_type="organization", resource_id=org.id,
        action="update", field="retired", old=org.retired, new=retired,
    )  # fmt: skip
    org.retired = retired
    bump_version(session)
    return True
