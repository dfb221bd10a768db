"""The crisis safety net: it does not depend on Rasa being right, or up.

Every user message is checked for danger and suicide signals, in every supported language
at once (language detection can be wrong on exactly these messages): phrase lists per
language, plus the nearest example sentence by embedding. A hit makes sure the first line
the user sees is 112 (danger) or 113 (suicide), whatever Rasa answers.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from gateway.embedding import Embedder, Vectors

SAFETY_DIR = Path(__file__).resolve().parent / "safety"
LATIN_OR_CYRILLIC = re.compile(r"^[\u0000-\u024F\u0400-\u04FF\s'’ʼ-]+$")
PERSIAN_FORMS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u200c": " ", "’": "'", "ʼ": "'"})


class Signal(StrEnum):
    DANGER = "danger"
    SUICIDE = "suicide"


# The number that must lead the first reply for each signal.
FIRST_NUMBER = {Signal.DANGER: "112", Signal.SUICIDE: "113"}


def normalise(text: str) -> str:
    """Casefolded, without accents (people often type without them), one space."""
    decomposed = unicodedata.normalize("NFKD", text.translate(PERSIAN_FORMS).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFC", stripped).split())


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Word-start match for alphabetic scripts (short phrases whole words only, so "gun"
    does not fire on Dutch "gunnen"); plain substring for scripts that glue prefixes."""
    escaped = re.escape(normalise(phrase))
    if not LATIN_OR_CYRILLIC.match(phrase):
        return re.compile(escaped)
    if len(phrase) <= 4:
        return re.compile(rf"(?<!\w){escaped}(?!\w)")
    return re.compile(rf"(?<!\w){escaped}")


@dataclass(frozen=True)
class Assessment:
    signal: Signal | None
    reason: str  # "phrase", "similarity" or "none": counted in logs, never the text
    # The message's e5 vector when one was computed (the bot may reuse it).
    vector: Vectors | None = None


class SafetyNet:
    def __init__(
        self, embedder: Embedder, threshold: float, margin: float, safety_dir: Path = SAFETY_DIR
    ) -> None:
        self._embedder = embedder
        self._threshold = threshold
        self._margin = margin
        self._patterns: list[tuple[Signal, re.Pattern[str]]] = []
        examples: list[tuple[str | None, str]] = []
        for path in sorted(safety_dir.glob("*.yml")):
            data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
            if path.stem == "other":
                examples.extend((None, text) for text in data["examples"])
                continue
            for signal in Signal:
                section = data.get(signal.value) or {}
                self._patterns.extend((signal, phrase_pattern(p)) for p in section["phrases"])
                examples.extend((signal.value, text) for text in section["examples"])
        self._labels = [label for label, _ in examples]
        self._vectors: Vectors = embedder.embed([text for _, text in examples])

    def match_phrase(self, text: str) -> Signal | None:
        normalised = normalise(text)
        hits = {signal for signal, pattern in self._patterns if pattern.search(normalised)}
        # Suicide outranks danger: 113 then says "in immediate danger: 112" too.
        if Signal.SUICIDE in hits:
            return Signal.SUICIDE
        return Signal.DANGER if hits else None

    @property
    def model_id(self) -> str:
        return self._embedder.model_id

    def match_similar(self, vector: Vectors) -> Signal | None:
        scores = self._vectors @ vector
        best = int(np.argmax(scores))
        label = self._labels[best]
        if label is None or scores[best] < self._threshold:
            return None
        best_other = max(
            (float(s) for s, lbl in zip(scores, self._labels, strict=True) if lbl is None),
            default=0.0,
        )
        return Signal(label) if scores[best] - best_other >= self._margin else None

    def assess(self, text: str) -> Assessment:
        signal = self.match_phrase(text)
        if signal:
            return Assessment(signal, "phrase")
        vector = self._embedder.embed([text])[0]
        signal = self.match_similar(vector)
        return Assessment(signal, "similarity" if signal else "none", vector)


SENTENCE_END = re.compile(r"[.!?؟።\n]")


def leads_with(replies: list[dict[str, Any]], signal: Signal) -> bool:
    """Whether Rasa's first reply gives the right number in its first sentence."""
    if not replies:
        return False
    first_sentence = SENTENCE_END.split((replies[0].get("text") or "").strip(), maxsplit=1)[0]
    return FIRST_NUMBER[signal] in first_sentence
