"""Unit tests of postcode parsing (no database)."""

from __future__ import annotations

import pytest

from services_directory.postcode import PostcodeError, normalise, parse_postcode


@pytest.mark.parametrize(
    ("raw", "pc4", "letters"),
    [
        ("1234AB", "1234", "AB"),
        ("1234 ab", "1234", "AB"),
        (" 1234-AB ", "1234", "AB"),
        ("1234", "1234", None),
        ("NL-1234 AB", "1234", "AB"),
        ("٣٥١١", "3511", None),  # Eastern Arabic digits
        ("۳۵۱۱ AB", "3511", "AB"),  # Persian digits
        ("３５１１ＡＢ", "3511", "AB"),  # full-width (Japanese/Chinese keyboards)
        ("\u200f٣٥١١\u200f", "3511", None),  # RTL marks around the number
    ],
)
def test_parse_postcode_accepts_dutch_forms(raw: str, pc4: str, letters: str | None) -> None:
    parsed = parse_postcode(raw)
    assert (parsed.pc4, parsed.letters) == (pc4, letters)


def test_parse_postcode_keeps_place() -> None:
    parsed = parse_postcode("3511 AB Utrecht")
    assert parsed.place == "UTRECHT"
    assert parsed.display == "3511 AB"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "invalid_postcode"),
        ("   ", "invalid_postcode"),
        ("0999 AB", "invalid_postcode"),
        ("0123", "invalid_postcode"),
        ("1234 SA", "invalid_postcode"),
        ("1234 SD", "invalid_postcode"),
        ("1234 SS", "invalid_postcode"),
        ("123", "invalid_postcode"),
        ("12345AB", "invalid_postcode"),
        ("1234 A", "invalid_postcode"),
        ("'; DROP TABLE service;--", "invalid_postcode"),
        ("<script>alert(1)</script>", "invalid_postcode"),
        ("1" * 65, "invalid_postcode"),
        ("B-2000", "not_dutch_postcode"),
        ("BE-2000", "not_dutch_postcode"),
        ("D-10115", "not_dutch_postcode"),
        ("75001", "not_dutch_postcode"),
        ("10115 Berlin", "not_dutch_postcode"),
        ("SW1A 1AA", "not_dutch_postcode"),
    ],
)
def test_parse_postcode_rejects(raw: str, code: str) -> None:
    with pytest.raises(PostcodeError) as info:
        parse_postcode(raw)
    assert info.value.code == code
    assert info.value.message


def test_normalise_folds_digits_and_case() -> None:
    assert normalise("  ٣٥١١   ab ") == "3511 AB"
