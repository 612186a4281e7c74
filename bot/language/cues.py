"""Character cues: letters and punctuation that only some languages use.

"¿", "¡" and "ñ" are Spanish; "ã", "õ" and "ç" never occur in Spanish (Portuguese, French,
Catalan); grave accents and apostrophe elisions ("l'emploi", "dell'") point to French, Italian or
Catalan. These survive typos and are decisive where a word list has never seen the word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.language.text import script_of

SPANISH_PUNCTUATION = frozenset("¿¡")
SPANISH_LETTERS = frozenset("ñ")
# Acute accents: Spanish uses them, but so do Portuguese, Catalan and others: a small push only.
SPANISH_ACCENTS = frozenset("áíóú")
# Letters no Spanish or English word contains (Portuguese, French, Catalan, Italian, Polish,
# Romanian, German, Vietnamese, Haitian Creole...). "ü" and "é" are left out: Spanish has them.
OTHER_LETTERS = frozenset(
    "ãõçàèìòùâêîôûëïœæßøåäöąęłśźżćńőűşğıțșăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
)
_ELISION = re.compile(r"(?<![\w'])(?:l|d|j|qu|c|n|s|m|t|un|dell|all|nell|sull|dall)'[^\W\d_]", re.I)

PUNCTUATION_WEIGHT = 1.5
ENYE_WEIGHT = 1.2
ACCENT_WEIGHT = 0.25
OTHER_LETTER_WEIGHT = 1.5
ELISION_WEIGHT = 1.5
# Endings only Spanish has among its neighbours (Portuguese -ção/-dade/-ava/-mento, Italian
# -zione/-tà, Catalan -ció/-tat/-atge, English -age): they catch the many verb forms and nouns no
# word list can hold. Checked against wordfreq's lists: each is at least 20 times more frequent
# in Spanish text than in English, Portuguese, French, Italian or Catalan.
SPANISH_ENDINGS = ("cion", "ciones", "iones", "dad", "aba", "abas", "aban", "abamos",
                   "aron", "eron", "ieron", "iendo", "ibamos", "iento", "ientos", "aje", "ajes",
                   "arse", "irse")  # fmt: skip
ENDING_WEIGHT = 0.5
MAX_ENDING_EVIDENCE = 1.0


def character_evidence(text: str) -> dict[str, float]:
    """Evidence per class from characters alone (each kind of cue counts once)."""
    lowered = text.casefold()
    chars = set(lowered)
    evidence = {"en": 0.0, "es": 0.0, "other": 0.0}
    if chars & SPANISH_PUNCTUATION:
        evidence["es"] += PUNCTUATION_WEIGHT
    if chars & SPANISH_LETTERS:
        evidence["es"] += ENYE_WEIGHT
    if chars & SPANISH_ACCENTS:
        evidence["es"] += ACCENT_WEIGHT
    if chars & OTHER_LETTERS:
        evidence["other"] += OTHER_LETTER_WEIGHT
    if _ELISION.search(lowered):
        evidence["other"] += ELISION_WEIGHT
    return evidence


def ending_evidence(bare_words: Iterable[str]) -> dict[str, float]:
    """Spanish evidence from endings of words the lexicon does not know (accentless forms)."""
    hits = sum(1 for word in bare_words if len(word) >= 5 and word.endswith(SPANISH_ENDINGS))
    return {"en": 0.0, "es": min(MAX_ENDING_EVIDENCE, ENDING_WEIGHT * hits), "other": 0.0}


def letter_scripts(text: str) -> tuple[int, int]:
    """(Latin letters, letters of any other script): Cyrillic, CJK, Arabic... mean "other"."""
    latin = other = 0
    for char in text:
        if char.isalpha():
            if script_of(char) == "LATIN":
                latin += 1
            else:
                other += 1
    return latin, other
