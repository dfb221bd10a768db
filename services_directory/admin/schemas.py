"""Input shapes of the admin API: unknown fields, HTML and oversized values are refused."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

PHONE_PATTERN = r"^(?:\d{3}|[0-9][0-9 \-]{3,18}[0-9])$"
KEY_PATTERN = r"^[a-z0-9][a-z0-9\-]{1,79}$"
_MARKUP = re.compile(r"[<>]")


def _no_markup(value: str) -> str:
    if _MARKUP.search(value):
        raise ValueError("must not contain < or > (no HTML)")
    return value.strip()


PlainText = Annotated[str, AfterValidator(_no_markup)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_markup)]
Url = Annotated[str, Field(max_length=300, pattern=r"^https?://[^\s<>\"]+$")]
SourceId = Annotated[str, Field(pattern=r"^S\d{1,4}$")]
VtCode = Annotated[str, Field(pattern=r"^VT\d\d$")]
Kind = Literal["emergency", "veilig_thuis", "csg", "shelter_intake", "helpline", "police"]
Status = Literal["active", "inactive", "defunct", "temporarily closed"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=4000)


class LoginIn(Strict):
    username: Annotated[str, Field(min_length=1, max_length=80)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class ServiceUpdate(Strict):
    name: Name | None = None
    description: PlainText | None = None
    url: Url | None = None
    chat: Url | None = None
    chat_hours: PlainText | None = None
    status: Status | None = None
    why: PlainText | None = None
    note: PlainText | None = None
    unconfirmed: list[Annotated[str, Field(max_length=40)]] | None = None
    last_verified: date | None = None
    sources: list[SourceId] | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    rank: Annotated[int, Field(ge=0, le=1000)] | None = None


class PhoneCreate(Strict):
    number: Annotated[str, Field(pattern=PHONE_PATTERN)]
    cost: PlainText | None = None
    hours: PlainText | None = None


class ServiceCreate(Strict):
    organization_id: str
    key: Annotated[str, Field(pattern=KEY_PATTERN)]
    kind: Kind
    name: Name
    description: PlainText = ""
    url: Url | None = None
    chat: Url | None = None
    national: bool = False
    why: PlainText = ""
    sources: list[SourceId] = []
    unconfirmed: list[Annotated[str, Field(max_length=40)]] = []
    rank: Annotated[int, Field(ge=0, le=1000)] = 100
    # Proposed in the same transaction; both wait for a second admin (four-eyes).
    phone: PhoneCreate | None = None
    vt_codes: Annotated[list[VtCode], Field(max_length=30)] = []


class PhoneUpdate(Strict):
    number: Annotated[str, Field(pattern=PHONE_PATTERN)] | None = None
    cost: PlainText | None = None
    hours: PlainText | None = None
    description: PlainText | None = None
    unconfirmed: list[Annotated[str, Field(max_length=40)]] | None = None


class AreasUpdate(Strict):
    vt_codes: Annotated[list[VtCode], Field(max_length=30)]


class OrganizationCreate(Strict):
    key: Annotated[str, Field(pattern=KEY_PATTERN)]
    name: Name
    description: PlainText = ""
    website: Url | None = None
    confidential_sites: bool = False
    sources: list[SourceId] = []


class AccountCreate(Strict):
    username: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._\-]+$")]
    password: Annotated[str, Field(min_length=12, max_length=200)]
    role: Literal["admin", "editor"]
