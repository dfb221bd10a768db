"""Fixtures for the directory.

Databases are SQLite files, or PostgreSQL databases when HW_TEST_POSTGRES_URL is set
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres). A seeded template with three
accounts is built once per session and copied for every test that changes data.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services_directory.main import create_app
from services_directory.routing import route
from services_directory.settings import Settings
from services_directory.state import Directory, load_index

POSTGRES_URL = os.environ.get("HW_TEST_POSTGRES_URL")
CREATED_DATABASES: list[str] = []
PASSWORDS = {"alice": "alice-password-1", "bob": "bob-password-12", "eddie": "eddie-password-1"}


def _postgres_admin(sql: str) -> None:
    assert POSTGRES_URL
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(sql))
    admin.dispose()


def _postgres_url(name: str) -> str:
    assert POSTGRES_URL
    base, _, _ = POSTGRES_URL.rpartition("/")
    return f"{base}/{name}"


def make_settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, secret_key="t" * 40)


def make_database_url(folder: Path) -> str:
    """An empty database."""
    if POSTGRES_URL:
        name = f"hw_test_{uuid.uuid4().hex[:12]}"
        _postgres_admin(f'CREATE DATABASE "{name}"')
        CREATED_DATABASES.append(name)
        return _postgres_url(name)
    return f"sqlite:///{folder / 'directory.sqlite3'}"


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_databases() -> Iterator[None]:
    """Remove the throwaway PostgreSQL databases when the session ends."""
    yield
    for name in CREATED_DATABASES:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, seeded database with admins alice and bob and editor eddie."""
    from services_directory.admin.accounts import create_account
    from services_directory.main import startup

    url = make_database_url(tmp_path_factory.mktemp("template"))
    directory = startup(make_settings(url))
    with directory.sessions.begin() as session:
        for name, role in (("alice", "admin"), ("bob", "admin"), ("eddie", "editor")):
            create_account(session, name, PASSWORDS[name], role)
    directory.engine.dispose()
    return url


def copy_database(template: str, folder: Path) -> str:
    if POSTGRES_URL:
        name = f"hw_test_{uuid.uuid4().hex[:12]}"
        template_name = template.rpartition("/")[2]
        _postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
        CREATED_DATABASES.append(name)
        return _postgres_url(name)
    source = Path(template.split("///", 1)[1])
    target = folder / "copy.sqlite3"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


@pytest.fixture
def settings(template_database: str, tmp_path: Path) -> Settings:
    """Settings with a seeded database of its own (for tests that change data)."""
    return make_settings(copy_database(template_database, tmp_path))


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


admin_client = client


@pytest.fixture(scope="module")
def read_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app per test module on a freshly migrated and seeded database, for reads."""
    folder = tmp_path_factory.mktemp("directory")
    with TestClient(create_app(make_settings(make_database_url(folder)))) as test_client:
        yield test_client


def log_in(client: TestClient, username: str) -> dict[str, str]:
    """Log in and return the CSRF header for changes."""
    response = client.post(
        "/api/v1/admin/login", json={"username": username, "password": PASSWORDS[username]}
    )
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


def uncached_route_body(directory: Directory, postcode: str) -> bytes:
    """What the route endpoint sent before the byte cache: JSONResponse(route(...)) on a
    fresh snapshot (so nothing comes from a cache filled earlier)."""
    return JSONResponse(route(directory.geo, load_index(directory.sessions), postcode)).body
