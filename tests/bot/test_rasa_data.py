"""Rasa's own checks on the bot's data, run in the bot venv.

`rasa data validate` does not see a rule contradicting a story; only training does, so a
core-only training (no NLU, about a minute) is part of the suite as well.
"""

import os
import subprocess
from pathlib import Path

from stack.training import ensure_model

REPO_ROOT = Path(__file__).resolve().parents[2]
BOT_DIR = REPO_ROOT / "bot"
BOT_PYTHON = REPO_ROOT / ".venv-bot" / "bin" / "python"


def rasa(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(BOT_DIR),
    }
    return subprocess.run(
        [str(BOT_PYTHON), "-m", "rasa", *args],
        cwd=BOT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_validate_bot_data() -> None:
    result = rasa(
        "data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "No story structure conflicts found" in output
    assert "labeled with multiple different intents" not in output


def test_train_core_without_contradictions(tmp_path: Path) -> None:
    result = rasa(
        "train", "core", "--config", "config.yml", "--domain", "domain",
        "--stories", "data", "--out", str(tmp_path), "--fixed-model-name", "core",
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Contradicting rules or stories found" not in output
    assert (tmp_path / "core.tar.gz").exists()


def test_pass_conversation_stories(tmp_path: Path) -> None:
    """tests/conversations/<topic>/user_<does_x>.yml against the trained model (Rasa's own
    `rasa test core`, failing on any prediction error)."""
    model = ensure_model(BOT_PYTHON, tmp_path / "train.log")
    stories = REPO_ROOT / "tests" / "conversations"
    result = rasa(
        "test", "core", "--model", str(model), "--stories", str(stories),
        "--out", str(tmp_path / "results"), "--fail-on-prediction-errors",
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Finished evaluation" in output or "Evaluation Results" in output, output[-2000:]
