"""Conversations of a counsellor who may no longer work go back to the queue.

A deactivated or expired account must not keep a victim waiting for someone who will never
answer. Three places requeue (HandoffService.requeue_held, safe to repeat):

- `hulpwijzer staff deactivate` at once (gateway/handoff/cli.py);
- an open console at its heartbeat, when it finds the account refused (staff_session.py);
- this check, on every replica every CHECK_SECONDS: the counsellor's console is closed, the
  account expired meanwhile, an attempt above was interrupted, or a transfer to the
  counsellor landed just as the console closed.
"""

import asyncio
import logging

from gateway.handoff.accounts import StaffAccounts
from gateway.handoff.service import HandoffService

logger = logging.getLogger(__name__)
CHECK_SECONDS = 30.0


async def release_refused_holders(service: HandoffService, accounts: StaffAccounts) -> int:
    """One pass: conversations held by accounts that may not sign in go back to the queue;
    how many went back."""
    requeued = 0
    for username in sorted(await service.store.holders()):
        if not await accounts.may_sign_in(username):
            requeued += await service.requeue_held(username)
    if requeued:
        logger.info("requeued %d conversations of refused staff accounts", requeued)
    return requeued


async def run_release_checks(
    service: HandoffService, accounts: StaffAccounts, interval: float = CHECK_SECONDS
) -> None:
    """The gateway's background task (lifespan): a pass now, then every `interval`."""
    while True:
        try:
            await release_refused_holders(service, accounts)
        except Exception as error:  # Redis or SQL away for a while: try again next time
            logger.warning("release check failed: %s", type(error).__name__)
        await asyncio.sleep(interval)
