"""The bot's Redis tracker store keeps what Rasa's own keeps, with a real Redis and Rasa 3.6."""

import json
import os
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[3]
BOT_PYTHON = REPO_ROOT / ".venv-bot" / "bin" / "python"
CHECK = Path(__file__).with_name("redis_tracker_check.py")


def run_check(redis_url: str) -> dict[str, Any]:
    url = urlsplit(redis_url)
    result = subprocess.run(
        [str(BOT_PYTHON), str(CHECK), str(url.hostname), str(url.port)],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "bot"), "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_save_tracker_keeps_what_rasa_keeps(redis_url: str) -> None:
    stored = run_check(redis_url)
    ours, rasas = stored["ours"], stored["rasa"]

    texts = [e.get("text") for e in ours["one_session"] if e["event"] == "user"]
    assert texts == ["a", "b"]
    # The second session's turn was saved from a tracker holding only that session.
    assert [e["event"] for e in ours["two_sessions"]].count("session_started") == 2
    assert [e.get("text") for e in ours["two_sessions"] if e["event"] == "user"] == ["a", "b", "c"]
    # A slot another writer set in between is kept, and so is the later message.
    last_two = ours["concurrent"][-2:]
    assert [(e["event"], e.get("value") or e.get("text")) for e in last_two] == [
        ("slot", "uk"),
        ("user", "d"),
    ]
    for case in ("one_session", "two_sessions", "concurrent"):
        assert ours[case] == rasas[case], case
    assert 0 < ours["ttl"] <= 300
