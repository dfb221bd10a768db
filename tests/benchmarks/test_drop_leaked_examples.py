"""Cleaning a data round: appended examples a live split has, or the file already has, go;
everything else, and every line above the old end, stays."""

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.drop_leaked_examples import NotAppendOnly, at_revision, clean_appended
from benchmarks.retire_split import REPO, key

OLD = [
    'version: "3.1"',
    "nlu:",
    "  - intent: greet",
    "    examples: |",
    "      - hallo",
]


def test_clean_appended_drops_live_and_repeated_examples() -> None:
    appended = [
        "  # Data round 99",
        "  - intent: immediate_danger",
        "    examples: |",
        "      - Hij Staat  voor de deur",  # in a live split, other case and spacing
        "      - HALLO",  # already in the file
        "      - hij heeft een mes",
        "      - hij heeft een mes",  # repeated within the round
    ]
    live = {key("hij staat voor de deur")}

    kept, dropped = clean_appended(OLD, OLD + appended, live)

    assert dropped == 3
    assert kept == OLD + appended[:3] + ["      - hij heeft een mes"]


def test_clean_appended_keeps_intent_lines_matching_live_text() -> None:
    appended = ["  - intent: greet", "    examples: |", "      - goeiemorgen"]

    kept, dropped = clean_appended(OLD, OLD + appended, {key("- intent: greet"), "greet"})

    assert (kept, dropped) == (OLD + appended, 0)


def test_clean_appended_refuses_edits_above_the_old_end() -> None:
    edited = OLD[:-1] + ["      - hallo daar", "      - nieuw"]

    with pytest.raises(NotAppendOnly):
        clean_appended(OLD, edited, set())


def test_at_revision_reads_committed_file_or_nothing(tmp_path: Path) -> None:
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    data = tmp_path / "nl.yml"
    data.write_text("\n".join(OLD) + "\n", encoding="utf-8")
    subprocess.run([*git, "add", "nl.yml"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "data"], check=True)
    data.write_text("\n".join([*OLD, "      - nieuw"]) + "\n", encoding="utf-8")

    assert at_revision(data, "HEAD", tmp_path) == OLD
    assert at_revision(tmp_path / "missing.yml", "HEAD", tmp_path) == []


def test_drop_leaked_examples_rejects_unknown_revision() -> None:
    run = subprocess.run(
        [sys.executable, "benchmarks/drop_leaked_examples.py", "--base", "no-such-revision"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )

    assert run.returncode != 0
    assert "not a git revision: no-such-revision" in run.stderr
