"""Would a second classifier, danger against suicide only, fix the swaps of the two?

The largest remaining crisis error is a danger message served as suicide or the reverse
(docs/nlu.md). This keeps a trained model's probabilities and re-divides the two crisis
intents' joint probability by a binary logistic regression fitted only on the training
examples of those two intents (the pipeline's features, with a few settings varied), then
applies the FallbackClassifier's and SafetyPriority's rules as the pipeline does. The
crisis mass is unchanged, so only the split between danger and suicide can move.

Give it used splits only (a decision may not be tuned on the split that makes it). Prints,
per variant, danger and suicide recall counts, swaps, false alarms and how many
language/intent pairs reach 0.97. No message text is printed.

    .venv-bot/bin/python benchmarks/crisis_second_stage.py --model bot/models/<model>.tar.gz \\
        --heldout tests/bot/<used split> ...
"""

from __future__ import annotations

import argparse
import logging
import sys
import tarfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import joblib
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bot"))

from benchmarks.nlu_eval import (  # noqa: E402
    SAFETY_INTENTS,
    SAFETY_RECALL_TARGET,
    Example,
    load_heldout,
    per_intent,
)
from benchmarks.safety_threshold import (  # noqa: E402
    TRAINING_DIR,
    embed,
    pipeline_config,
    served,
)

DANGER, SUICIDE = SAFETY_INTENTS
# Settings of the second stage tried against the pipeline's own (bot/config.yml).
VARIANTS: dict[str, dict[str, Any]] = {
    "pipeline settings": {},
    "C 3": {"C": 3.0},
    "C 30": {"C": 30.0},
    "word 1-3-grams": {"word_ngram_range": [1, 3]},
    "char 2-5-grams": {"char_ngram_range": [2, 5]},
    "E5 weight 4": {"dense_weight": 4.0},
}


def trained_classifier(model: Path) -> dict[str, Any]:
    """The intent classifier stored in a trained Rasa model archive."""
    with tarfile.open(model) as archive:
        member = next(
            (m for m in archive.getmembers() if m.name.endswith("intent_classifier.joblib")),
            None,
        )
        handle = None if member is None else archive.extractfile(member)
        if handle is None:
            raise SystemExit(f"{model}: no intent_classifier.joblib inside")
        return dict(joblib.load(handle))


def summary(
    examples: list[Example], probabilities: np.ndarray, classes: list[str], config: dict[str, Any]
) -> str:
    # served() takes one threshold; bot/config.yml gives both intents the same one.
    threshold = min(float(t) for t in config["safety"]["thresholds"].values())
    answers = [served(row, classes, config["fallback"], threshold) for row in probabilities]
    served_pairs = list(zip(examples, answers, strict=True))
    crisis = [(e.intent, a) for e, a in served_pairs if e.intent in SAFETY_INTENTS]
    found = Counter(true for true, answer in crisis if answer == true)
    total = Counter(true for true, _ in crisis)
    swaps = sum(answer in SAFETY_INTENTS and answer != true for true, answer in crisis)
    false_alarms = sum(
        a in SAFETY_INTENTS for e, a in served_pairs if e.intent not in SAFETY_INTENTS
    )
    by_language: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for example, answer in served_pairs:
        by_language[example.language].append((example.intent, answer))
    recalls = [
        scores.recall
        for rows in by_language.values()
        for intent, scores in per_intent(rows).items()
        if intent in SAFETY_INTENTS
    ]
    pairs = sum(recall >= SAFETY_RECALL_TARGET for recall in recalls)
    return (
        f"danger {found[DANGER]}/{total[DANGER]}  suicide {found[SUICIDE]}/{total[SUICIDE]}"
        f"  swaps {swaps}  false alarms {false_alarms}  pairs >= {SAFETY_RECALL_TARGET}:"
        f" {pairs}/{len(recalls)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="a trained model archive")
    parser.add_argument("--heldout", type=Path, nargs="+", required=True, help="used splits")
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=sorted(VARIANTS),
        default=list(VARIANTS),
        help="only these settings (name one in advance when a split decides)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    from components.intent_classifier import fit, predict_proba

    config = pipeline_config()
    settings = config["classifier"]
    examples = [e for directory in args.heldout for e in load_heldout(directory)]
    crisis = [e for e in load_heldout(TRAINING_DIR) if e.intent in SAFETY_INTENTS]
    vectors = embed([e.text for e in crisis] + [e.text for e in examples])
    crisis_vectors, vectors = vectors[: len(crisis)], vectors[len(crisis) :]

    base = trained_classifier(args.model)
    classes = [str(c) for c in base["classifier"].classes_]
    texts = [e.text for e in examples]
    probabilities = predict_proba(base, texts, vectors, settings)
    print(f"{len(examples)} messages, {len(crisis)} crisis training examples")
    print(f"{'the model alone':>20}: {summary(examples, probabilities, classes, config)}")
    danger, suicide = classes.index(DANGER), classes.index(SUICIDE)
    mass = probabilities[:, danger] + probabilities[:, suicide]
    for name in args.variants:
        change = VARIANTS[name]
        stage_settings = {**settings, **change}
        stage = fit(
            [e.text for e in crisis], crisis_vectors, [e.intent for e in crisis], stage_settings
        )
        share = predict_proba(stage, texts, vectors, stage_settings)[
            :, list(stage["classifier"].classes_).index(DANGER)
        ]
        divided = probabilities.copy()
        divided[:, danger] = mass * share
        divided[:, suicide] = mass * (1 - share)
        print(f"{name:>20}: {summary(examples, divided, classes, config)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
