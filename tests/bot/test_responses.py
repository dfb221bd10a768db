"""The response catalogues: complete, generated, crisis lines first, numbers from facts.md."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
RESPONSES_DIR = REPO_ROOT / "bot" / "responses"
FACTS = Path("/work/shared/data/nl/facts.md")
FULL_LANGUAGES = ("nl", "en", "ar", "tr", "pl", "uk")
SAFETY_LANGUAGES = ("fa", "so", "ti")
SAFETY_KEYS = (
    "utter_immediate_danger",
    "utter_quick_exit_reminder",
    "utter_suicidal_thoughts",
    "utter_domestic_violence",
    "utter_sexual_violence",
    "utter_find_shelter",
    "utter_helplines",
    # "I want a person" is safety-critical too (issue 5).
    "utter_offer_counsellor",
    "utter_offer_declined",
    "utter_ask_handoff_consent",
)
# A phone number: at least 7 digits with spaces/dashes between, or the short numbers.
PHONE = re.compile(r"\+?\d[\d\- –]{5,}\d|\b11[23]\b")


def entries(language: str) -> dict[str, Any]:
    data = yaml.safe_load((RESPONSES_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    responses: dict[str, Any] = data["responses"]
    return responses


def catalogue(language: str) -> dict[str, str]:
    """Each response's text (an entry is a text, or a mapping with text and buttons)."""
    return {
        key: entry if isinstance(entry, str) else entry["text"]
        for key, entry in entries(language).items()
    }


def button_payloads(language: str) -> dict[str, list[str]]:
    return {
        key: [button["payload"] for button in entry.get("buttons", [])]
        for key, entry in entries(language).items()
        if isinstance(entry, dict)
    }


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def phone_numbers(text: str) -> set[str]:
    found = {digits(m) for m in PHONE.findall(text)}
    return {n for n in found if len(n) >= 7 or n in {"112", "113"}}


def test_build_responses_domain_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(RESPONSES_DIR / "build.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("language", FULL_LANGUAGES)
def test_catalogue_has_every_response(language: str) -> None:
    assert set(catalogue(language)) == set(catalogue("nl"))


@pytest.mark.parametrize("language", SAFETY_LANGUAGES)
def test_catalogue_has_safety_responses(language: str) -> None:
    missing = set(SAFETY_KEYS) - set(catalogue(language))
    assert not missing
    assert set(catalogue(language)) <= set(catalogue("nl")), "unknown response names"


@pytest.mark.parametrize("language", FULL_LANGUAGES + SAFETY_LANGUAGES)
def test_buttons_send_same_payloads_as_source(language: str) -> None:
    """Button titles are translated; payloads are intents and must not change."""
    source = button_payloads("nl")
    assert source["utter_offer_counsellor"] == ["/talk_to_human", "/deny"]
    for key, payloads in button_payloads(language).items():
        assert payloads == source.get(key), key
    assert set(button_payloads(language)) == set(source)
    for key in button_payloads(language):
        assert all(str(b["title"]).strip() for b in entries(language)[key]["buttons"]), key


@pytest.mark.parametrize("language", FULL_LANGUAGES + SAFETY_LANGUAGES)
def test_danger_reply_starts_with_112(language: str) -> None:
    first_line = catalogue(language)["utter_immediate_danger"].splitlines()[0]
    assert "112" in first_line
    assert len(first_line) <= 40, "the first line is short: only the call to action"


@pytest.mark.parametrize("language", FULL_LANGUAGES + SAFETY_LANGUAGES)
def test_suicide_reply_starts_with_113_and_names_112(language: str) -> None:
    lines = catalogue(language)["utter_suicidal_thoughts"].splitlines()
    assert "113" in lines[0] and "0800-0113" in lines[0]
    assert "112" in lines[1]


@pytest.mark.parametrize("language", FULL_LANGUAGES + SAFETY_LANGUAGES)
def test_placeholders_match_source(language: str) -> None:
    source = catalogue("nl")
    for key, text in catalogue(language).items():
        assert set(re.findall(r"{\w+}", text)) == set(re.findall(r"{\w+}", source[key])), key


@pytest.mark.parametrize("language", FULL_LANGUAGES + SAFETY_LANGUAGES)
def test_phone_numbers_come_from_facts(language: str) -> None:
    # Numbers in facts.md may wrap across lines.
    known = phone_numbers(re.sub(r"\s+", " ", FACTS.read_text(encoding="utf-8")))
    for key, text in catalogue(language).items():
        unknown = phone_numbers(text) - known
        assert not unknown, f"{language} {key}: numbers not in facts.md: {unknown}"


@pytest.mark.parametrize("language", FULL_LANGUAGES + SAFETY_LANGUAGES)
def test_texts_state_same_numbers_as_source(language: str) -> None:
    """A translation may not drop or change a number the Dutch text gives."""
    source = catalogue("nl")
    for key, text in catalogue(language).items():
        expected = phone_numbers(source[key])
        if language in SAFETY_LANGUAGES:
            assert phone_numbers(text) <= expected, key
        else:
            assert phone_numbers(text) == expected, key


def test_unconfirmed_facts_are_not_stated() -> None:
    """facts.md marks these unconfirmed: CSG care free of charge, a free Slachtofferhulp call."""
    nl, en = catalogue("nl"), catalogue("en")
    assert "gratis" not in nl["utter_csg_acute_care"]
    assert not re.search(r"medische? (zorg|hulp) is gratis", " ".join(nl.values()))
    assert "the call costs a local rate" in en["utter_legal_help"]
    assert "het gesprek kost lokaal tarief" in nl["utter_legal_help"]
