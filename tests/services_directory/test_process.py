"""The real process: uvicorn --factory on a free port with a fresh database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def directory_process(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ)
    env["HW_DIRECTORY_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    env["HW_DIRECTORY_ENVIRONMENT"] = "development"
    uvicorn = Path(sys.executable).parent / "uvicorn"
    proc = subprocess.Popen(
        [
            str(uvicorn),
            "--factory",
            "services_directory.main:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                output = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"directory exited with {proc.returncode}:\n{output}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("directory did not become healthy within 30 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_start_directory_with_fresh_database(directory_process: str) -> None:
    health = httpx.get(f"{directory_process}/healthz").json()
    assert health["status"] == "ok"
    body = httpx.get(f"{directory_process}/api/v1/route", params={"postcode": "3511 AB"}).json()
    assert body["area"]["vt_region"] == {"code": "VT20", "name": "Utrecht"}
    assert body["services"][0]["phones"][0]["number"] == "112"
    error = httpx.get(f"{directory_process}/api/v1/route", params={"postcode": "9"})
    assert error.status_code == 422
    assert error.json()["code"] == "invalid_postcode"
