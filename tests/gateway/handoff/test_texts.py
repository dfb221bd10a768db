"""The handoff's user texts and quick phrases exist, complete, in every language we serve."""

import json
import re
from typing import Any

import pytest

from gateway.handoff import texts

# Full languages, then the safety-critical ones: asking for a person is safety-critical.
LANGUAGES = ["nl", "en", "ar", "tr", "pl", "uk", "fa", "so", "ti"]
PLACEHOLDER = re.compile(r"\{(\w*)\}")
NUMBER = re.compile(r"\d+(?:-\d+)?")
# Kept as they are in every language, so the user can find and dial them.
KEPT = ("112", "0800-2000", "0800-0188", "Veilig Thuis", "Centrum Seksueel Geweld", "Hulpwijzer")
DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def _load(folder: str, language: str) -> dict[str, Any]:
    path = texts.HERE / folder / f"{language}.json"
    assert path.is_file(), f"{folder}/{language}.json is missing"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _found(pattern: re.Pattern[str], text: str) -> list[str]:
    return sorted(pattern.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_define_every_user_text_with_english_placeholders(language: str) -> None:
    english = _load("i18n", "en")
    strings = _load("i18n", language)
    assert set(strings) == set(english), language
    for key, template in english.items():
        assert isinstance(strings[key], str) and strings[key].strip(), key
        assert _found(PLACEHOLDER, strings[key]) == _found(PLACEHOLDER, template), key
        for kept in KEPT:
            if kept in template:
                assert kept in strings[key], (key, kept)
        if not key.startswith("_"):
            assert _found(NUMBER, strings[key]) == _found(NUMBER, template), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_name_112_first_when_no_counsellor_available(language: str) -> None:
    message = texts.user_text("unavailable", language, hours="HOURS")
    assert NUMBER.findall(message)[0] == "112"
    assert message.index("112") < message.index("HOURS") < message.index("0800-2000")


@pytest.mark.parametrize("language", LANGUAGES)
def test_localize_all_seven_days(language: str) -> None:
    days = texts.user_text("days", language).split(",")
    assert len(days) == 7, days
    assert all(day.strip() for day in days), days
    # localized_hours replaces the codes one after another: no local name may be
    # caught by a later code (Turkish "Sal" would become "Cmtl").
    assert texts.localized_hours(" ".join(DAY_CODES), language) == " ".join(days)


@pytest.mark.parametrize("language", LANGUAGES)
def test_offer_every_quick_phrase_in_user_language(language: str) -> None:
    dutch = _load("phrases", texts.STAFF_LANGUAGE)
    own = _load("phrases", language)
    assert own["language"] == language
    assert own["review_status"].strip()
    assert set(own["phrases"]) >= set(dutch["phrases"]), language
    for key, text in dutch["phrases"].items():
        assert own["phrases"][key].strip(), key
        assert _found(NUMBER, own["phrases"][key]) == _found(NUMBER, text), key
    assert texts.quick_phrases(language)["available_in_user_language"] is True
