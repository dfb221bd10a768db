"""Trains the Rasa model only when its inputs changed (fingerprint in the file name)."""

import fcntl
import hashlib
import os
import subprocess
from pathlib import Path

from stack.settings import REPO_ROOT

BOT_DIR = REPO_ROOT / "bot"
MODELS_DIR = BOT_DIR / "models"
TRAINING_INPUTS = ("config.yml", "domain", "data", "components")
LOCK_FILE = REPO_ROOT / "requirements" / "bot.lock"


def training_fingerprint() -> str:
    """A hash of every file the model is trained from, plus the bot environment's lock."""
    digest = hashlib.sha256()
    paths: list[Path] = [LOCK_FILE]
    for name in TRAINING_INPUTS:
        root = BOT_DIR / name
        if root.is_file():
            paths.append(root)
        elif root.is_dir():
            paths.extend(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(paths):
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(fingerprint: str) -> Path:
    return MODELS_DIR / f"hulpwijzer-{fingerprint}.tar.gz"


def bot_environment() -> dict[str, str]:
    """Rasa's environment: quiet TensorFlow, no telemetry, nothing from a hub."""
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "HF_HUB_OFFLINE": "1",
            "PYTHONPATH": str(BOT_DIR),
        }
    )
    return env


def ensure_model(bot_python: Path, log_file: Path | None = None) -> Path:
    """Return the model for the current inputs, training it first if it does not exist.

    A lock file makes concurrent callers (two test runs) wait for one training.
    """
    fingerprint = training_fingerprint()
    target = model_path(fingerprint)
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    with open(MODELS_DIR / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            train(bot_python, target, log_file)
            remove_old_models(keep=target)
    return target


def remove_old_models(keep: Path, newest: int = 3) -> None:
    """Keep a few recent models: another running stack may have been started from one."""
    models = sorted(MODELS_DIR.glob("hulpwijzer-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-newest]:
        if old != keep:
            old.unlink(missing_ok=True)


def train(bot_python: Path, target: Path, log_file: Path | None) -> None:
    """Run `rasa train` into `target` (a temporary name first, so a reader never sees half)."""
    partial = target.with_name(f"partial-{target.name}")
    command = [
        str(bot_python.absolute()), "-m", "rasa", "train",
        "--config", "config.yml", "--domain", "domain", "--data", "data",
        "--out", str(MODELS_DIR), "--fixed-model-name", partial.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    print(f"Training the Rasa model {target.name} (inputs changed); this takes a few minutes")
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
    output = open(log_file, "ab") if log_file else None  # noqa: SIM115 - closed below
    try:
        subprocess.run(
            command, cwd=BOT_DIR, env=bot_environment(), check=True, stdout=output, stderr=output
        )
    finally:
        if output:
            output.close()
    partial.rename(target)
