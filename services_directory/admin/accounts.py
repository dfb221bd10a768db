"""Admin accounts, login with lockout, sessions with expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services_directory.models import AdminSession, AdminUser
from services_directory.security import hash_password, new_token, token_digest, verify_password
from services_directory.settings import Settings

ROLES = ("admin", "editor")


class LoginError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LoggedIn:
    token: str
    csrf_token: str
    user: AdminUser


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; they were stored as UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def create_account(session: Session, username: str, password: str, role: str) -> AdminUser:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    username = username.strip()
    if (
        not username
        or len(username) > 80
        or not username.replace("-", "").replace(".", "").replace("_", "").isalnum()
    ):
        raise ValueError("a username is 1-80 letters, digits, '.', '-' or '_'")
    if session.scalar(select(AdminUser).where(AdminUser.username == username)):
        raise ValueError(f"account {username} already exists")
    user = AdminUser(
        username=username, password_hash=hash_password(password), role=role, created_at=utcnow()
    )
    session.add(user)
    session.flush()
    return user


def log_in(session: Session, settings: Settings, username: str, password: str) -> LoggedIn:
    """Check the password; lock the account after repeated failures."""
    now = utcnow()
    user = session.scalar(select(AdminUser).where(AdminUser.username == username))
    if user is not None and user.locked_until and _aware(user.locked_until) > now:
        raise LoginError("account_locked", "too many failed logins; try again later")
    if not verify_password(user.password_hash if user else None, password) or user is None:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= settings.lockout_failures:
                user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                user.failed_logins = 0
        raise LoginError("invalid_credentials", "wrong username or password")
    if not user.active:
        raise LoginError("invalid_credentials", "wrong username or password")
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(AdminSession).where(AdminSession.expires_at < now))
    token, csrf = new_token(), new_token()
    session.add(
        AdminSession(
            token_hash=token_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + timedelta(hours=settings.session_hours),
        )
    )
    return LoggedIn(token, csrf, user)


def session_for(session: Session, token: str | None) -> AdminSession | None:
    if not token or len(token) > 200:
        return None
    found = session.get(AdminSession, token_digest(token))
    if found is None or _aware(found.expires_at) <= utcnow() or not found.user.active:
        return None
    return found


def log_out(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(AdminSession).where(AdminSession.token_hash == token_digest(token)))
