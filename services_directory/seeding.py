"""Fill an empty database from the seed file and the reference SOURCES.csv."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services_directory.geo import Geography
from services_directory.models import (
    DirectoryState,
    Language,
    Location,
    Metadata,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Source,
)

# Stable ids: the same key always gets the same UUID, so ids survive a re-seed.
ID_NAMESPACE = uuid.UUID("5d0c6c56-9a5e-4b0e-8b7e-2f3f7c1d0a11")
SEED_ACTOR = "seed"


def stable_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}"))


def load_seed(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "organizations" not in data:
        raise ValueError(f"{path}: not a directory seed file (no 'organizations')")
    return data


def load_sources(data_dir: Path) -> list[Source]:
    path = data_dir / "SOURCES.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Source(
                id=row["id"],
                url=row["url_or_repo_ref"],
                description=row.get("description") or "",
                date_on_page=row.get("date_on_page") or "",
            )
            for row in csv.DictReader(handle)
        ]


def is_empty(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(Organization)) or 0) == 0


def _date(value: Any, default: date) -> date:
    if value is None:
        return default
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def seed_database(session: Session, seed_file: Path, data_dir: Path, geo: Geography) -> int:
    """Insert sources, organizations and services; returns the number of services."""
    data = load_seed(seed_file)
    verified = _date(data.get("verified_as_of"), date.today())
    now = datetime.now(UTC)
    known_sources = {s.id for s in load_sources(data_dir)}
    session.add_all(load_sources(data_dir))
    count = 0
    for org_data in data["organizations"]:
        org = Organization(
            id=stable_id("organization", org_data["key"]),
            key=org_data["key"],
            name=org_data["name"],
            description=org_data.get("description", ""),
            website=org_data.get("website"),
            confidential_sites=bool(org_data.get("confidential_sites", False)),
            sources=_checked_sources(org_data.get("sources", []), known_sources, org_data["key"]),
            unconfirmed=list(org_data.get("unconfirmed", [])),
            last_verified=_date(org_data.get("last_verified"), verified),
        )
        session.add(org)
        session.flush()
        for svc_data in org_data.get("services", []):
            session.add(_service(org, svc_data, verified, now, known_sources, geo))
            count += 1
        session.flush()
        _audit(session, org.id, "organization", now)
    state = session.get(DirectoryState, 1) or DirectoryState(id=1, version=0)
    state.version += 1
    state.seeded_at = now
    session.add(state)
    return count


def _checked_sources(ids: list[str], known: set[str], where: str) -> list[str]:
    unknown = [s for s in ids if s not in known]
    if unknown:
        raise ValueError(f"seed {where}: unknown source ids {unknown}")
    return list(ids)


def _service(
    org: Organization,
    data: dict[str, Any],
    verified: date,
    now: datetime,
    known_sources: set[str],
    geo: Geography,
) -> Service:
    key = data["key"]
    svc = Service(
        id=stable_id("service", key),
        key=key,
        organization_id=org.id,
        kind=data["kind"],
        name=data["name"],
        description=data.get("description", "") or "",
        url=data.get("url"),
        chat=data.get("chat"),
        chat_hours=data.get("chat_hours"),
        status=data.get("status", "active"),
        national=bool(data.get("national", False)),
        fallback_only=bool(data.get("fallback_only", False)),
        rank=int(data.get("rank", 100)),
        why=data.get("why", "") or "",
        confidence=data.get("confidence"),
        note=data.get("note", "") or "",
        sources=_checked_sources(data.get("sources", []), known_sources, key),
        unconfirmed=list(data.get("unconfirmed", [])),
        last_verified=_date(data.get("last_verified"), verified),
        last_modified=now,
    )
    for rank, phone in enumerate(data.get("phones", [])):
        svc.phones.append(
            Phone(
                id=stable_id("phone", f"{key}:{rank}"),
                number=str(phone["number"]),
                cost=phone.get("cost"),
                hours=phone.get("hours"),
                description=phone.get("description", "") or "",
                rank=rank,
                sources=list(phone.get("sources", svc.sources)),
                unconfirmed=list(phone.get("unconfirmed", [])),
                last_verified=_date(phone.get("last_verified"), verified),
            )
        )
    for area in data.get("areas", []):
        code = area["vt_code"]
        if code not in geo.vt_names:
            raise ValueError(f"seed {key}: unknown Veilig Thuis region {code}")
        svc.areas.append(
            ServiceArea(
                vt_code=code,
                name=f"{code} {geo.vt_names[code]}",
                confirmed=bool(area.get("confirmed", True)),
            )
        )
    for code in data.get("languages", []):
        svc.languages.append(Language(code=code))
    for loc in data.get("locations", []):
        centre = geo.centre_of(loc["city"])
        location = Location(
            id=stable_id("location", f"{key}:{loc['city']}"),
            organization_id=org.id,
            organization_confidential=org.confidential_sites,
            name=loc["name"],
            city=loc["city"],
            description=f"approximate position: centre of {loc['city']}",
            latitude=centre[0] if centre else None,
            longitude=centre[1] if centre else None,
            unconfirmed=["latitude", "longitude"],
        )
        svc.at_locations.append(ServiceAtLocation(service_kind=svc.kind, location=location))
    return svc


def _audit(session: Session, resource_id: str, resource_type: str, now: datetime) -> None:
    session.add(
        Metadata(
            resource_id=resource_id,
            resource_type=resource_type,
            last_action_date=now,
            last_action_type="create",
            field_name="",
            updated_by=SEED_ACTOR,
        )
    )
