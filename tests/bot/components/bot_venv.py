"""Run a check script in the bot's own virtualenv (Rasa 3.6 needs Python 3.10) and read the
JSON it prints last."""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
BOT_PYTHON = REPO_ROOT / ".venv-bot" / "bin" / "python"


def run_check(script: Path) -> dict[str, Any]:
    result = subprocess.run(
        [str(BOT_PYTHON), str(script)],
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))
