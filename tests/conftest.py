"""Shared fixtures: the real stack on free ports, and headless Chromium."""

import json
import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from playwright.sync_api import Browser, Page, sync_playwright

from stack.e5_model import build_e5_model
from stack.processes import StackUrls, process_specs, stack_urls, staff_database_url
from stack.settings import StackSettings
from stack.supervisor import Supervisor, free_port
from stack.training import ensure_model

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class RunningStack:
    urls: StackUrls
    supervisor: Supervisor
    var_dir: Path
    # The gateway's staff accounts (SQLite in var_dir): tests create accounts here.
    staff_database_url: str

    def rasa_tracker(self, conversation_id: str) -> dict[str, Any]:
        response = httpx.get(
            f"{self.urls.rasa_url}/conversations/{conversation_id}/tracker",
            params={"token": self.urls.rasa_token},
            timeout=10,
        )
        response.raise_for_status()
        tracker: dict[str, Any] = response.json()
        return tracker

    def rasa_intent(self, text: str) -> str:
        """The intent Rasa's own `/model/parse` serves for `text` (nlu_fallback included)."""
        response = httpx.post(
            f"{self.urls.rasa_url}/model/parse",
            params={"token": self.urls.rasa_token},
            json={"text": text},
            timeout=30,
        )
        response.raise_for_status()
        intent: str = response.json()["intent"]["name"]
        return intent


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """Redis, directory, actions, Rasa and gateway, really running, on free ports."""
    var_dir = tmp_path_factory.mktemp("stack")
    settings = StackSettings(
        var_dir=var_dir,
        redis_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        directory_port=free_port(),
        gateway_port=free_port(),
        rasa_token=secrets.token_hex(16),
        gateway_staff_database_url=f"sqlite:///{var_dir / 'staff.sqlite3'}",
        # One worker keeps the suite's memory and start-up down; tests/stack/test_run.py
        # starts `make run` with the default two.
        rasa_workers=1,
    )
    model = ensure_model(settings.bot_python, var_dir / "logs" / "train.log")
    build_e5_model()
    supervisor = Supervisor(var_dir / "logs")
    try:
        supervisor.start_all(process_specs(settings, model))
        (var_dir / "run.json").write_text(json.dumps(stack_urls(settings).__dict__))
        yield RunningStack(
            urls=stack_urls(settings),
            supervisor=supervisor,
            var_dir=var_dir,
            staff_database_url=staff_database_url(settings),
        )
    finally:
        supervisor.stop_all()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis server of its own (memory only), for tests below the whole stack."""
    port = free_port()
    directory = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context per test: no state carried between tests."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
