"""Would another classifier catch more danger and suicide messages for the same false alarms?

Compares, on data that may steer a choice (out-of-fold predictions on the training data and
the development split; never a blind split), the pipeline's classifier against:

- the same logistic regression with the two safety intents' class weights multiplied
  (`--crisis-weights`);
- a blend of its probabilities with a k-nearest-neighbour vote over the E5 vectors
  (`--knn`, `--blend`), the way the gateway's safety net compares a message with examples.

Each variant is printed as benchmarks/safety_threshold.py prints the pipeline (recall of
danger / suicide and the false-alarm share, per threshold and language), so they can be
compared at equal false alarms. No message text is printed.

    .venv-bot/bin/python benchmarks/classifier_variants.py
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bot"))

from benchmarks.nlu_eval import SAFETY_INTENTS  # noqa: E402
from benchmarks.safety_threshold import (  # noqa: E402
    pipeline_config,
    table,
    training_and_development,
)

# Sharpness of the neighbours' vote: E5 cosine similarities of related sentences lie
# within a few hundredths of each other, so they are spread before weighting.
KNN_TEMPERATURE = 0.05


def fit_weighted(
    texts: list[str], dense: np.ndarray, intents: list[str], config: dict[str, Any], weight: float
) -> dict[str, Any]:
    """`intent_classifier.fit`, with the safety intents' balanced class weight times `weight`."""
    from components.intent_classifier import fit
    from sklearn.utils.class_weight import compute_class_weight

    names = np.array(sorted(set(intents)))
    balanced = compute_class_weight("balanced", classes=names, y=np.array(intents))
    weights = {
        str(n): float(w) * (weight if n in SAFETY_INTENTS else 1.0)
        for n, w in zip(names, balanced, strict=True)
    }
    return fit(texts, dense, intents, {**config, "class_weight": weights})


def knn_vote(
    train_vectors: np.ndarray,
    train_intents: np.ndarray,
    vectors: np.ndarray,
    k: int,
    classes: list[str],
) -> np.ndarray:
    """Per message, the similarity-weighted share of each intent among its k nearest examples."""
    similarity = vectors @ train_vectors.T
    nearest = np.argpartition(-similarity, k, axis=1)[:, :k]
    votes = np.zeros((len(vectors), len(classes)))
    column = {c: i for i, c in enumerate(classes)}
    for row, neighbours in enumerate(nearest):
        for j in neighbours:
            votes[row, column[train_intents[j]]] += np.exp(similarity[row, j] / KNN_TEMPERATURE)
    return votes / votes.sum(axis=1, keepdims=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--crisis-weights", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--knn", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--blend", type=float, nargs="+", default=[0.3, 0.5])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    from components.intent_classifier import predict_proba
    from sklearn.model_selection import StratifiedKFold

    config = pipeline_config()
    training, development, train_vectors, dev_vectors = training_and_development()
    intents = np.array([e.intent for e in training])
    classes = sorted(set(intents))
    texts = [e.text for e in training]

    def probabilities(
        train: np.ndarray, test_texts: list[str], test_vectors: np.ndarray, weight: float
    ) -> np.ndarray:
        model = fit_weighted(
            [texts[i] for i in train],
            train_vectors[train],
            list(intents[train]),
            config["classifier"],
            weight,
        )
        result = np.zeros((len(test_texts), len(classes)))
        columns = [classes.index(c) for c in model["classifier"].classes_]
        result[:, columns] = predict_proba(model, test_texts, test_vectors, config["classifier"])
        return result

    splitter = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    folds = list(splitter.split(np.zeros(len(intents)), intents))
    everything = np.arange(len(training))
    dev_texts = [e.text for e in development]
    for weight in args.crisis_weights:
        out_of_fold = np.zeros((len(training), len(classes)))
        for train, test in folds:
            out_of_fold[test] = probabilities(
                train, [texts[i] for i in test], train_vectors[test], weight
            )
        dev = probabilities(everything, dev_texts, dev_vectors, weight)
        blends: list[tuple[str, np.ndarray, np.ndarray]] = [("", out_of_fold, dev)]
        for k in args.knn:
            oof_votes = np.zeros_like(out_of_fold)
            for train, test in folds:
                oof_votes[test] = knn_vote(
                    train_vectors[train], intents[train], train_vectors[test], k, classes
                )
            dev_votes = knn_vote(train_vectors, intents, dev_vectors, k, classes)
            for share in args.blend:
                blends.append(
                    (
                        f" + {share} x {k}-nearest vote",
                        (1 - share) * out_of_fold + share * oof_votes,
                        (1 - share) * dev + share * dev_votes,
                    )
                )
        for name, oof_rows, dev_rows in blends:
            title = f"safety class weight x{weight}{name}"
            table(
                f"{title}: training data, out-of-fold",
                training,
                oof_rows,
                classes,
                config["fallback"],
            )
            table(f"{title}: development split", development, dev_rows, classes, config["fallback"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
