"""Staff accounts in SQL: create, look up, check a password, deactivate.

Synchronous (SQLAlchemy sessions, argon2 work): the gateway calls it through
`asyncio.to_thread`, the command line directly. Sessions and failed-login counters are
short-lived and stay in Redis (gateway/handoff/accounts.py).
"""

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gateway.db import make_engine, make_session_factory
from gateway.handoff.account_models import Base, StaffAccountRow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_CHARS = 12
STAFF_ROLE = "staff"


class InvalidAccount(ValueError):
    """A username or password that cannot be used; the message says why."""


@dataclass(frozen=True)
class StaffAccount:
    username: str
    role: str
    expires_at: datetime | None
    active: bool

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or datetime.now(UTC))

    def may_sign_in(self, now: datetime | None = None) -> bool:
        return self.active and self.role == STAFF_ROLE and not self.expired(now)


def create_tables(engine: Engine) -> None:
    """Create the staff table where missing (idempotent; no Alembic in the gateway)."""
    Base.metadata.create_all(engine)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite returns naive times; every time is stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def account_from(row: StaffAccountRow) -> StaffAccount:
    return StaffAccount(row.username, row.role, as_utc(row.expires_at), row.active)


class StaffAccountStore:
    def __init__(self, sessions: sessionmaker[Session], hasher: PasswordHasher | None = None):
        self._sessions = sessions
        self._hasher = hasher or PasswordHasher()
        # Verified against for unknown usernames, so timing does not reveal which exist.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    def create(
        self, username: str, password: str, expires_at: datetime | None, role: str = STAFF_ROLE
    ) -> StaffAccount:
        if not USERNAME.match(username):
            raise InvalidAccount(
                "username: 2-40 characters, lower-case letters, digits, '.', '_' or '-'"
            )
        if len(password) < MIN_PASSWORD_CHARS:
            raise InvalidAccount(f"password: at least {MIN_PASSWORD_CHARS} characters")
        if expires_at is not None and expires_at.tzinfo is None:
            raise InvalidAccount("expires_at must carry a time zone")
        expires_utc = expires_at.astimezone(UTC) if expires_at else None
        row = StaffAccountRow(
            username=username,
            password_hash=self._hasher.hash(password),
            role=role,
            expires_at=expires_utc,
            active=True,
            created_at=datetime.now(UTC),
        )
        try:
            with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            raise InvalidAccount(f"username: {username!r} already exists") from None
        return StaffAccount(username, role, expires_utc, True)

    def get(self, username: str) -> StaffAccount | None:
        with self._sessions() as session:
            row = self._row(session, username)
            return account_from(row) if row else None

    def check_password(self, username: str, password: str) -> StaffAccount | None:
        """The account when the password is right; None otherwise, after the same work."""
        with self._sessions() as session:
            row = self._row(session, username)
            account = account_from(row) if row else None
            stored_hash = row.password_hash if row else self._dummy_hash
        try:
            self._hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return account

    def deactivate(self, username: str) -> bool:
        """False when there is no such account."""
        with self._sessions.begin() as session:
            row = self._row(session, username)
            if row is None:
                return False
            row.active = False
        return True

    @staticmethod
    def _row(session: Session, username: str) -> StaffAccountRow | None:
        found = select(StaffAccountRow).where(StaffAccountRow.username == username)
        return session.scalars(found).one_or_none()


@contextmanager
def open_account_store(database_url: str) -> Iterator[StaffAccountStore]:
    """A store on its own engine, tables created (the command line, tests, benchmarks)."""
    engine = make_engine(database_url)
    try:
        create_tables(engine)
        yield StaffAccountStore(make_session_factory(engine))
    finally:
        engine.dispose()
