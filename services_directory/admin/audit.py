"""The audit trail: HSDS metadata rows, written with every change, never edited."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services_directory.models import DirectoryState, Metadata, Phone, Service, ServiceArea


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        # default: a new service's fields (CSV import) may hold a last_verified date
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=as_text)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def record(
    session: Session,
    *,
    actor: str,
    now: datetime,
    resource_type: str,
    resource_id: str,
    action: str,
    field: str = "",
    old: Any = None,
    new: Any = None,
) -> None:
    session.add(
        Metadata(
            resource_id=resource_id,
            resource_type=resource_type,
            last_action_date=now,
            last_action_type=action,
            field_name=field,
            previous_value=as_text(old),
            replacement_value=as_text(new),
            updated_by=actor,
        )
    )


def bump_version(session: Session) -> None:
    state = session.get(DirectoryState, 1)
    if state is None:
        state = DirectoryState(id=1, version=0)
        session.add(state)
    state.version += 1


def history(session: Session, service: Service) -> list[dict[str, Any]]:
    """Every audit row about a service, its phones and its areas, oldest first."""
    phone_ids = select(Phone.id).where(Phone.service_id == service.id)
    area_ids = select(ServiceArea.id).where(ServiceArea.service_id == service.id)
    rows = session.scalars(
        select(Metadata)
        .where(
            or_(
                Metadata.resource_id == service.id,
                Metadata.resource_id.in_(phone_ids),
                Metadata.resource_id.in_(area_ids),
            )
        )
        .order_by(Metadata.last_action_date, Metadata.id)
    ).all()
    return [
        {
            "id": m.id,
            "resource_type": m.resource_type,
            "resource_id": m.resource_id,
            "action": m.last_action_type,
            "field": m.field_name,
            "old": m.previous_value,
            "new": m.replacement_value,
            "by": m.updated_by,
            "at": m.last_action_date.isoformat(),
        }
        for m in rows
    ]
