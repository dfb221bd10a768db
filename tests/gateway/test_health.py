"""GET /healthz reports each dependency for real."""

import httpx
import pytest

from tests.conftest import RunningStack

pytestmark = pytest.mark.stack


def test_report_every_dependency_healthy(stack: RunningStack) -> None:
    response = httpx.get(f"{stack.urls.gateway_url}/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"redis": "ok", "rasa": "ok", "actions": "ok", "directory": "ok"},
    }


def test_report_directory_down(stack: RunningStack) -> None:
    stack.supervisor.stop("directory")
    try:
        response = httpx.get(f"{stack.urls.gateway_url}/healthz", timeout=10)
        body = response.json()
        assert response.status_code == 503
        assert body["status"] == "degraded"
        assert body["checks"]["directory"].startswith("unreachable")
        assert body["checks"]["rasa"] == "ok"
    finally:
        stack.supervisor.start(stack.supervisor.specs["directory"])
        stack.supervisor.wait_ready(["directory"])
