"""Staff sign-in: lockout, expiring sessions; the accounts themselves are in SQL.

Accounts (argon2id hash, role, expiry, active) live in the gateway's SQL database
(gateway/handoff/account_store.py), so they survive a Redis restart. Failed-login counters
and sessions are short-lived and stay in Redis: the session cookie is random, only its
SHA-256 is stored, with an expiry. A Redis restart therefore signs everyone out.
Every use of a session checks the account again, so a deactivated or expired account's
sessions stop working at once.
"""

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import cast

from redis.asyncio import Redis

from gateway.handoff import keys
from gateway.handoff.account_store import STAFF_ROLE, StaffAccountStore

# Account look-ups (every staff action, heartbeat and HTTP request waits for one) get threads
# of their own: in asyncio's default pool they queued behind the safety net's embeddings
# (gateway/chat.py), and a busy chat held every counsellor's messages for seconds.
LOOKUP_THREADS = 2


class LoginRefused(Exception):
    """`code` is one of invalid_credentials, locked, expired (never says which user exists)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class StaffAccounts:
    def __init__(
        self,
        store: StaffAccountStore,
        redis: Redis,
        session_seconds: int,
        max_failed_logins: int,
        lockout_seconds: int,
    ) -> None:
        self.store = store
        self._redis = redis
        self._session_seconds = session_seconds
        self._max_failed = max_failed_logins
        self._lockout_seconds = lockout_seconds
        self._lookups = ThreadPoolExecutor(LOOKUP_THREADS, thread_name_prefix="staff-accounts")

    async def log_in(self, username: str, password: str) -> str:
        """A new session token, or LoginRefused."""
        failed_key = keys.failed_logins(username)
        failures = int(await self._redis.get(failed_key) or 0)
        if failures >= self._max_failed:
            raise LoginRefused("locked")
        # argon2 and SQL off the event loop: other chats go on meanwhile.
        account = await asyncio.to_thread(self.store.check_password, username, password)
        if account is None or not account.active or account.role != STAFF_ROLE:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(failed_key)
                pipe.expire(failed_key, self._lockout_seconds)
                await pipe.execute()
            raise LoginRefused("invalid_credentials")
        if account.expired():
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
        if not username or not await self.may_sign_in(username):
            return None
        return str(username)

    async def may_sign_in(self, username: str) -> bool:
        """The account exists, is active, has the staff role and has not expired."""
        loop = asyncio.get_running_loop()
        account = await loop.run_in_executor(self._lookups, self.store.get, username)
        return account is not None and account.may_sign_in()

    async def log_out(self, token: str) -> None:
        await self._redis.delete(keys.session(token_hash(token)))

    def close(self) -> None:
        """Stops the look-up threads (after the running look-ups end)."""
        self._lookups.shutdown(wait=True)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
