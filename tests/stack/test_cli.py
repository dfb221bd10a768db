"""`hulpwijzer` joins the directory and staff commands under one name."""

import os
import subprocess
import sys
from pathlib import Path

from stack.settings import REPO_ROOT


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stack.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_list_directory_and_staff_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "directory" in result.stdout and "staff" in result.stdout


def test_verify_directory_from_fresh_database(tmp_path: Path) -> None:
    result = run_cli(
        "directory", "verify", env={"HW_DIRECTORY_DATABASE_URL": f"sqlite:///{tmp_path}/d.sqlite3"}
    )
    assert result.returncode == 0, result.stderr
    assert "4081 PC4s routed, 0 problem(s)" in result.stdout


def test_refuse_unknown_command() -> None:
    result = run_cli("directory", "explode")
    assert result.returncode != 0
    assert "explode" in result.stderr
