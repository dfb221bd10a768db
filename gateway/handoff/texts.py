"""The handoff's data files: user texts, quick phrases, outcome codes, language names."""

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FALLBACK = "en"
STAFF_LANGUAGE = "nl"
# Names shown to staff (in Dutch, the console's language).
LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "Engels",
    "ar": "Arabisch",
    "tr": "Turks",
    "pl": "Pools",
    "uk": "Oekraïens",
    "fa": "Farsi (Perzisch)",
    "so": "Somalisch",
    "ti": "Tigrinya",
}


@cache
def _json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def user_text(code: str, language: str, **values: object) -> str:
    template = (
        _json(HERE / "i18n" / f"{language}.json").get(code)
        or _json(HERE / "i18n" / f"{FALLBACK}.json")[code]
    )
    return str(template).format(**values)


def localized_hours(spec: str, language: str) -> str:
    """ "Mo-Fr 09:00-17:00" with the day names of `language`."""
    days = user_text("days", language).split(",")
    for english, local in zip(("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"), days, strict=True):
        spec = spec.replace(english, local)
    return spec


def quick_phrases(language: str) -> dict[str, Any]:
    """Phrases in the user's language next to the staff language; honest review status."""
    staff = _json(HERE / "phrases" / f"{STAFF_LANGUAGE}.json")
    own = _json(HERE / "phrases" / f"{language}.json")
    chosen = own or _json(HERE / "phrases" / f"{FALLBACK}.json")
    return {
        "language": chosen.get("language", FALLBACK),
        "review_status": chosen.get("review_status", ""),
        "available_in_user_language": bool(own),
        "phrases": [
            {"key": key, "text": text, "meaning": staff.get("phrases", {}).get(key, text)}
            for key, text in chosen.get("phrases", {}).items()
        ],
    }


def outcomes() -> list[dict[str, str]]:
    values: list[dict[str, str]] = _json(HERE / "outcomes.json").get("outcomes", [])
    return values


def outcome_codes() -> frozenset[str]:
    return frozenset(item["code"] for item in outcomes())


def language_name(language: str) -> str:
    return LANGUAGE_NAMES.get(language, language)
