"""Staff accounts in SQL (SQLite here; PostgreSQL too when HW_TEST_POSTGRES_URL is set)."""

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from gateway.handoff.account_models import Base
from gateway.handoff.account_store import InvalidAccount, StaffAccountStore, open_account_store

PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("HW_TEST_POSTGRES_URL")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'staff.sqlite3'}"
        return
    assert POSTGRES_URL
    yield POSTGRES_URL
    engine = create_engine(POSTGRES_URL)
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def store(database_url: str) -> Iterator[StaffAccountStore]:
    with open_account_store(database_url) as opened:
        yield opened


def new_name() -> str:
    return f"anna-{secrets.token_hex(3)}"


def test_create_account(store: StaffAccountStore) -> None:
    name = new_name()
    expires = datetime.now(UTC) + timedelta(days=30)
    store.create(name, PASSWORD, expires)
    account = store.get(name)
    assert account is not None
    assert (account.role, account.active) == ("staff", True)
    assert account.expires_at is not None and account.expires_at.tzinfo is not None
    assert abs(account.expires_at - expires) < timedelta(seconds=1)
    assert account.may_sign_in()


def test_refuse_duplicate_username(store: StaffAccountStore) -> None:
    name = new_name()
    store.create(name, PASSWORD, None)
    with pytest.raises(InvalidAccount, match="already exists"):
        store.create(name, "another long password", None)


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("Anna", PASSWORD, "username"),
        ("a", PASSWORD, "username"),
        ("anna smit", PASSWORD, "username"),
        ("anna", "short", "password"),
    ],
)
def test_refuse_unusable_account(
    store: StaffAccountStore, username: str, password: str, reason: str
) -> None:
    with pytest.raises(InvalidAccount, match=reason):
        store.create(username, password, None)
    assert store.get(username) is None


def test_store_only_argon2id_hash(database_url: str, store: StaffAccountStore) -> None:
    name = new_name()
    store.create(name, PASSWORD, None)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT password_hash FROM staff_account WHERE username = :name"), {"name": name}
        ).scalar_one()
    engine.dispose()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_verify_password(store: StaffAccountStore) -> None:
    name = new_name()
    store.create(name, PASSWORD, None)
    account = store.check_password(name, PASSWORD)
    assert account is not None and account.username == name


def test_refuse_wrong_password(store: StaffAccountStore) -> None:
    name = new_name()
    store.create(name, PASSWORD, None)
    assert store.check_password(name, "wrong password!!") is None


def test_refuse_unknown_username(store: StaffAccountStore) -> None:
    assert store.check_password("nobody-here", PASSWORD) is None


def test_mark_expired_account(store: StaffAccountStore) -> None:
    name = new_name()
    store.create(name, PASSWORD, datetime.now(UTC) - timedelta(seconds=1))
    account = store.get(name)
    assert account is not None and account.expired() and not account.may_sign_in()


def test_deactivate_account(store: StaffAccountStore) -> None:
    name = new_name()
    store.create(name, PASSWORD, None)
    assert store.deactivate(name)
    account = store.get(name)
    assert account is not None and not account.active and not account.may_sign_in()
    assert not store.deactivate("nobody-here")


def test_keep_accounts_across_engines(database_url: str) -> None:
    """A new engine (a restarted gateway, the command line) sees the same accounts."""
    name = new_name()
    with open_account_store(database_url) as first:
        first.create(name, PASSWORD, None)
    with open_account_store(database_url) as second:
        assert second.check_password(name, PASSWORD) is not None
