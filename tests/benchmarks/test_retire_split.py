"""Retiring a used held-out split into training: nothing a live split or the training data
already has, nothing two splits label differently, and the file Rasa reads round-trips."""

import subprocess
import sys
from pathlib import Path

from benchmarks.nlu_eval import BLIND_HELDOUT_DIR, Example, load_examples, load_heldout
from benchmarks.retire_split import REPO, header, retire, section


def test_retire_examples_skips_known_live_and_conflicting() -> None:
    first = [
        Example("nl", "Hij staat voor de deur", "immediate_danger"),
        Example("nl", "hallo", "greet"),
        Example("nl", "ik wil niet meer", "suicidal_thoughts"),
        Example("en", "he hits me", "domestic_violence"),
    ]
    second = [
        Example("nl", "hij staat  voor de deur", "immediate_danger"),  # same, other spacing
        Example("nl", "IK WIL NIET MEER", "deny"),  # labelled differently: dropped from both
        Example("en", "are you a bot", "bot_challenge"),
    ]
    training = [Example("nl", "Hallo", "greet")]
    live = [Example("en", "He hits me", "domestic_violence")]

    retired = retire([("a", first), ("b", second)], training, live)

    assert retired == {"nl": [("a", [first[0]])], "en": [("b", [second[2]])]}


def test_render_retired_split_round_trips(tmp_path: Path) -> None:
    sections = [
        ("tests/bot/split_a", [Example("ar", "الحقوني", "immediate_danger")]),
        (
            "tests/bot/split_b",
            [
                Example("ar", "bade amot", "suicidal_thoughts"),
                Example("ar", "هو يضربني: كل يوم", "domestic_violence"),
            ],
        ),
    ]
    path = tmp_path / "ar.yml"
    text = header("ar") + "".join(section(name, examples) for name, examples in sections)
    path.write_text(text, encoding="utf-8")

    assert load_examples(path) == [e for _, examples in sections for e in examples]
    assert "# from tests/bot/split_b" in path.read_text(encoding="utf-8")


def test_retire_split_appends_once_without_live_sentences(tmp_path: Path) -> None:
    live_sentence = load_heldout(BLIND_HELDOUT_DIR)[0]
    language = live_sentence.language
    new_sentence = Example(language, "zzq retire test 1", "greet")
    split = tmp_path / "used_split"
    split.mkdir()
    (split / f"{language}.yml").write_text(
        header(language) + section("x", [live_sentence, new_sentence]), encoding="utf-8"
    )
    out = tmp_path / "retired"
    command = [sys.executable, "benchmarks/retire_split.py", str(split), "--out", str(out)]

    first = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    written = (out / f"{language}.yml").read_text(encoding="utf-8")
    second = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)

    assert load_heldout(out) == [new_sentence]
    assert "retired 1 of 2 held-out examples" in first.stdout
    assert "already retired" in second.stdout
    assert (out / f"{language}.yml").read_text(encoding="utf-8") == written


def test_retire_split_rejects_folder_without_splits(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "benchmarks/retire_split.py", str(tmp_path), "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "no <lang>.yml files in" in run.stderr
    assert not list(tmp_path.iterdir())
