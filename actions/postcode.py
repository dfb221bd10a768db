"""Postcodes as users type them: Arabic-Indic and Persian digits become ASCII digits."""

# U+0660-0669 (Arabic-Indic) and U+06F0-06F9 (Extended Arabic-Indic, used for Persian).
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})


def normalise_digits(text: str) -> str:
    """`٣٥١١ AB` -> `3511 AB`; other characters are kept (the directory parses the rest)."""
    return text.translate(_DIGITS)
