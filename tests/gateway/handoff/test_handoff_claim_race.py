"""Two counsellors claim the same conversation at the same moment: exactly one wins."""

import threading

import pytest

from tests.conftest import RunningStack
from tests.gateway.handoff.clients import StaffClient, UserClient, create_staff

pytestmark = pytest.mark.stack
ROUNDS = 5


def race(first: StaffClient, second: StaffClient, conversation_id: str) -> list[str]:
    """Both send `claim` released by one barrier; what each was told."""
    go = threading.Barrier(2)

    def claim(staff: StaffClient) -> None:
        go.wait()
        staff.claim(conversation_id)

    threads = [threading.Thread(target=claim, args=(staff,)) for staff in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [
        str(
            staff.wait_for(
                lambda f: (
                    f.get("conversation_id") == conversation_id
                    and f["type"] in ("conversation", "claim_failed")
                )
            )["type"]
        )
        for staff in (first, second)
    ]


def test_claim_conversation_once_when_two_staff_race(clean_handoff: RunningStack) -> None:
    stack = clean_handoff
    first, second = (StaffClient(stack, create_staff(stack, name)) for name in ("ann", "bob"))
    try:
        for _ in range(ROUNDS):
            user = UserClient(stack)
            user.request_handoff()
            user.wait_for(lambda f: f.get("code") == "handoff_waiting")
            cid = str(user.conversation_id)
            told = race(first, second, cid)
            assert sorted(told) == ["claim_failed", "conversation"]
            winner = first if told[0] == "conversation" else second
            winner.close_conversation(cid)
            user.wait_for(lambda f: f.get("code") == "handoff_closed")
            user.close()
    finally:
        first.close()
        second.close()
