"""`make run` (python -m stack.run): health, run.json, refusal to start twice, Ctrl-C."""

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from stack.settings import REPO_ROOT
from stack.supervisor import free_port, port_is_busy
from stack.training import ensure_model

pytestmark = pytest.mark.stack
PROCESSES = ("redis", "rasa", "actions", "directory", "gateway")


def test_run_whole_stack_until_interrupted(tmp_path: Path) -> None:
    ensure_model(REPO_ROOT / ".venv-bot" / "bin" / "python")  # so the wait below is start-up
    ports = {name: free_port() for name in PROCESSES}
    env = dict(os.environ, HW_VAR_DIR=str(tmp_path))
    env.update({f"HW_{name.upper()}_PORT": str(port) for name, port in ports.items()})
    command = [sys.executable, "-m", "stack.run"]
    log = open(tmp_path / "run.out", "w+")  # noqa: SIM115 - closed in finally
    first = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    run_json = tmp_path / "run.json"
    try:
        deadline = time.monotonic() + 240
        while not run_json.exists():
            assert first.poll() is None, (tmp_path / "run.out").read_text()
            assert time.monotonic() < deadline, "stack did not start in 240 s"
            time.sleep(1)
        time.sleep(0.5)

        assert stat.S_IMODE(run_json.stat().st_mode) == 0o600
        urls = json.loads(run_json.read_text())
        assert set(urls) == {
            "gateway_url", "directory_url", "rasa_url", "rasa_token", "actions_url", "redis_url"
        }  # fmt: skip
        assert urls["gateway_url"] == f"http://127.0.0.1:{ports['gateway']}"
        health = httpx.get(f"{urls['gateway_url']}/healthz", timeout=10).json()
        assert health["status"] == "ok"
        output = (tmp_path / "run.out").read_text()
        assert urls["gateway_url"] in output
        for name in PROCESSES:
            assert name in output

        second = subprocess.run(
            command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 0
        assert "already running" in second.stdout
        assert urls["gateway_url"] in second.stdout

        first.send_signal(signal.SIGINT)
        assert first.wait(timeout=60) == 0
        assert not run_json.exists()
        assert not any(port_is_busy("127.0.0.1", port) for port in ports.values())
    finally:
        if first.poll() is None:
            first.kill()
        log.close()
