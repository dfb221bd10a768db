"""Every handoff test starts and ends with an empty queue and nobody online."""

from collections.abc import Iterator

import pytest

from gateway.handoff import keys
from tests.conftest import RunningStack
from tests.gateway.handoff.clients import nobody_online, redis_command


@pytest.fixture
def clean_handoff(stack: RunningStack) -> Iterator[RunningStack]:
    nobody_online(stack)
    redis_command(stack, "DEL", keys.QUEUE)
    yield stack
    nobody_online(stack)
    redis_command(stack, "DEL", keys.QUEUE)
