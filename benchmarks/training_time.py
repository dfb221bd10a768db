"""Time to train the full Rasa model (NLU + core) from bot/, as CI does.

.venv-bot/bin/python benchmarks/training_time.py            # with the embedding cache
.venv-bot/bin/python benchmarks/training_time.py --cold     # without: as a fresh CI run
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE = REPO_ROOT / "var" / "cache" / "e5-embeddings.sqlite3"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cold", action="store_true", help="move the embedding cache aside")
    args = parser.parse_args()
    moved = CACHE.with_suffix(".aside")
    if args.cold and CACHE.exists():
        CACHE.rename(moved)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO_ROOT / "bot")}  # fmt: skip
    try:
        with tempfile.TemporaryDirectory() as out:
            # An empty graph cache too: nothing reused from earlier trainings but embeddings.
            env["RASA_CACHE_DIRECTORY"] = str(Path(out) / "rasa-cache")
            started = time.monotonic()
            result = subprocess.run(
                [sys.executable, "-m", "rasa", "train", "--force", "--out", out,
                 "--config", "config.yml", "--domain", "domain", "--data", "data"],
                cwd=REPO_ROOT / "bot", env=env, capture_output=True, text=True,
            )  # fmt: skip
            elapsed = time.monotonic() - started
            if result.returncode != 0:
                print(result.stdout[-2000:], result.stderr[-2000:])
                return 1
    finally:
        if args.cold:
            CACHE.unlink(missing_ok=True)
            if moved.exists():
                moved.rename(CACHE)
    print(f"full training ({'cold' if args.cold else 'warm'} embedding cache): {elapsed:.0f} s")
    print("command:", " ".join(["python", *sys.argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
