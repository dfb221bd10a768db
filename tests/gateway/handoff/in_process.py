"""The handoff below the whole stack: a HandoffService and staff accounts in-process, on the
test's own real Redis (`redis_url`) and a SQLite file; Rasa is a closed port, so resuming or
pausing the bot fails fast and is only logged.

Each scenario runs with `run_async` (see tests/gateway/handoff/test_accounts.py for why).
"""

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
from redis.asyncio import Redis

from gateway.handoff import keys
from gateway.handoff.account_store import open_account_store
from gateway.handoff.accounts import StaffAccounts
from gateway.handoff.service import HandoffService
from gateway.settings import GatewaySettings
from stack.supervisor import free_port
from tests.gateway.handoff.clients import PASSWORD, run_async

Scenario = Callable[[HandoffService, StaffAccounts], Awaitable[None]]


def run_scenario(redis_url: str, database: Path, scenario: Scenario) -> None:
    """`scenario` against an emptied test Redis and the accounts in `database` (SQLite)."""

    async def main() -> None:
        redis = Redis.from_url(redis_url, decode_responses=True)
        await redis.flushdb()
        settings = GatewaySettings(redis_url=redis_url, rasa_url=f"http://127.0.0.1:{free_port()}")
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                service = HandoffService(settings, redis, http)
                with open_account_store(f"sqlite:///{database}") as store:
                    accounts = StaffAccounts(store, redis, 60, 5, 60)
                    try:
                        await scenario(service, accounts)
                    finally:
                        accounts.close()
        finally:
            await redis.aclose()

    run_async(main)


def new_staff(accounts: StaffAccounts, expires_in: timedelta = timedelta(days=1)) -> str:
    name = f"staff-{secrets.token_hex(3)}"
    accounts.store.create(name, PASSWORD, datetime.now(UTC) + expires_in)
    return name


async def queue_up(service: HandoffService, risk: bool = False) -> str:
    """A new conversation waiting in the queue; its id."""
    conversation_id = secrets.token_hex(8)
    assert await service.request(conversation_id, "en", "general", risk, consent=True)
    await asyncio.sleep(0.005)  # distinct request times, so the order is the request order
    return conversation_id


async def queue_scores(service: HandoffService) -> list[tuple[str, float]]:
    """The waiting queue as Redis holds it, in order, with each place (score)."""
    return cast(
        list[tuple[str, float]], await service.redis.zrange(keys.QUEUE, 0, -1, withscores=True)
    )


async def status_codes(service: HandoffService, conversation_id: str) -> list[str]:
    """The status entries of the conversation's handoff stream, in order."""
    entries: Any = await service.redis.xrange(keys.log(conversation_id))
    return [fields["code"] for _, fields in entries if fields.get("kind") == "status"]
