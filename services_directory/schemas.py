"""Pydantic shapes of the public API (documentation and response validation)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PublicModel(BaseModel):
    # Response models forbid extras so nothing (e.g. an address) can leak by accident.
    model_config = ConfigDict(extra="forbid")


class PhonePublic(PublicModel):
    number: str
    cost: str | None
    hours: str | None


class RouteService(PublicModel):
    id: str
    kind: str
    name: str
    phones: list[PhonePublic]
    web: str | None
    chat: str | None
    distance_km: float | None
    why: str
    last_verified: str | None
    unconfirmed: list[str]
    sources: list[str]


class CodeName(PublicModel):
    code: str
    name: str


class AreaPublic(PublicModel):
    pc4: str
    place: str
    gemeente: CodeName
    province: str
    vt_region: CodeName


class Candidate(PublicModel):
    vt_region: CodeName
    gemeente: CodeName | None


class RouteQuery(PublicModel):
    postcode: str
    pc4: str


class RouteMetadata(PublicModel):
    attribution: list[str]


class RouteResponse(PublicModel):
    query: RouteQuery
    area: AreaPublic
    ambiguous: bool
    candidates: list[Candidate]
    services: list[RouteService]
    metadata: RouteMetadata


class ErrorOut(PublicModel):
    code: str
    message: str


class OrganizationRef(PublicModel):
    id: str
    name: str
    website: str | None


class PhoneDetail(PublicModel):
    id: str
    number: str
    cost: str | None
    hours: str | None
    description: str
    last_verified: str | None
    unconfirmed: list[str]
    sources: list[str]


class AreaRef(PublicModel):
    vt_code: str
    name: str
    confirmed: bool


class SitePublic(PublicModel):
    """A public site (e.g. a hospital) by town only; shelters never have one."""

    name: str
    city: str | None
    approximate: bool


class ServicePublic(PublicModel):
    id: str
    key: str
    kind: str
    name: str
    description: str
    status: str = Field(
        description="HSDS service status (active, inactive, defunct, temporarily closed); "
        "inactive while the service's organisation is retired"
    )
    organization: OrganizationRef
    web: str | None
    chat: str | None
    chat_hours: str | None
    national: bool
    areas: list[AreaRef]
    languages: list[str]
    phones: list[PhoneDetail]
    sites: list[SitePublic]
    confidence: str | None
    last_verified: str | None
    unconfirmed: list[str]
    note: str
    sources: list[str]


class ServiceList(PublicModel):
    total: int
    limit: int
    offset: int
    items: list[ServicePublic]
