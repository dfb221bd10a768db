"""E5NgramIntentClassifier's n-gram vocabulary with bot/config.yml's minimum document frequency."""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
BOT_PYTHON = REPO_ROOT / ".venv-bot" / "bin" / "python"
CHECK = Path(__file__).with_name("intent_classifier_check.py")


def run_check() -> dict[str, Any]:
    result = subprocess.run(
        [str(BOT_PYTHON), str(CHECK)],
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_drop_ngrams_rarer_than_min_df() -> None:
    # min_df 3 was chosen on the eighteenth blind split (docs/nlu.md): same crisis recall,
    # fewer false alarms, a faster fit.
    checked = run_check()
    assert checked["min_df"] == 3
    assert "knife" in checked["words"]
    assert "zebra" not in checked["words"]
    assert "giraffe" not in checked["words"]
    assert checked["char_ngrams"] > 0
