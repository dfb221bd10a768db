"""Per-message language detection that is sticky for the conversation.

A short message ("ok", "3511 AB", "hallo") never flips the language: detectors guess wildly
on one or two words, and a victim who gets a sudden reply in the wrong language may give up.
A message in a script only some languages use (Arabic, Cyrillic, Ethiopic) is clear enough
on its own.
"""

import re
from dataclasses import dataclass

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = {
    "nl": Language.DUTCH,
    "en": Language.ENGLISH,
    "ar": Language.ARABIC,
    "tr": Language.TURKISH,
    "pl": Language.POLISH,
    "uk": Language.UKRAINIAN,
    "fa": Language.PERSIAN,
    "so": Language.SOMALI,
}
# Lingua has no Tigrinya: Ethiopic script means Tigrinya here (Amharic is not supported).
ETHIOPIC = re.compile(r"[\u1200-\u137F]")
NON_LATIN = re.compile(r"[\u0600-\u06FF\u0400-\u04FF\u1200-\u137F]")
WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS_TO_SWITCH = 3
MIN_CONFIDENCE_TO_SWITCH = 0.7


@dataclass(frozen=True)
class LanguageGuess:
    language: str | None
    confidence: float


def build_detector() -> LanguageDetector:
    # Preloaded: lingua otherwise loads each language's models on its first message, about
    # 1.7 s in all that the first users of a freshly started gateway would wait for.
    builder = LanguageDetectorBuilder.from_languages(*SUPPORTED.values())
    return builder.with_preloaded_language_models().build()


class LanguageChooser:
    def __init__(self, detector: LanguageDetector) -> None:
        self._detector = detector
        self._codes = {language: code for code, language in SUPPORTED.items()}

    def guess(self, text: str) -> LanguageGuess:
        if ETHIOPIC.search(text):
            return LanguageGuess("ti", 1.0)
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return LanguageGuess(None, 0.0)
        best = values[0]
        return LanguageGuess(self._codes.get(best.language), best.value)

    def choose(self, text: str, current: str) -> str:
        """The conversation's language after this message."""
        words = WORD.findall(text)
        if not words:
            return current
        clear_script = bool(NON_LATIN.search(text))
        if not clear_script and len(words) < MIN_WORDS_TO_SWITCH:
            return current
        guess = self.guess(text)
        if guess.language and guess.confidence >= MIN_CONFIDENCE_TO_SWITCH:
            return guess.language
        return current
