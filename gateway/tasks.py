"""Ending background tasks for sure.

redis-py (8.1) can swallow a cancellation that lands while a command is in flight: the
task carries on as if nothing happened (a loop then runs forever). Seen with the staff
console's event loop, cancelled right after it handled an event; redis/redis-py#2028 and
#2551 describe the same class of bug in earlier versions.
"""

import asyncio
from collections.abc import Iterable
from typing import Any

# How long an ended task may take to unwind before it is cancelled again.
RECANCEL_SECONDS = 1.0


async def cancel_and_wait(tasks: Iterable[asyncio.Task[Any] | None]) -> None:
    """Cancel the tasks and wait until every one has ended, cancelling again as needed."""
    pending = {task for task in tasks if task is not None}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=RECANCEL_SECONDS)
