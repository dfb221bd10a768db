"""Runs in the bot venv (Rasa 3.6): the pipeline's last two steps against the benchmark's model.

Builds classifier rankings, passes them through Rasa's own FallbackClassifier and then
SafetyPriority with bot/config.yml's settings, and prints, as JSON, the intents served and
what benchmarks/safety_threshold.py's `served` predicts for the same probabilities.
"""

import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(REPO), str(REPO / "bot")]

from components.safety_priority import SafetyPriority  # noqa: E402
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from benchmarks.safety_threshold import pipeline_config, served  # noqa: E402

CLASSES = ["domestic_violence", "find_shelter", "greet", "immediate_danger", "suicidal_thoughts"]
NAMED = {
    # danger just above / below the configured threshold, behind a confident other intent
    "danger_above": [0.70, 0.05, 0.05, 0.16, 0.04],
    "danger_below": [0.72, 0.05, 0.05, 0.14, 0.04],
    # both safety intents above: the likelier one
    "both_above": [0.40, 0.02, 0.02, 0.20, 0.36],
    # nobody confident (fallback), but suicide reaches the threshold
    "fallback_then_suicide": [0.28, 0.27, 0.10, 0.10, 0.25],
    "plain_fallback": [0.26, 0.25, 0.25, 0.12, 0.12],
}


def run(probabilities: list[float], fallback: FallbackClassifier, safety: SafetyPriority) -> str:
    ranking = sorted(
        ({"name": n, "confidence": float(p)} for n, p in zip(CLASSES, probabilities, strict=True)),
        key=lambda entry: -entry["confidence"],
    )
    message = Message(data={"text": "x", "intent": dict(ranking[0]), "intent_ranking": ranking})
    (message,) = safety.process(fallback.process([message]))
    return str(message.get("intent")["name"])


def main() -> None:
    config = pipeline_config()
    fallback = FallbackClassifier({**FallbackClassifier.get_default_config(), **config["fallback"]})
    safety = SafetyPriority({**SafetyPriority.get_default_config(), **config["safety"]})
    thresholds = set(config["safety"]["thresholds"].values())
    assert len(thresholds) == 1, "the benchmark models one threshold for both intents"
    threshold = float(thresholds.pop())
    rng = np.random.default_rng(7)
    cases = dict(NAMED)
    for i in range(300):
        cases[f"random_{i}"] = list(rng.dirichlet(np.full(len(CLASSES), 0.6)))
    result = {
        name: {
            "pipeline": run(p, fallback, safety),
            "benchmark": served(np.asarray(p), CLASSES, config["fallback"], threshold),
        }
        for name, p in cases.items()
    }
    print(json.dumps({"threshold": threshold, "cases": result}))


if __name__ == "__main__":
    main()
