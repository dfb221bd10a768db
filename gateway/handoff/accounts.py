"""Staff accounts: argon2 password hashes, account expiry, lockout, expiring sessions.

Accounts live in Redis under hw:staff:account:<username> (no expiry; they hold no data
about victims). The session cookie is random; only its SHA-256 is stored, with an expiry.
"""

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from redis.asyncio import Redis

from gateway.handoff import keys

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_CHARS = 12
STAFF_ROLE = "staff"


class LoginRefused(Exception):
    """`code` is one of invalid_credentials, locked, expired (never says which user exists)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class InvalidAccount(ValueError):
    """A username or password that cannot be used; the message says why."""


@dataclass(frozen=True)
class StaffAccount:
    username: str
    role: str
    expires_at: datetime | None
    active: bool


class StaffAccounts:
    def __init__(
        self,
        redis: Redis,
        session_seconds: int,
        max_failed_logins: int,
        lockout_seconds: int,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._redis = redis
        self._session_seconds = session_seconds
        self._max_failed = max_failed_logins
        self._lockout_seconds = lockout_seconds
        self._hasher = hasher or PasswordHasher()
        # Verified against for unknown usernames, so timing does not reveal which exist.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    async def create(
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
        values: dict[Any, Any] = {
            "password_hash": self._hasher.hash(password),
            "role": role,
            "expires_at": expires_at.isoformat() if expires_at else "",
            "active": "1",
        }
        if not await self._redis.hsetnx(keys.account(username), "role", role):
            raise InvalidAccount(f"username: {username!r} already exists")
        await self._redis.hset(keys.account(username), mapping=values)
        return StaffAccount(username, role, expires_at, True)

    async def get(self, username: str) -> StaffAccount | None:
        values = cast(dict[str, str], await self._redis.hgetall(keys.account(username)))
        if not values.get("password_hash"):
            return None
        expires = values.get("expires_at")
        return StaffAccount(
            username=username,
            role=values.get("role", ""),
            expires_at=datetime.fromisoformat(expires) if expires else None,
            active=values.get("active") == "1",
        )

    async def deactivate(self, username: str) -> None:
        await self._redis.hset(keys.account(username), "active", "0")

    async def log_in(self, username: str, password: str) -> str:
        """A new session token, or LoginRefused."""
        failed_key = keys.failed_logins(username)
        failures = int(await self._redis.get(failed_key) or 0)
        if failures >= self._max_failed:
            raise LoginRefused("locked")
        values = cast(dict[str, str], await self._redis.hgetall(keys.account(username)))
        stored_hash = values.get("password_hash") or self._dummy_hash
        try:
            self._hasher.verify(stored_hash, password)
            known = bool(values.get("password_hash"))
        except (VerificationError, InvalidHashError):
            known = False
        if not known or values.get("role") != STAFF_ROLE or values.get("active") != "1":
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(failed_key)
                pipe.expire(failed_key, self._lockout_seconds)
                await pipe.execute()
            raise LoginRefused("invalid_credentials")
        expires = values.get("expires_at")
        if expires and datetime.fromisoformat(expires) <= datetime.now(UTC):
            raise LoginRefused("expired")
        await self._redis.delete(failed_key)
        token = secrets.token_urlsafe(32)
        await self._redis.set(keys.session(token_hash(token)), username, ex=self._session_seconds)
        return token

    async def session_user(self, token: str | None) -> str | None:
        """The username of a live session, or None (expired, logged out, account disabled)."""
        if not token:
            return None
        username = cast(str | None, await self._redis.get(keys.session(token_hash(token))))
        if not username:
            return None
        account = await self.get(username)
        if account is None or not account.active or account.role != STAFF_ROLE:
            return None
        if account.expires_at and account.expires_at <= datetime.now(UTC):
            return None
        return str(username)

    async def log_out(self, token: str) -> None:
        await self._redis.delete(keys.session(token_hash(token)))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def now_ms() -> int:
    return int(time.time() * 1000)
