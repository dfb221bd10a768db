"""Fixtures of the handoff tests: a clean queue with nobody online on the stack, and
scenarios in-process on the test's own Redis."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.handoff import keys
from tests.conftest import RunningStack
from tests.gateway.handoff.clients import nobody_online, redis_command
from tests.gateway.handoff.in_process import Scenario, run_scenario


@pytest.fixture
def clean_handoff(stack: RunningStack) -> Iterator[RunningStack]:
    nobody_online(stack)
    redis_command(stack, "DEL", keys.QUEUE)
    yield stack
    nobody_online(stack)
    redis_command(stack, "DEL", keys.QUEUE)


@pytest.fixture
def with_handoff(redis_url: str, tmp_path: Path) -> Callable[[Scenario], None]:
    """Runs a scenario in-process on the test's own Redis (tests/gateway/handoff/in_process.py)."""

    def run(scenario: Scenario) -> None:
        run_scenario(redis_url, tmp_path / "staff.sqlite3", scenario)

    return run
