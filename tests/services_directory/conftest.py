"""Fixtures for the directory: a fresh SQLite (or HW_TEST_POSTGRES_URL) database per test module."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services_directory.main import create_app
from services_directory.settings import Settings

POSTGRES_URL = os.environ.get("HW_TEST_POSTGRES_URL")


def _postgres_database() -> str:
    """Create a throwaway database on the test server and return its URL."""
    assert POSTGRES_URL
    name = f"hw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base, _, _ = POSTGRES_URL.rpartition("/")
    return f"{base}/{name}"


def make_database_url(folder: Path) -> str:
    if POSTGRES_URL:
        return _postgres_database()
    return f"sqlite:///{folder / 'directory.sqlite3'}"


def make_settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, secret_key="t" * 40)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a database of its own (for tests that change data)."""
    return make_settings(make_database_url(tmp_path))


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def read_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One seeded app per test module, for tests that only read."""
    folder = tmp_path_factory.mktemp("directory")
    with TestClient(create_app(make_settings(make_database_url(folder)))) as test_client:
        yield test_client
