"""Conversations of a counsellor who may no longer work go back to the queue: in-process,
on a real Redis (tests/gateway/handoff/in_process.py)."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

import httpx

from gateway.handoff import keys
from gateway.handoff.accounts import StaffAccounts
from gateway.handoff.release import release_refused_holders
from gateway.handoff.service import HandoffService
from gateway.handoff.stats import today
from gateway.handoff.store import REQUEUED_CODE, HandoffState
from tests.gateway.handoff.in_process import (
    Scenario,
    new_staff,
    queue_scores,
    queue_up,
    status_codes,
)


def test_requeue_held_conversations_in_original_order(
    with_handoff: Callable[[Scenario], None],
) -> None:
    async def scenario(service: HandoffService, accounts: StaffAccounts) -> None:
        ann, bob = new_staff(accounts), new_staff(accounts)
        first = await queue_up(service)
        urgent = await queue_up(service, risk=True)
        bobs = await queue_up(service)
        last = await queue_up(service)
        original = await queue_scores(service)
        assert [cid for cid, _ in original] == [urgent, first, bobs, last]
        for conversation_id, staff in ((first, ann), (urgent, ann), (bobs, bob)):
            assert await service.claim(conversation_id, staff) is not None
        assert [cid for cid, _ in await queue_scores(service)] == [last]

        assert await service.requeue_held(ann) == 2

        # Risk first, then the oldest: exactly the places (scores) they had before the claim.
        assert await queue_scores(service) == [item for item in original if item[0] != bobs]
        assert [h.conversation_id for h in await service.store.waiting()] == [urgent, first, last]
        for conversation_id in (first, urgent):
            handoff = await service.store.get(conversation_id)
            assert handoff is not None and handoff.state == HandoffState.WAITING
            assert handoff.staff is None and handoff.claimed_at is None
            # The user is told through the stream (delivered exactly once, even after a crash).
            assert await status_codes(service, conversation_id) == ["handoff_joined", REQUEUED_CODE]
        assert await service.store.held_by(ann) == set()
        # A colleague's conversation stays where it is.
        assert await service.store.held_by(bob) == {bobs}
        kept = await service.store.get(bobs)
        assert kept is not None and kept.state == HandoffState.ACTIVE and kept.staff == bob
        # Another counsellor can take it again; the one who left can no longer write in it.
        assert await service.claim(first, bob) is not None
        assert await service.log.append_message(first, "staff", "hi", "a1", holder=ann) == "!"

    with_handoff(scenario)


def test_requeue_held_conversations_once_when_repeated(
    with_handoff: Callable[[Scenario], None],
) -> None:
    async def scenario(service: HandoffService, accounts: StaffAccounts) -> None:
        ann = new_staff(accounts)
        held = [await queue_up(service) for _ in range(3)]
        original = await queue_scores(service)
        for conversation_id in held:
            await service.claim(conversation_id, ann)

        # Two replicas at once (the command line and a heartbeat), then a repeat after a crash.
        async with httpx.AsyncClient(timeout=5) as http:
            other = HandoffService(service.settings, service.redis, http)
            counts = await asyncio.gather(service.requeue_held(ann), other.requeue_held(ann))
        assert sum(counts) == 3
        assert await service.requeue_held(ann) == 0

        assert await queue_scores(service) == original
        for conversation_id in held:
            assert await status_codes(service, conversation_id) == ["handoff_joined", REQUEUED_CODE]
        stats = await service.redis.hgetall(keys.stats(today()))
        assert stats["requeued"] == "3"

    with_handoff(scenario)


def test_requeue_conversation_queued_before_score_was_kept(
    with_handoff: Callable[[Scenario], None],
) -> None:
    async def scenario(service: HandoffService, accounts: StaffAccounts) -> None:
        ann = new_staff(accounts)
        older, urgent, newer = (
            await queue_up(service),
            await queue_up(service, risk=True),
            await queue_up(service),
        )
        original = dict(await queue_scores(service))
        for conversation_id in (older, urgent):
            await service.claim(conversation_id, ann)
            await service.redis.hdel(keys.handoff(conversation_id), "queue_score")

        assert await service.requeue_held(ann) == 2

        requeued = await queue_scores(service)
        assert [cid for cid, _ in requeued] == [urgent, older, newer]
        for conversation_id, score in requeued:  # from requested_at, to the millisecond
            assert abs(score - original[conversation_id]) <= 1

    with_handoff(scenario)


def test_drop_stale_hold_without_requeue(with_handoff: Callable[[Scenario], None]) -> None:
    async def scenario(service: HandoffService, accounts: StaffAccounts) -> None:
        ann, bob = new_staff(accounts), new_staff(accounts)
        moved, closed = await queue_up(service), await queue_up(service)
        for conversation_id in (moved, closed):
            await service.claim(conversation_id, ann)
        await service.presence.beat(f"{bob}|console")
        assert await service.transfer(moved, ann, bob)
        assert await service.close(closed, ann, "information_given")
        # Left in ann's set by a crash between two steps: it is bob's now, or closed.
        await service.redis.sadd(keys.held(ann), moved, closed)

        assert await service.requeue_held(ann) == 0

        assert await service.store.held_by(ann) == set()
        handoff = await service.store.get(moved)
        assert handoff is not None and handoff.state == HandoffState.ACTIVE and handoff.staff == bob
        assert REQUEUED_CODE not in await status_codes(service, moved)
        assert await queue_scores(service) == []

    with_handoff(scenario)


def test_release_conversations_of_refused_accounts_on_next_check(
    with_handoff: Callable[[Scenario], None],
) -> None:
    async def scenario(service: HandoffService, accounts: StaffAccounts) -> None:
        working = new_staff(accounts)
        deactivated = new_staff(accounts)
        expiring = new_staff(accounts, expires_in=timedelta(seconds=2))
        held = {name: await queue_up(service) for name in (working, deactivated, expiring)}
        for name, conversation_id in held.items():
            await service.claim(conversation_id, name)
        # Deactivated in SQL only, as when `staff deactivate` died before reaching Redis.
        assert accounts.store.deactivate(deactivated)
        assert await release_refused_holders(service, accounts) == 1

        await asyncio.sleep(2.1)  # the third account expires; no console of it is open
        assert await release_refused_holders(service, accounts) == 1
        assert await release_refused_holders(service, accounts) == 0

        assert [h.conversation_id for h in await service.store.waiting()] == [
            held[deactivated],
            held[expiring],
        ]
        assert await service.store.held_by(working) == {held[working]}
        assert await service.store.holders() == {working}

    with_handoff(scenario)
