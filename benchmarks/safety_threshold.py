"""Choose SafetyPriority's thresholds without looking at a test split.

SafetyPriority (bot/components/safety_priority.py) serves immediate_danger or
suicidal_thoughts as soon as the classifier gives them a set probability. Where to put that
threshold is a trade: lower catches more danger and suicide messages and puts "112" first
above more answers about something else. This measures the trade on data that is allowed
to steer it:

- out-of-fold predictions on the training data (k-fold cross-validation of exactly the
  classifier in bot/config.yml, `intent_classifier.fit`), per language;
- the development split tests/bot/nlu_heldout/ (a model fitted on all training data).

It applies the FallbackClassifier's and SafetyPriority's rules as the pipeline does and
prints, per threshold and language, the recall of the two safety intents and the share of
other messages served as one of them (false alarms). No message text is printed. The blind
splits are never read.

    .venv-bot/bin/python benchmarks/safety_threshold.py
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bot"))

from benchmarks.nlu_eval import (  # noqa: E402
    FULL_LANGUAGES,
    HELDOUT_DIR,
    SAFETY_INTENTS,
    SAFETY_LANGUAGES,
    Example,
    load_heldout,
)

TRAINING_DIR = REPO / "bot" / "data" / "nlu"
CONFIG = REPO / "bot" / "config.yml"
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
FALLBACK = "nlu_fallback"
RULES = ("each", "sum")


def pipeline_config() -> dict[str, dict[str, Any]]:
    """The classifier's, FallbackClassifier's and SafetyPriority's settings in bot/config.yml."""
    from components.intent_classifier import E5NgramIntentClassifier

    steps = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["pipeline"]
    by_name = {step["name"]: step for step in steps}
    classifier = {
        **E5NgramIntentClassifier.get_default_config(),
        **by_name["components.intent_classifier.E5NgramIntentClassifier"],
    }
    return {
        "classifier": classifier,
        "fallback": by_name["FallbackClassifier"],
        "safety": by_name["components.safety_priority.SafetyPriority"],
    }


def embed(texts: Sequence[str]) -> np.ndarray:
    """E5 vectors as training computes them (through the training cache in var/cache)."""
    from components.e5_featurizer import E5SentenceFeaturizer

    featurizer = E5SentenceFeaturizer(E5SentenceFeaturizer.get_default_config(), "e5")
    vectors = featurizer._vectors(sorted(set(texts)), use_cache=True)
    return np.vstack([vectors[t] for t in texts])


def training_and_development() -> tuple[list[Example], list[Example], np.ndarray, np.ndarray]:
    """The training examples and the development split, with their E5 vectors."""
    # postcode.yml and language.yml are trained on too; they count only in "all".
    training = load_heldout(TRAINING_DIR)
    development = load_heldout(HELDOUT_DIR)
    vectors = embed([e.text for e in training] + [e.text for e in development])
    return training, development, vectors[: len(training)], vectors[len(training) :]


def served(
    probabilities: np.ndarray,
    classes: Sequence[str],
    fallback: dict[str, Any],
    threshold: float,
    rule: str = "each",
) -> str:
    """What /model/parse returns: classifier, then fallback, then SafetyPriority.

    rule "each": a safety intent wins when its own probability reaches the threshold (the
    pipeline's rule); "sum": the likelier safety intent wins when both together reach it.
    """
    order = np.argsort(-probabilities)
    top, second = probabilities[order[0]], probabilities[order[1]]
    intent = str(classes[order[0]])
    if top < float(fallback["threshold"]) or top - second < float(fallback["ambiguity_threshold"]):
        intent = FALLBACK
    safety = [
        (probabilities[i], str(name)) for i, name in enumerate(classes) if name in SAFETY_INTENTS
    ]
    if rule == "sum":
        return max(safety)[1] if sum(p for p, _ in safety) >= threshold else intent
    reached = [(p, name) for p, name in safety if p >= threshold]
    return max(reached)[1] if reached else intent


