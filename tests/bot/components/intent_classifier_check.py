"""Runs in the bot venv (Rasa 3.6): the classifier's n-gram vocabulary with bot/config.yml's
settings, on a toy training set, printed as JSON."""

import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(REPO), str(REPO / "bot")]

from components.intent_classifier import fit  # noqa: E402

from benchmarks.safety_threshold import pipeline_config  # noqa: E402

# "knife" and the pair "his knife" occur in three examples, "zebra" in one, "giraffe" in two.
TEXTS = [
    "he has his knife",
    "his knife at the door",
    "his knife again",
    "hello zebra",
    "hello giraffe",
    "hi giraffe",
]
INTENTS = ["immediate_danger"] * 3 + ["greet"] * 3

config = pipeline_config()["classifier"]
dense = np.random.default_rng(0).normal(size=(len(TEXTS), 4)).astype(np.float32)
model = fit(TEXTS, dense, INTENTS, config)
words = model["words"].vocabulary_
print(
    json.dumps(
        {
            "min_df": config["min_df"],
            "word_ngram_range": config["word_ngram_range"],
            "words": sorted(words),
            "char_ngrams": len(model["chars"].vocabulary_),
        }
    )
)
