"""Cleaning a data round: appended examples a live split has, or the file already has, go;
everything else, and every line above the old end, stays."""

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


def test_at_revision_reads_committed_file_or_nothing() -> None:
    committed = at_revision(REPO / "bot" / "data" / "nlu" / "nl.yml", "HEAD")

    assert committed[0] == 'version: "3.1"'
    assert any(line.strip().startswith("- intent: immediate_danger") for line in committed)
    assert at_revision(REPO / "bot" / "data" / "nlu" / "zz-missing.yml", "HEAD") == []
