"""`hulpwijzer staff create|deactivate` against the gateway's SQL database (and, to put a
deactivated counsellor's conversations back in the queue, the test's own real Redis)."""

import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import Result
from redis.asyncio import Redis
from typer.testing import CliRunner

from gateway.handoff.account_store import open_account_store
from gateway.handoff.store import HandoffState, HandoffStore
from stack.cli import app
from stack.supervisor import free_port
from tests.gateway.handoff.clients import run_async

PASSWORD = "correct horse battery"


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'staff.sqlite3'}"
    monkeypatch.setenv("HW_GATEWAY_STAFF_DATABASE_URL", url)
    return url


@pytest.fixture
def cli_redis(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The command line's Redis is the test's own; Rasa is a closed port (fails fast)."""
    monkeypatch.setenv("HW_GATEWAY_REDIS_URL", redis_url)
    monkeypatch.setenv("HW_GATEWAY_RASA_URL", f"http://127.0.0.1:{free_port()}")
    return redis_url


def invoke(*args: str) -> Result:
    """In its own thread: the command runs asyncio, and in the full suite this thread's
    event loop belongs to Playwright."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(CliRunner().invoke, app, list(args)).result()


def test_create_staff_account_from_command_line(database_url: str) -> None:
    result = CliRunner().invoke(
        app, ["staff", "create", "carla", "--valid-days", "30"], input=f"{PASSWORD}\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    with open_account_store(database_url) as store:
        account = store.check_password("carla", PASSWORD)
    assert account is not None and account.may_sign_in()


def test_refuse_short_password_from_command_line(database_url: str) -> None:
    result = CliRunner().invoke(app, ["staff", "create", "carla"], input="short\nshort\n")
    assert result.exit_code == 1
    assert "Not created: password" in result.output


def test_deactivate_staff_account_from_command_line(database_url: str, cli_redis: str) -> None:
    with open_account_store(database_url) as store:
        store.create("dirk", PASSWORD, None)
    result = invoke("staff", "deactivate", "dirk")
    assert result.exit_code == 0, result.output
    with open_account_store(database_url) as store:
        account = store.get("dirk")
    assert account is not None and not account.active
    unknown = invoke("staff", "deactivate", "nobody-here")
    assert unknown.exit_code == 1


def test_requeue_held_conversations_on_deactivation_from_command_line(
    database_url: str, cli_redis: str
) -> None:
    with open_account_store(database_url) as store:
        store.create("dirk", PASSWORD, None)
    held, waiting = secrets.token_hex(8), secrets.token_hex(8)

    async def hold() -> list[str]:
        redis = Redis.from_url(cli_redis, decode_responses=True)
        try:
            await redis.flushdb()
            store = HandoffStore(redis, ttl_seconds=600, closed_retention_seconds=60)
            for conversation_id in (held, waiting):
                assert await store.open(conversation_id, "en", "general", False, True)
            assert await store.claim(held, "dirk")
            return [h.conversation_id for h in await store.waiting()]
        finally:
            await redis.aclose()

    assert run_async(hold) == [waiting]

    result = invoke("staff", "deactivate", "dirk")
    assert result.exit_code == 0, result.output
    assert "1 held conversation(s) back in the queue" in result.output
    assert held not in result.output  # counts only

    async def queue() -> tuple[list[str], HandoffState | None]:
        redis = Redis.from_url(cli_redis, decode_responses=True)
        try:
            store = HandoffStore(redis, ttl_seconds=600, closed_retention_seconds=60)
            handoff = await store.get(held)
            return (
                [h.conversation_id for h in await store.waiting()],
                handoff.state if handoff else None,
            )
        finally:
            await redis.aclose()

    assert run_async(queue) == ([held, waiting], HandoffState.WAITING)  # its original place
    again = invoke("staff", "deactivate", "dirk")  # safe to repeat
    assert again.exit_code == 0, again.output
    assert "0 held conversation(s)" in again.output
    assert run_async(queue) == ([held, waiting], HandoffState.WAITING)


def test_deactivate_staff_account_without_redis(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HW_GATEWAY_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    with open_account_store(database_url) as store:
        store.create("dirk", PASSWORD, None)
    result = invoke("staff", "deactivate", "dirk")
    # The account is off; the gateway's release check puts its conversations back.
    assert result.exit_code == 0, result.output
    assert "Redis could not be reached" in result.output
    with open_account_store(database_url) as store:
        account = store.get("dirk")
    assert account is not None and not account.active
