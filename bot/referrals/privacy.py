"""Masking of personal data in free text, for logs and transcripts kept for analysis."""

from __future__ import annotations

import re

_SEP = r"[\s.\-]?"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)+"), "[email]"),
    # Social Security number shape: 123-45-6789 or 123 45 6789.
    (re.compile(r"(?<!\d)\d{3}[\s\-]\d{2}[\s\-]\d{4}(?!\d)"), "[ssn]"),
    # USCIS A-number shape: A123456789, A-123-456-789, a# 12345678 (7 to 9 digits).
    (re.compile(r"\b[Aa]\s?[#\-]?\s?(?:\d[\s\-]?){6,8}\d(?!\d)"), "[a-number]"),
    # US phone numbers with or without +1, brackets and separators, then 7-digit local numbers.
    (
        re.compile(rf"(?<![\d+])(?:\+?1{_SEP})?\(?\d{{3}}\)?{_SEP}\d{{3}}{_SEP}\d{{4}}(?!\d)"),
        "[phone]",
    ),
    (re.compile(r"(?<![\d\-.])\d{3}[\-.]\d{4}(?![\d\-])"), "[phone]"),
    # Any other long digit run (an SSN without dashes, a card or case number).
    (re.compile(r"(?<!\d)\d{9,}(?!\d)"), "[number]"),
)


def mask_personal_data(text: str) -> str:
    """``text`` with e-mails, phone numbers, SSN-like and A-number-like strings replaced.

    Errs on the side of masking: a harmless 9-digit number is masked too. ZIP codes stay, as
    they are needed to analyse where people are and do not identify anyone on their own.
    """
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
