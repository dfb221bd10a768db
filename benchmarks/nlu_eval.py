"""Held-out NLU evaluation: per-language and per-intent precision/recall/F1, confusions.

The held-out split (tests/bot/nlu_heldout/<lang>.yml) is never part of training.
Three ways to get predictions:

  # a running Rasa server (its /model/parse), any Python with PyYAML:
  .venv/bin/python benchmarks/nlu_eval.py --rasa-url http://127.0.0.1:5005 --token TOKEN
  # a trained model, loaded in-process (bot venv):
  .venv-bot/bin/python benchmarks/nlu_eval.py --model bot/models/hulpwijzer-....tar.gz
  # train an NLU-only model from bot/data/nlu with a config first (bot venv):
  .venv-bot/bin/python benchmarks/nlu_eval.py --train-config bot/config.yml
  .venv-bot/bin/python benchmarks/nlu_eval.py --train-config tests/bot/configs/default_pipeline.yml

A prediction of `nlu_fallback` counts as wrong (the user gets the "not understood" answer);
the classifier's own best intent is reported beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
HELDOUT_DIR = REPO_ROOT / "tests" / "bot" / "nlu_heldout"
# Written by people who had seen neither the training data nor the other splits
# (docs/nlu.md); never used for error analysis. Earlier blind splits, once used, were
# retired into training (benchmarks/retire_split.py).
BLIND_HELDOUT_DIR = REPO_ROOT / "tests" / "bot" / "nlu_heldout_blind20"
FULL_LANGUAGES = ("nl", "en", "ar", "tr", "pl", "uk")
SAFETY_LANGUAGES = ("fa", "so", "ti")
SAFETY_INTENTS = ("immediate_danger", "suicidal_thoughts")
MACRO_F1_TARGET = 0.90
SAFETY_RECALL_TARGET = 0.97
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Example:
    language: str
    text: str
    intent: str


@dataclass(frozen=True)
class Prediction:
    served: str  # what /model/parse returns as the intent (may be nlu_fallback)
    classifier: str  # the classifier's best contract intent


def load_heldout(directory: Path = HELDOUT_DIR) -> list[Example]:
    """Every example under `directory` (subfolders too: bot/data/nlu/retired_splits/)."""
    return [e for path in sorted(directory.rglob("*.yml")) for e in load_examples(path)]


def load_examples(path: Path) -> list[Example]:
    """The examples of one NLU file, entity annotations removed; the language is its stem."""
    examples = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = ANNOTATION.sub(r"\1", line[2:])
                examples.append(Example(path.stem, text, block["intent"]))
    return examples


def to_prediction(parsed: dict[str, Any]) -> Prediction:
    served = parsed["intent"]["name"]
    ranking = [r["name"] for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
    return Prediction(served, ranking[0] if ranking else served)


def http_parser(rasa_url: str, token: str | None) -> Callable[[str], Prediction]:
    url = f"{rasa_url.rstrip('/')}/model/parse" + (f"?token={token}" if token else "")

    def parse(text: str) -> Prediction:
        request = urllib.request.Request(
            url,
            data=json.dumps({"text": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return to_prediction(json.load(response))

    return parse


def model_parser(model: Path) -> Callable[[str], Prediction]:
    """Load a trained model in this process (needs the bot venv)."""
    if not model.is_file():
        # Rasa would quietly load the newest model next to a missing path instead.
        raise SystemExit(f"no model file at {model}")
    sys.path.insert(0, str(REPO_ROOT / "bot"))
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    agent = Agent.load(str(model))
    # Rasa's debug lines quote every parsed text: whoever runs this must not see the
    # held-out sentences, only the scores (and the errors, when asked).
    configure_structlog(logging.WARNING)
    for name in ("rasa", "components"):
        logging.getLogger(name).setLevel(logging.WARNING)
    loop = asyncio.new_event_loop()

    def parse(text: str) -> Prediction:
        return to_prediction(loop.run_until_complete(agent.parse_message(text)))

    return parse


def train_nlu(config: Path, out_dir: Path) -> Path:
    """Train an NLU-only model from bot/data/nlu with `config`; print the time it took."""
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "HF_HUB_OFFLINE": "1",
            "PYTHONPATH": str(REPO_ROOT / "bot"),
        }
    )
    command = [
        sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config.resolve()),
        "--nlu", "data/nlu", "--out", str(out_dir), "--fixed-model-name", "eval",
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, cwd=REPO_ROOT / "bot", env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"trained {config} in {time.monotonic() - started:.0f} s", flush=True)
    return out_dir / "eval.tar.gz"


@dataclass
class Scores:
    precision: float
    recall: float
    f1: float
    support: int


def per_intent(pairs: list[tuple[str, str]]) -> dict[str, Scores]:
    """Precision/recall/F1 for every true intent in `pairs` of (true, predicted)."""
    true_count = Counter(t for t, _ in pairs)
    predicted_count = Counter(p for _, p in pairs)
    hits = Counter(t for t, p in pairs if t == p)
    scores = {}
    for intent in sorted(true_count):
        precision = hits[intent] / predicted_count[intent] if predicted_count[intent] else 0.0
        recall = hits[intent] / true_count[intent]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[intent] = Scores(precision, recall, f1, true_count[intent])
    return scores


def report(examples: list[Example], predictions: list[Prediction]) -> dict[str, Any]:
    by_language: dict[str, list[tuple[Example, Prediction]]] = defaultdict(list)
    for example, prediction in zip(examples, predictions, strict=True):
        by_language[example.language].append((example, prediction))

    summary: dict[str, Any] = {}
    failures = []
    order = [lang for lang in FULL_LANGUAGES + SAFETY_LANGUAGES if lang in by_language]
    print(f"\n{'lang':5} {'n':>4} {'acc':>6} {'macroF1':>8} {'clf-acc':>8} {'fallback':>9}")
    for language in order:
        rows = by_language[language]
        served = [(e.intent, p.served) for e, p in rows]
        scores = per_intent(served)
        macro_f1 = sum(s.f1 for s in scores.values()) / len(scores)
        accuracy = sum(t == p for t, p in served) / len(served)
        classifier_accuracy = sum(e.intent == p.classifier for e, p in rows) / len(rows)
        fallbacks = sum(p.served == "nlu_fallback" for _, p in rows)
        summary[language] = {
            "n": len(rows),
            "accuracy": round(accuracy, 3),
            "macro_f1": round(macro_f1, 3),
            "classifier_accuracy": round(classifier_accuracy, 3),
            "fallbacks": fallbacks,
            "intents": {i: s.__dict__ for i, s in scores.items()},
        }
        print(
            f"{language:5} {len(rows):4d} {accuracy:6.3f} {macro_f1:8.3f} "
            f"{classifier_accuracy:8.3f} {fallbacks:9d}"
        )
        if language in FULL_LANGUAGES and macro_f1 < MACRO_F1_TARGET:
            failures.append(f"{language}: macro-F1 {macro_f1:.3f} < {MACRO_F1_TARGET}")
        for intent in SAFETY_INTENTS:
            if intent in scores and scores[intent].recall < SAFETY_RECALL_TARGET:
                failures.append(
                    f"{language}: recall {intent} {scores[intent].recall:.3f} "
                    f"< {SAFETY_RECALL_TARGET}"
                )

    print("\nper intent (all languages): precision recall F1 support")
    all_pairs = [(e.intent, p.served) for rows in by_language.values() for e, p in rows]
    for intent, s in per_intent(all_pairs).items():
        print(f"  {intent:24} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5d}")

    print(
        "\nsafety recall per language (immediate_danger, suicidal_thoughts), and false alarms"
        " (other intents' messages served as one of them):"
    )
    for language in order:
        scores = summary[language]["intents"]
        cells = [
            f"{intent}={scores[intent]['recall']:.3f}"
            for intent in SAFETY_INTENTS
            if intent in scores
        ]
        others = [p.served for e, p in by_language[language] if e.intent not in SAFETY_INTENTS]
        alarms = sum(served in SAFETY_INTENTS for served in others)
        summary[language]["false_alarms"] = alarms
        cells.append(f"false alarms={alarms}/{len(others)}")
        print(f"  {language}: {'  '.join(cells)}")

    confusions = Counter((t, p) for t, p in all_pairs if t != p)
    print("\nmost frequent confusions (true -> predicted: count):")
    for (true, predicted), count in confusions.most_common(15):
        print(f"  {true} -> {predicted}: {count}")

    print("\ntargets:", "all met" if not failures else "NOT met")
    for failure in failures:
        print("  ", failure)
    summary["_targets_met"] = not failures
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--rasa-url", help="a running Rasa server with --enable-api")
    source.add_argument("--model", type=Path, help="a trained model (.tar.gz)")
    source.add_argument("--train-config", type=Path, help="train an NLU model with this config")
    parser.add_argument("--token", help="Rasa API token (with --rasa-url)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--show-errors", action="store_true", help="list every wrong prediction")
    parser.add_argument(
        "--heldout",
        type=Path,
        default=HELDOUT_DIR,
        help=f"folder of held-out <lang>.yml files (default {HELDOUT_DIR.relative_to(REPO_ROOT)};"
        f" the blind split is {BLIND_HELDOUT_DIR.relative_to(REPO_ROOT)})",
    )
    parser.add_argument(
        "--predictions",
        type=Path,
        help="also write what was served per held-out message, in order, without its text"
        " (for benchmarks/safety_eval.py)",
    )
    args = parser.parse_args()

    examples = load_heldout(args.heldout)
    with tempfile.TemporaryDirectory() as tmp:
        if args.rasa_url:
            parse = http_parser(args.rasa_url, args.token)
        else:
            model = args.model or train_nlu(args.train_config, Path(tmp))
            parse = model_parser(model)
        started = time.monotonic()
        predictions = [parse(e.text) for e in examples]
        elapsed = time.monotonic() - started
    print(f"{len(examples)} held-out messages parsed in {elapsed:.1f} s")
    if args.show_errors:
        for e, p in zip(examples, predictions, strict=True):
            if e.intent != p.served:
                print(f"  [{e.language}] {e.intent} -> {p.served} ({p.classifier}): {e.text}")
    summary = report(examples, predictions)
    print("\ncommand:", " ".join([Path(sys.executable).name, *sys.argv]))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.predictions:
        served = [
            {"language": e.language, "intent": e.intent, "served": p.served}
            for e, p in zip(examples, predictions, strict=True)
        ]
        args.predictions.write_text(json.dumps(served))
    return 0 if summary["_targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
