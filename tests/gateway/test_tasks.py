"""Background tasks end for sure, even one that swallows a cancellation (as redis-py can)."""

import asyncio
import time

from gateway.tasks import cancel_and_wait
from tests.gateway.handoff.clients import run_async


def test_cancel_task_that_swallows_cancellation() -> None:
    async def main() -> tuple[bool, float]:
        async def stubborn() -> None:
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                pass  # swallowed, like a cancellation landing mid-command in redis-py
            await asyncio.sleep(30)

        tasks = [asyncio.create_task(stubborn()), asyncio.create_task(asyncio.sleep(30))]
        await asyncio.sleep(0)
        started = time.monotonic()
        await cancel_and_wait([*tasks, None])
        return all(task.cancelled() for task in tasks), time.monotonic() - started

    cancelled, seconds = run_async(main)
    assert cancelled
    assert seconds < 5
