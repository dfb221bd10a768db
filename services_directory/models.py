"""SQL tables, shaped after Open Referral HSDS 3 (organization, service, location, phone,
schedule, service_area, language, metadata) plus the directory's own admin tables.

Shelter addresses are impossible by construction: a location row carries its
organization's `confidential_sites` flag through a composite foreign key and a CHECK
requires it to be false, and a service_at_location row carries the service's kind the
same way and a CHECK forbids `shelter_intake`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SERVICE_KINDS = (
    "emergency",
    "veilig_thuis",
    "csg",
    "shelter_intake",
    "helpline",
    "police",
)
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
SHELTER_KIND = "shelter_intake"


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Source(Base):
    """A source a fact was taken from (ids as in the reference data's SOURCES.csv)."""

    __tablename__ = "source"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    date_on_page: Mapped[str] = mapped_column(String(32), default="")


class Organization(Base):
    __tablename__ = "organization"
    __table_args__ = (UniqueConstraint("id", "confidential_sites"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    alternate_name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    # True for shelter organisations: their sites are secret, so no location row may exist.
    confidential_sites: Mapped[bool] = mapped_column(Boolean, default=False)
    sources: Mapped[list[str]] = mapped_column(default=list)
    unconfirmed: Mapped[list[str]] = mapped_column(default=list)
    last_verified: Mapped[date | None] = mapped_column(Date)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    services: Mapped[list[Service]] = relationship(back_populates="organization")


class Service(Base):
    __tablename__ = "service"
    __table_args__ = (
        UniqueConstraint("id", "kind"),
        CheckConstraint("kind IN ('" + "','".join(SERVICE_KINDS) + "')", name="service_kind_known"),
        CheckConstraint(
            "status IN ('" + "','".join(SERVICE_STATUSES) + "')", name="service_status_known"
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(300))
    chat: Mapped[str | None] = mapped_column(String(300))
    chat_hours: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default="active")
    # national services apply to every postcode; regional ones through service_area
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    # national numbers that stand in only where no regional service of the kind is known
    fallback_only: Mapped[bool] = mapped_column(Boolean, default=False)
    rank: Mapped[int] = mapped_column(Integer, default=100)
    why: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[str | None] = mapped_column(String(16))
    sources: Mapped[list[str]] = mapped_column(default=list)
    unconfirmed: Mapped[list[str]] = mapped_column(default=list)
    # what still needs checking, in words, for administrators
    note: Mapped[str] = mapped_column(Text, default="")
    last_verified: Mapped[date | None] = mapped_column(Date)
    last_modified: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization] = relationship(back_populates="services")
    phones: Mapped[list[Phone]] = relationship(
        back_populates="service", order_by="Phone.rank", cascade="all, delete-orphan"
    )
    areas: Mapped[list[ServiceArea]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    languages: Mapped[list[Language]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(16), default="voice")
    description: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[str | None] = mapped_column(String(200))
    hours: Mapped[str | None] = mapped_column(Text)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    sources: Mapped[list[str]] = mapped_column(default=list)
    unconfirmed: Mapped[list[str]] = mapped_column(default=list)
    last_verified: Mapped[date | None] = mapped_column(Date)

    service: Mapped[Service] = relationship(back_populates="phones")


class ServiceArea(Base):
    """Where a service has jurisdiction: a Veilig Thuis region code (CBS VTxx)."""

    __tablename__ = "service_area"
    __table_args__ = (UniqueConstraint("service_id", "vt_code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    vt_code: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    extent_type: Mapped[str] = mapped_column(String(16), default="text")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)

    service: Mapped[Service] = relationship(back_populates="areas")


class Language(Base):
    __tablename__ = "language"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(80), default="")

    service: Mapped[Service] = relationship(back_populates="languages")


class Location(Base):
    """A public physical site (e.g. the hospital of a CSG). Never a shelter."""

    __tablename__ = "location"
    __table_args__ = (
        ForeignKeyConstraint(
            ["organization_id", "organization_confidential"],
            ["organization.id", "organization.confidential_sites"],
            onupdate="CASCADE",
        ),
        CheckConstraint("organization_confidential = false", name="location_not_confidential"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(String(36))
    organization_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(200))
    location_type: Mapped[str] = mapped_column(String(16), default="physical")
    description: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str | None] = mapped_column(String(120))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    sources: Mapped[list[str]] = mapped_column(default=list)
    unconfirmed: Mapped[list[str]] = mapped_column(default=list)


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"
    __table_args__ = (
        ForeignKeyConstraint(
            ["service_id", "service_kind"],
            ["service.id", "service.kind"],
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        CheckConstraint(f"service_kind <> '{SHELTER_KIND}'", name="no_shelter_location"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(String(36))
    service_kind: Mapped[str] = mapped_column(String(32))
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="at_locations")
    location: Mapped[Location] = relationship()


class Metadata(Base):
    """HSDS field-level change history; doubles as the audit trail (append-only)."""

    __tablename__ = "metadata"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    resource_id: Mapped[str] = mapped_column(String(36), index=True)
    resource_type: Mapped[str] = mapped_column(String(32))
    last_action_date: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_action_type: Mapped[str] = mapped_column(String(32))
    field_name: Mapped[str] = mapped_column(String(64), default="")
    previous_value: Mapped[str | None] = mapped_column(Text)
    replacement_value: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(80))


class DirectoryState(Base):
    """One row: a counter bumped on every data change so replicas refresh their cache."""

    __tablename__ = "directory_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    seeded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AdminUser(Base):
    __tablename__ = "admin_user"
    __table_args__ = (CheckConstraint("role IN ('admin','editor')", name="admin_role_known"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AdminSession(Base):
    __tablename__ = "admin_session"

    # sha256 of the cookie value; the cookie itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("admin_user.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[AdminUser] = relationship()


class PendingChange(Base):
    """A phone or region change waiting for a second admin (four-eyes)."""

    __tablename__ = "pending_change"
    __table_args__ = (
        CheckConstraint("status IN ('pending','approved','rejected')", name="pending_status_known"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(36), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    field_name: Mapped[str] = mapped_column(String(64))
    previous_value: Mapped[str | None] = mapped_column(Text)
    replacement_value: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
