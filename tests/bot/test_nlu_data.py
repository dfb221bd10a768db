"""Training data: the contract's intents, enough examples per language, held-out kept out."""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = REPO_ROOT / "bot" / "data" / "nlu"
# Every split still measuring (the same folders benchmarks/retire_split.py keeps out of
# training); used-up ones were retired into bot/data/nlu/retired_splits/.
HELDOUT_DIRS = sorted(Path(__file__).resolve().parent.glob("nlu_heldout*"))
CONTRACT_INTENTS = {
    "greet", "goodbye", "affirm", "deny", "thank", "immediate_danger", "sexual_violence",
    "domestic_violence", "find_shelter", "find_help_nearby", "inform_postcode",
    "report_to_police", "protection_order", "ask_anonymity", "talk_to_human", "child_abuse",
    "suicidal_thoughts", "online_abuse", "forced_marriage_honour", "is_this_abuse",
    "legal_help", "bot_challenge", "change_language", "out_of_scope",
}  # fmt: skip
SAFETY_INTENTS = {
    "immediate_danger", "domestic_violence", "sexual_violence", "find_shelter",
    "suicidal_thoughts", "talk_to_human",
}  # fmt: skip
MINIMUM = {"nl": 30, "en": 30, "ar": 15, "tr": 15, "pl": 15, "uk": 15}
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def examples(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" in block:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    text = ANNOTATION.sub(r"\1", line.strip()[2:])
                    pairs.append((block["intent"], text))
    return pairs


def test_training_intents_are_the_contract() -> None:
    intents = {i for path in NLU_DIR.glob("*.yml") for i, _ in examples(path)}
    assert intents == CONTRACT_INTENTS


@pytest.mark.parametrize("language", sorted(MINIMUM))
def test_full_language_has_enough_examples(language: str) -> None:
    counts = Counter(i for i, _ in examples(NLU_DIR / f"{language}.yml"))
    # Postcode examples live in postcode.yml for all languages (mostly digits); the check
    # for them is in test_postcode_examples_cover_languages.
    required = CONTRACT_INTENTS - {"inform_postcode"}
    short = {i: counts[i] for i in required if counts[i] < MINIMUM[language]}
    assert not short, f"{language}: too few examples {short}"


@pytest.mark.parametrize("language", ["fa", "so", "ti"])
def test_safety_language_covers_safety_intents(language: str) -> None:
    counts = Counter(i for i, _ in examples(NLU_DIR / f"{language}.yml"))
    assert all(counts[i] >= 15 for i in SAFETY_INTENTS), counts


def test_heldout_examples_are_not_in_training() -> None:
    training = {t.casefold().strip() for p in NLU_DIR.rglob("*.yml") for _, t in examples(p)}
    leaked = [
        text
        for directory in HELDOUT_DIRS
        for path in directory.glob("*.yml")
        for _, text in examples(path)
        if text.casefold().strip() in training and not re.fullmatch(r"[\d\s\w]{0,8}", text)
    ]
    assert not leaked


def test_postcode_examples_cover_languages() -> None:
    texts = [t for i, t in examples(NLU_DIR / "postcode.yml") if i == "inform_postcode"]
    assert len(texts) >= 100
    for script in ("[\u0600-\u06ff]", "[\u0400-\u04ff]", "[\u1200-\u137f]", "ş|ı|ü", "ó|ł|ę"):
        assert any(re.search(script, t) for t in texts), script
