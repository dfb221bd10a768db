"""Staff sign-in: accounts in SQL, lockout and sessions in a real Redis (no fakes).

Each test runs its coroutine on a fresh event loop in its own thread (`run_async`): in the
full suite, Playwright's sync API keeps an event loop running in the main thread, where
pytest-asyncio cannot start another one.
"""

import secrets
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis

from gateway.handoff import keys
from gateway.handoff.account_store import open_account_store
from gateway.handoff.accounts import LoginRefused, StaffAccounts, token_hash
from tests.gateway.handoff.clients import run_async

PASSWORD = "correct horse battery"
MAX_FAILED = 3


Scenario = Callable[[StaffAccounts], Awaitable[None]]


@pytest.fixture
def with_accounts(redis_url: str, tmp_path: Path) -> Callable[[Scenario], None]:
    """Runs a scenario against accounts in a fresh SQLite file and the test Redis."""

    def run(scenario: Scenario) -> None:
        async def main() -> None:
            redis = Redis.from_url(redis_url, decode_responses=True)
            try:
                with open_account_store(f"sqlite:///{tmp_path / 'staff.sqlite3'}") as store:
                    accounts = StaffAccounts(
                        store,
                        redis,
                        session_seconds=60,
                        max_failed_logins=MAX_FAILED,
                        lockout_seconds=60,
                    )
                    try:
                        await scenario(accounts)
                    finally:
                        accounts.close()
            finally:
                await redis.aclose()

        run_async(main)

    return run


def new_staff(accounts: StaffAccounts, expires_in: timedelta | None = None) -> str:
    name = f"bert-{secrets.token_hex(3)}"
    expires = datetime.now(UTC) + expires_in if expires_in is not None else None
    accounts.store.create(name, PASSWORD, expires)
    return name


def test_sign_in_staff(with_accounts: Callable[[Scenario], None], redis_url: str) -> None:
    async def scenario(accounts: StaffAccounts) -> None:
        name = new_staff(accounts, timedelta(days=1))
        token = await accounts.log_in(name, PASSWORD)
        assert await accounts.session_user(token) == name
        redis = Redis.from_url(redis_url, decode_responses=True)
        try:  # only the token's hash is stored, with the session's expiry
            assert await redis.get(keys.session(token)) is None
            assert 0 < await redis.ttl(keys.session(token_hash(token))) <= 60
        finally:
            await redis.aclose()
        await accounts.log_out(token)
        assert await accounts.session_user(token) is None

    with_accounts(scenario)


def test_refuse_wrong_password(with_accounts: Callable[[Scenario], None]) -> None:
    async def scenario(accounts: StaffAccounts) -> None:
        name = new_staff(accounts)
        with pytest.raises(LoginRefused) as refused:
            await accounts.log_in(name, "wrong password!!")
        assert refused.value.code == "invalid_credentials"

    with_accounts(scenario)


def test_lock_out_after_failed_logins(with_accounts: Callable[[Scenario], None]) -> None:
    async def scenario(accounts: StaffAccounts) -> None:
        name = new_staff(accounts)
        for _ in range(MAX_FAILED):
            with pytest.raises(LoginRefused):
                await accounts.log_in(name, "wrong password!!")
        with pytest.raises(LoginRefused) as refused:
            await accounts.log_in(name, PASSWORD)
        assert refused.value.code == "locked"

    with_accounts(scenario)


def test_refuse_expired_account(with_accounts: Callable[[Scenario], None]) -> None:
    async def scenario(accounts: StaffAccounts) -> None:
        name = new_staff(accounts, timedelta(seconds=-1))
        with pytest.raises(LoginRefused) as refused:
            await accounts.log_in(name, PASSWORD)
        assert refused.value.code == "expired"

    with_accounts(scenario)


def test_end_sessions_of_deactivated_account(with_accounts: Callable[[Scenario], None]) -> None:
    async def scenario(accounts: StaffAccounts) -> None:
        name = new_staff(accounts)
        token = await accounts.log_in(name, PASSWORD)
        assert accounts.store.deactivate(name)
        assert await accounts.session_user(token) is None
        assert not await accounts.may_sign_in(name)
        with pytest.raises(LoginRefused) as refused:
            await accounts.log_in(name, PASSWORD)
        assert refused.value.code == "invalid_credentials"  # says nothing about the account

    with_accounts(scenario)


def test_close_staff_accounts_stops_lookup_threads(
    with_accounts: Callable[[Scenario], None],
) -> None:
    async def scenario(accounts: StaffAccounts) -> None:
        name = new_staff(accounts)
        assert await accounts.may_sign_in(name)  # starts a look-up thread
        before = lookup_threads()
        assert before
        accounts.close()
        assert not lookup_threads() & before
        with pytest.raises(RuntimeError):  # a closed pool takes no more look-ups
            await accounts.may_sign_in(name)

    with_accounts(scenario)


def lookup_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("staff-accounts")}
