"""The schema itself forbids shelter addresses and locations."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services_directory.main import startup
from services_directory.models import Location, Organization, Service, ServiceAtLocation
from services_directory.settings import Settings
from services_directory.state import Directory


@pytest.fixture
def directory(settings: Settings) -> Directory:
    return startup(settings)


def _shelter_org(session: Session) -> Organization:
    org = session.scalars(select(Organization).where(Organization.key == "org-moviera")).one()
    assert org.confidential_sites is True
    return org


def test_create_location_for_shelter_organization_refused(directory: Directory) -> None:
    with directory.sessions() as session:
        org = _shelter_org(session)
        session.add(
            Location(
                organization_id=org.id,
                organization_confidential=False,  # lying about the flag breaks the FK
                name="secret site",
                latitude=52.0,
                longitude=5.0,
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.add(
            Location(
                organization_id=org.id,
                organization_confidential=True,
                name="secret site",
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_link_shelter_service_to_location_refused(directory: Directory) -> None:
    with directory.sessions() as session:
        shelter = session.scalars(select(Service).where(Service.key == "shelter-moviera")).one()
        public_site = session.scalars(select(Location)).first()
        assert public_site is not None
        session.add(
            ServiceAtLocation(service_id=shelter.id, service_kind="csg", location_id=public_site.id)
        )
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.add(
            ServiceAtLocation(
                service_id=shelter.id, service_kind="shelter_intake", location_id=public_site.id
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_mark_organization_with_sites_confidential_refused(directory: Directory) -> None:
    with directory.sessions() as session:
        org = session.scalars(
            select(Organization).where(Organization.key == "centrum-seksueel-geweld")
        ).one()
        assert session.scalars(select(Location).where(Location.organization_id == org.id)).first()
        org.confidential_sites = True
        with pytest.raises(IntegrityError):
            session.commit()


def test_turn_service_with_site_into_shelter_refused(directory: Directory) -> None:
    with directory.sessions() as session:
        csg = session.scalars(select(Service).where(Service.key == "csg-utrecht")).one()
        assert csg.at_locations
        csg.kind = "shelter_intake"
        with pytest.raises(IntegrityError):
            session.commit()


def test_seed_gives_shelters_no_locations(directory: Directory) -> None:
    with directory.sessions() as session:
        shelters = session.scalars(select(Service).where(Service.kind == "shelter_intake")).all()
        assert len(shelters) == 11
        assert all(s.at_locations == [] for s in shelters)
        confidential = session.scalars(
            select(Organization).where(Organization.confidential_sites.is_(True))
        ).all()
        ids = {o.id for o in confidential}
        locations = session.scalars(select(Location)).all()
        assert locations and not [loc for loc in locations if loc.organization_id in ids]
