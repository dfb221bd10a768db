"""The gateway's own user-facing texts, one JSON file per language (gateway/i18n/)."""

import json
from functools import cache
from pathlib import Path

I18N_DIR = Path(__file__).resolve().parent / "i18n"
FALLBACK_LANGUAGE = "en"


@cache
def catalogue(language: str) -> dict[str, str]:
    path = I18N_DIR / f"{language}.json"
    if not path.is_file():
        return {}
    texts: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return texts


def text(code: str, language: str, **values: object) -> str:
    """The text for `code` in `language`, else in English; values fill `{placeholders}`."""
    template = catalogue(language).get(code) or catalogue(FALLBACK_LANGUAGE)[code]
    return template.format(**values)
