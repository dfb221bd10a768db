"""The second-stage benchmark counts what the pipeline would serve, and reads the classifier
out of a model archive."""

import io
import tarfile
from pathlib import Path

import joblib
import numpy as np
import pytest

from benchmarks.crisis_second_stage import summary, trained_classifier
from benchmarks.nlu_eval import Example

CLASSES = ["domestic_violence", "immediate_danger", "suicidal_thoughts"]
CONFIG = {
    "fallback": {"threshold": 0.3, "ambiguity_threshold": 0.05},
    "safety": {"thresholds": {"immediate_danger": 0.15, "suicidal_thoughts": 0.15}},
}


def test_summarise_served_intents_counts_swaps_and_false_alarms() -> None:
    examples = [
        Example("nl", "a", "immediate_danger"),  # served as danger
        Example("nl", "b", "immediate_danger"),  # served as suicide: a swap
        Example("nl", "c", "suicidal_thoughts"),  # served as suicide
        Example("nl", "d", "domestic_violence"),  # danger reaches 0.15: a false alarm
        Example("nl", "e", "domestic_violence"),  # served as itself
    ]
    probabilities = np.array(
        [
            [0.1, 0.8, 0.1],
            [0.1, 0.3, 0.6],
            [0.1, 0.1, 0.8],
            [0.7, 0.2, 0.1],
            [0.9, 0.05, 0.05],
        ]
    )

    line = summary(examples, probabilities, CLASSES, CONFIG)

    assert line.startswith("danger 1/2  suicide 1/1  swaps 1  false alarms 1")
    assert line.endswith("pairs >= 0.97: 1/2")


def test_read_classifier_from_model_archive(tmp_path: Path) -> None:
    stored = {"classifier": "fitted", "chars": [1, 2]}
    payload = io.BytesIO()
    joblib.dump(stored, payload)
    archive = tmp_path / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        member = tarfile.TarInfo(
            "components/train_components.intent_classifier.X/intent_classifier.joblib"
        )
        member.size = len(payload.getvalue())
        tar.addfile(member, io.BytesIO(payload.getvalue()))

    assert trained_classifier(archive) == stored


def test_reject_archive_without_classifier(tmp_path: Path) -> None:
    archive = tmp_path / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("metadata.json"), io.BytesIO(b""))

    with pytest.raises(SystemExit, match="no intent_classifier.joblib inside"):
        trained_classifier(archive)
