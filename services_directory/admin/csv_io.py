"""CSV export and all-or-nothing import of the whole directory (one row per service)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services_directory.admin import changes
from services_directory.admin.audit import as_text
from services_directory.admin.schemas import KEY_PATTERN, PHONE_PATTERN
from services_directory.models import (
    SERVICE_KINDS,
    SERVICE_STATUSES,
    SHELTER_KIND,
    Language,
    Organization,
    Service,
    Source,
)

MAX_PHONES = 3
MAX_ROWS = 5000
LIST_FIELDS = ("regions", "languages", "sources", "unconfirmed")
PLAIN_FIELDS = ("name", "status", "rank", "description", "url", "chat", "chat_hours", "why")
COLUMNS = [
    "key", "organization_key", "organization_name", "organization_retired", "kind", "name",
    "status", "national", "rank", "description", "web", "chat", "chat_hours", "why",
    "regions", "languages",
    *[f"phone_{i}_{p}" for i in range(1, MAX_PHONES + 1) for p in ("number", "cost", "hours")],
    "sources", "unconfirmed", "last_verified", "confidence", "note",
]  # fmt: skip
REQUIRED = ("key", "organization_key", "kind", "name")
_URL = re.compile(r"^https?://[^\s<>\"]+$")


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def export_rows(session: Session) -> list[dict[str, str]]:
    services = session.scalars(
        select(Service)
        .options(
            selectinload(Service.organization),
            selectinload(Service.phones),
            selectinload(Service.areas),
            selectinload(Service.languages),
        )
        .order_by(Service.key)
    ).all()
    rows = []
    for svc in services:
        row = {
            "key": svc.key,
            "organization_key": svc.organization.key,
            "organization_name": svc.organization.name,
            "organization_retired": "true" if svc.organization.retired else "false",
            "kind": svc.kind,
            "name": svc.name,
            "status": svc.status,
            "national": "true" if svc.national else "false",
            "rank": str(svc.rank),
            "description": svc.description,
            "web": svc.url or "",
            "chat": svc.chat or "",
            "chat_hours": svc.chat_hours or "",
            "why": svc.why,
            "regions": ";".join(sorted(a.vt_code for a in svc.areas)),
            "languages": ";".join(sorted(lang.code for lang in svc.languages)),
            "sources": ";".join(svc.sources),
            "unconfirmed": ";".join(svc.unconfirmed),
            "last_verified": svc.last_verified.isoformat() if svc.last_verified else "",
            "confidence": svc.confidence or "",
            "note": svc.note,
        }
        for i in range(1, MAX_PHONES + 1):
            phone = svc.phones[i - 1] if len(svc.phones) >= i else None
            row[f"phone_{i}_number"] = phone.number if phone else ""
            row[f"phone_{i}_cost"] = (phone.cost or "") if phone else ""
            row[f"phone_{i}_hours"] = (phone.hours or "") if phone else ""
        rows.append(row)
    return rows


def export_csv(session: Session) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(export_rows(session))
    return out.getvalue()


@dataclass
class RowPlan:
    line: int
    key: str
    action: str  # create | update | unchanged
    values: dict[str, Any]
    changes: dict[str, list[Any]] = field(default_factory=dict)
    needs_approval: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def diff_json(self) -> dict[str, Any]:
        summary = {
            a: sum(1 for r in self.rows if r.action == a) for a in ("create", "update", "unchanged")
        }
        return {
            "summary": summary,
            "rows": [
                {
                    "line": r.line,
                    "key": r.key,
                    "action": r.action,
                    "changes": r.changes,
                    "needs_approval": r.needs_approval,
                }
                for r in self.rows
                if r.action != "unchanged"
            ],
        }


def _validate(
    row: dict[str, str], vt_names: dict[str, str], sources: set[str]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    get = lambda name: (row.get(name) or "").strip()  # noqa: E731
    for name in REQUIRED:
        if not get(name):
            problems.append((name, "is required"))
    for name in ("name", "organization_name", "description", "why", "chat_hours", "note"):
        if re.search(r"[<>]", get(name)):
            problems.append((name, "must not contain < or > (no HTML)"))
        if len(get(name)) > 4000 or (name == "name" and len(get(name)) > 200):
            problems.append((name, "is too long"))
    if get("key") and not re.match(KEY_PATTERN, get("key")):
        problems.append(("key", "use lowercase letters, digits and '-' (2-80)"))
    if get("organization_key") and not re.match(KEY_PATTERN, get("organization_key")):
        problems.append(("organization_key", "use lowercase letters, digits and '-' (2-80)"))
    if get("kind") and get("kind") not in SERVICE_KINDS:
        problems.append(("kind", f"must be one of {', '.join(SERVICE_KINDS)}"))
    status = get("status") or "active"
    if status not in SERVICE_STATUSES:
        problems.append(("status", f"must be one of {', '.join(SERVICE_STATUSES)}"))
    national = get("national").lower() or "false"
    if national not in ("true", "false"):
        problems.append(("national", "must be true or false"))
    org_retired = get("organization_retired").lower()
    if org_retired not in ("", "true", "false"):
        problems.append(("organization_retired", "must be true, false or empty"))
    rank = get("rank") or "100"
    if not rank.isdigit() or int(rank) > 1000:
        problems.append(("rank", "must be a whole number 0-1000"))
    for name in ("web", "chat"):
        if get(name) and not _URL.match(get(name)):
            problems.append((name, "must be an http(s) URL"))
    regions = _split(get("regions"))
    for code in regions:
        if code not in vt_names:
            problems.append(("regions", f"unknown Veilig Thuis region {code}"))
    languages = _split(get("languages"))
    for code in languages:
        if not re.match(r"^[a-z]{2,3}$", code):
            problems.append(("languages", f"not a language code: {code}"))
    for source in _split(get("sources")):
        if source not in sources:
            problems.append(("sources", f"unknown source id {source}"))
    verified = None
    if get("last_verified"):
        try:
            verified = date.fromisoformat(get("last_verified"))
        except ValueError:
            problems.append(("last_verified", "must be a date like 2025-10-29"))
    if get("confidence") and get("confidence") not in ("high", "medium", "low"):
        problems.append(("confidence", "must be high, medium or low"))
    phones = []
    for i in range(1, MAX_PHONES + 1):
        number = get(f"phone_{i}_number")
        if number and not re.match(PHONE_PATTERN, number):
            problems.append((f"phone_{i}_number", f"not a phone number: {number[:30]}"))
        if not number and (get(f"phone_{i}_cost") or get(f"phone_{i}_hours")):
            problems.append((f"phone_{i}_number", "cost or hours given without a number"))
        if number:
            phones.append({"number": number, "cost": get(f"phone_{i}_cost") or None,
                           "hours": get(f"phone_{i}_hours") or None})  # fmt: skip
    values = {
        "key": get("key"),
        "organization_key": get("organization_key"),
        "organization_name": get("organization_name"),
        # Checked against the database, never applied: empty means "not checked".
        "organization_retired": {"true": True, "false": False}.get(org_retired),
        "kind": get("kind"),
        "name": get("name"),
        "status": status,
        "national": national == "true",
        "rank": int(rank) if rank.isdigit() else 100,
        "description": get("description"),
        "url": get("web") or None,
        "chat": get("chat") or None,
        "chat_hours": get("chat_hours") or None,
        "why": get("why"),
        "regions": sorted(set(regions)),
        "languages": sorted(set(languages)),
        "sources": _split(get("sources")),
        "unconfirmed": _split(get("unconfirmed")),
        "last_verified": verified,
        "confidence": get("confidence") or None,
        "note": get("note"),
        "phones": phones,
    }
    return values, problems


def plan_import(session: Session, text: str, vt_names: dict[str, str]) -> ImportPlan:
    """Check every line; the plan holds either errors or the diff to apply."""
    plan = ImportPlan()
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        reason = "; ".join(
            x for x in (
                f"missing columns: {', '.join(missing)}" if missing else "",
                f"unknown columns: {', '.join(unknown)}" if unknown else "",
            ) if x
        )  # fmt: skip
        plan.errors.append({"line": 1, "field": "header", "reason": reason})
        return plan
    sources = set(session.scalars(select(Source.id)))
    existing = {
        s.key: s
        for s in session.scalars(
            select(Service).options(
                selectinload(Service.organization),
                selectinload(Service.phones),
                selectinload(Service.areas),
                selectinload(Service.languages),
            )
        )
    }
    orgs = {o.key: o for o in session.scalars(select(Organization))}
    seen: dict[str, int] = {}
    line = 1
    for row in reader:
        start = line + 1
        line = reader.line_num
        if len(plan.rows) + len(plan.errors) >= MAX_ROWS:
            plan.errors.append({"line": start, "field": "", "reason": f"more than {MAX_ROWS} rows"})
            break
        if None in row:
            plan.errors.append({"line": start, "field": "", "reason": "more cells than columns"})
            continue
        values, problems = _validate(row, vt_names, sources)
        key = values["key"]
        if key in seen:
            problems.append(("key", f"duplicate key {key} (also on line {seen[key]})"))
        elif key:
            seen[key] = start
        org = orgs.get(values["organization_key"])
        if org is None and values["organization_key"] and not values["organization_name"]:
            problems.append(("organization_name", "needed for a new organization_key"))
        current = existing.get(key)
        if current is not None and current.kind != values["kind"] and values["kind"]:
            problems.append(("kind", "the kind of an existing service cannot change by import"))
        if current is not None and org is not None and current.organization_id != org.id:
            problems.append(
                ("organization_key", "moving a service to another organization is not supported")
            )
        problems.extend(_retirement_problems(values, org, current))
        if values["kind"] == SHELTER_KIND and org is not None and not org.confidential_sites:
            problems.append(
                ("kind", "a shelter service needs an organization with confidential sites")
            )
        for name, reason in problems:
            plan.errors.append({"line": start, "field": name, "reason": reason})
        if problems:
            continue
        plan.rows.append(_diff(start, values, current))
    return plan


def _retirement_problems(
    values: dict[str, Any], org: Organization | None, current: Service | None
) -> list[tuple[str, str]]:
    """An import neither adds a service to a retired organisation nor retires or reinstates
    one (that is POST organizations/{id}/retire|reinstate, audited); organization_retired
    is there to be read, and when given it must say what the database says."""
    problems = []
    if org is not None and org.retired and current is None:
        problems.append(("organization_key", changes.organization_retired_error(org).message))
    stated = values["organization_retired"]
    if stated is not None and stated != (org is not None and org.retired):
        if org is None:
            reason = "a new organization cannot be imported as retired"
        else:
            state = "retired" if org.retired else "not retired"
            reason = (
                f"organization {org.key} is {state}; an import does not retire or reinstate "
                "an organization (use the Organisations tab)"
            )
        problems.append(("organization_retired", reason))
    return problems


def _diff(line: int, values: dict[str, Any], current: Service | None) -> RowPlan:
    if current is None:
        approval = []
        if values["phones"]:
            approval.append("phones")
        if values["regions"]:
            approval.append("regions")
        return RowPlan(line, values["key"], "create", values, {}, approval)
    diff: dict[str, list[Any]] = {}
    for name in (*PLAIN_FIELDS, "sources", "unconfirmed", "last_verified", "confidence", "note"):
        old = getattr(current, name)
        if as_text(old) != as_text(values[name]):
            diff[name] = [as_text(old), as_text(values[name])]
    if sorted(lang.code for lang in current.languages) != values["languages"]:
        diff["languages"] = [sorted(lang.code for lang in current.languages), values["languages"]]
    approval = []
    old_regions = sorted(a.vt_code for a in current.areas)
    if old_regions != values["regions"]:
        diff["regions"] = [old_regions, values["regions"]]
        approval.append("regions")
    for i, phone in enumerate(values["phones"]):
        old_phone = current.phones[i] if i < len(current.phones) else None
        prefix = f"phone_{i + 1}"
        if old_phone is None or old_phone.number != phone["number"]:
            diff[f"{prefix}_number"] = [old_phone.number if old_phone else None, phone["number"]]
            approval.append(f"{prefix}_number")
        if old_phone is not None:
            for part in ("cost", "hours"):
                if (getattr(old_phone, part) or None) != phone[part]:
                    diff[f"{prefix}_{part}"] = [getattr(old_phone, part), phone[part]]
    return RowPlan(line, values["key"], "update" if diff else "unchanged", values, diff, approval)


def apply_import(session: Session, plan: ImportPlan, actor: str, vt_names: dict[str, str]) -> None:
    """Apply a checked plan in the caller's transaction (all or nothing)."""
    orgs = {o.key: o for o in session.scalars(select(Organization))}
    for row in plan.rows:
        v = row.values
        if row.action == "unchanged":
            continue
        if row.action == "create":
            org = orgs.get(v["organization_key"])
            if org is None:
                org = Organization(
                    key=v["organization_key"],
                    name=v["organization_name"],
                    confidential_sites=v["kind"] == SHELTER_KIND,
                )
                session.add(org)
                session.flush()
                orgs[org.key] = org
                changes.record(
                    session, actor=actor, now=changes._now(), resource_type="organization",
                    resource_id=org.id, action="create", new={"key": org.key, "name": org.name},
                )  # fmt: skip
            data = {k: v[k] for k in ("key", "kind", "name", "description", "url", "chat",
                                       "chat_hours", "status", "national", "rank", "why",
                                       "sources", "unconfirmed", "last_verified", "confidence",
                                       "note")}  # fmt: skip
            svc = changes.create_service(session, org, data, actor)
            for code in v["languages"]:
                svc.languages.append(Language(code=code))
            for phone in v["phones"]:
                changes.propose(
                    session, service=svc, resource_type="service", resource_id=svc.id,
                    field=f"phone_add:{phone['number']}", old=None, new=phone, actor=actor,
                )  # fmt: skip
            if v["regions"]:
                changes.propose_areas(session, svc, v["regions"], actor)
            continue
        svc = session.scalars(select(Service).where(Service.key == row.key)).one()
        plain = {k: v[k] for k in (*PLAIN_FIELDS, "sources", "unconfirmed", "last_verified",
                                   "confidence", "note") if k in row.changes}  # fmt: skip
        changes.update_service(session, svc, plain, actor)
        if "languages" in row.changes:
            svc.languages[:] = [Language(code=c) for c in v["languages"]]
            changes.record(
                session, actor=actor, now=changes._now(), resource_type="service",
                resource_id=svc.id, action="update", field="languages",
                old=row.changes["languages"][0], new=v["languages"],
            )  # fmt: skip
        if "regions" in row.changes:
            changes.propose_areas(session, svc, v["regions"], actor)
        for i, phone in enumerate(v["phones"]):
            old_phone = svc.phones[i] if i < len(svc.phones) else None
            if old_phone is None:
                changes.propose(
                    session, service=svc, resource_type="service", resource_id=svc.id,
                    field=f"phone_add:{phone['number']}", old=None, new=phone, actor=actor,
                )  # fmt: skip
                continue
            details = {
                p: phone[p] for p in ("cost", "hours") if f"phone_{i + 1}_{p}" in row.changes
            }
            changes.update_phone_details(session, old_phone, details, actor)
            if old_phone.number != phone["number"]:
                changes.propose_phone_number(session, old_phone, phone["number"], actor)
    changes.bump_version(session)
