"""Parsing of user-typed postcodes: Dutch PC6/PC4, foreign digits, foreign formats."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_INPUT_LENGTH = 64
# Letter pairs PostNL never issues (they read as SS/SD/SA abbreviations).
UNUSED_LETTER_PAIRS = frozenset({"SA", "SD", "SS"})

# Eastern Arabic (U+0660..) and Persian (U+06F0..) digits; NFKC does not map these.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})

_DUTCH = re.compile(
    r"^(?P<digits>\d{4})(?:\s*-?\s*(?P<letters>[A-Z]{2})(?![A-Z]))?(?:[\s,]+(?P<place>[^\d\s].+))?$"
)
_NL_PREFIX = re.compile(r"^NL\s*-?\s*(?=\d)")
_FOREIGN_PREFIX = re.compile(
    r"^(?:B|BE|D|DE|F|FR|L|LU|A|AT|CH|GB|UK|PL|ES|IT)\s*-\s*\d|^(?:BE|DE|FR|LU)\s*\d"
)
_FIVE_DIGITS = re.compile(r"^\d{5}(?:\s+.+)?$")
_UK = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")


class PostcodeError(ValueError):
    """A postcode that cannot be routed; `code` is the API's machine code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class ParsedPostcode:
    pc4: str
    letters: str | None
    place: str | None

    @property
    def display(self) -> str:
        return f"{self.pc4} {self.letters}" if self.letters else self.pc4


def normalise(raw: str) -> str:
    """Fold width/script variants of digits and letters, trim and upper-case."""
    text = unicodedata.normalize("NFKC", raw).translate(_DIGITS)
    text = text.replace("\u200f", "").replace("\u200e", "")  # bidi marks from RTL keyboards
    return " ".join(text.split()).upper()


def parse_postcode(raw: str) -> ParsedPostcode:
    """Parse one user-typed postcode; raise PostcodeError with a machine code."""
    if len(raw) > MAX_INPUT_LENGTH:
        raise PostcodeError(
            "invalid_postcode", f"a postcode is at most {MAX_INPUT_LENGTH} characters"
        )
    text = normalise(raw).strip(" .,;")
    if not text:
        raise PostcodeError(
            "invalid_postcode", "no postcode given; a Dutch postcode looks like 1234 AB"
        )
    if _FOREIGN_PREFIX.match(text):
        raise PostcodeError(
            "not_dutch_postcode", "this looks like a postcode outside the Netherlands"
        )
    text = _NL_PREFIX.sub("", text)
    match = _DUTCH.match(text)
    if match is None:
        if _FIVE_DIGITS.match(text) or _UK.match(text):
            raise PostcodeError(
                "not_dutch_postcode", "this looks like a postcode outside the Netherlands"
            )
        raise PostcodeError(
            "invalid_postcode",
            "not a Dutch postcode; it has 4 digits and may have 2 letters, like 1234 AB",
        )
    digits, letters, place = match.group("digits"), match.group("letters"), match.group("place")
    if digits.startswith("0"):
        raise PostcodeError("invalid_postcode", "Dutch postcodes start at 1000; none begins with 0")
    if letters in UNUSED_LETTER_PAIRS:
        raise PostcodeError(
            "invalid_postcode", f"the letters {letters} are not used in Dutch postcodes"
        )
    return ParsedPostcode(digits, letters, place.strip() if place else None)