def out_of_fold(
    examples: list[Example], vectors: np.ndarray, config: dict[str, Any], folds: int
) -> tuple[np.ndarray, list[str]]:
    from components.intent_classifier import fit, predict_proba
    from sklearn.model_selection import StratifiedKFold

    intents = [e.intent for e in examples]
    classes = sorted(set(intents))
    result = np.zeros((len(examples), len(classes)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(np.zeros(len(intents)), intents):
        model = fit(
            [examples[i].text for i in train], vectors[train], [intents[i] for i in train], config
        )
        columns = [classes.index(c) for c in model["classifier"].classes_]
        result[np.ix_(test, columns)] = predict_proba(
            model, [examples[i].text for i in test], vectors[test], config
        )
    return result, classes


def table(
    title: str,
    examples: list[Example],
    probabilities: np.ndarray,
    classes: Sequence[str],
    fallback: dict[str, Any],
    rule: str = "each",
) -> None:
    languages = list(FULL_LANGUAGES + SAFETY_LANGUAGES)
    print(
        f"\n{title}, rule {rule}\n"
        "recall danger/suicide and false-alarm share (other -> safety), per language"
    )
    print(f"{'t':>5} " + " ".join(f"{lang:>15}" for lang in languages) + f" {'all':>15}")
    for threshold in THRESHOLDS:
        hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
        for example, row in zip(examples, probabilities, strict=True):
            answer = served(row, classes, fallback, threshold, rule)
            for key in (example.language, "all"):
                cell = hits[key]
                if example.intent == "immediate_danger":
                    cell[0] += answer == "immediate_danger"
                    cell[1] += 1
                elif example.intent == "suicidal_thoughts":
                    cell[2] += answer == "suicidal_thoughts"
                    cell[3] += 1
                else:
                    cell[4] += answer in SAFETY_INTENTS
                    cell[5] += 1
        cells = []
        for key in languages + ["all"]:
            d, nd, s, ns, f, nf = hits[key]
            cells.append(
                f"{d / max(nd, 1):.2f}/{s / max(ns, 1):.2f}/{f / max(nf, 1):.2f}".rjust(15)
            )
        print(f"{threshold:5.2f} " + " ".join(cells))


def list_misses(
    examples: list[Example],
    probabilities: np.ndarray,
    classes: Sequence[str],
    fallback: dict[str, Any],
    threshold: float,
) -> None:
    print(f"\ntraining examples served wrongly at t={threshold} (safety intents involved):")
    for example, row in zip(examples, probabilities, strict=True):
        answer = served(row, classes, fallback, threshold)
        involved = example.intent in SAFETY_INTENTS or answer in SAFETY_INTENTS
        if answer != example.intent and involved:
            print(f"  [{example.language}] {example.intent} -> {answer}: {example.text}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--misses",
        type=float,
        metavar="T",
        help="also list the training examples (never test ones) that the cross-validated"
        " model gets wrong at threshold T on the safety intents, for data cleaning",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    from components.intent_classifier import fit, predict_proba

    config = pipeline_config()
    training, development, train_vectors, dev_vectors = training_and_development()

    probabilities, classes = out_of_fold(training, train_vectors, config["classifier"], args.folds)
    for rule in RULES:
        table(
            f"training data, {args.folds}-fold out-of-fold ({len(training)} examples)",
            training,
            probabilities,
            classes,
            config["fallback"],
            rule,
        )
    if args.misses is not None:
        list_misses(training, probabilities, classes, config["fallback"], args.misses)
    model = fit(
        [e.text for e in training],
        train_vectors,
        [e.intent for e in training],
        config["classifier"],
    )
    dev_probabilities = predict_proba(
        model, [e.text for e in development], dev_vectors, config["classifier"]
    )
    for rule in RULES:
        table(
            f"development split tests/bot/nlu_heldout ({len(development)} examples)",
            development,
            dev_probabilities,
            [str(c) for c in model["classifier"].classes_],
            config["fallback"],
            rule,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
