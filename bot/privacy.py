"""Masking of personal data: in free text, and in stored conversation events.

Conversations are kept to see what people ask, not who they are. Phone numbers, e-mails,
SSN-like and A-number-like strings are replaced by a label wherever text is stored; the answers
to the call-back form's name and contact questions are replaced too once the form is over, since
a name cannot be recognised by its shape. The referral itself keeps the real values
(bot.referrals), because staff must call the person back.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

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

# Slots that hold who the person is while the call-back form runs, and the label that replaces
# their value in stored text. Their stored slot values become None: a value carried into a new
# session is then asked again instead of being read back as "[name]".
PERSONAL_SLOTS = {"referral_name": "[name]", "referral_contact": "[contact]"}
# Shorter values are not replaced word by word elsewhere ("Al" would hit "Al" the article).
_MIN_KNOWN_VALUE = 3


def mask_personal_data(text: str) -> str:
    """``text`` with e-mails, phone numbers, SSN-like and A-number-like strings replaced.

    Errs on the side of masking: a harmless 9-digit number is masked too. ZIP codes stay, as
    they are needed to analyse where people are and do not identify anyone on their own.
    """
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Masker:
    """Masks the text of stored events, knowing the personal values given in the conversation.

    ``known`` maps each value given to a personal slot ("Maria", "+13125550147") to its label, so
    the answer "Maria" and the summary line "Nombre: Maria" are masked along with the slot.
    """

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.known = {
            value: label
            for value, label in (known or {}).items()
            if len(value.strip()) >= _MIN_KNOWN_VALUE
        }
        alternatives = sorted(self.known, key=len, reverse=True)
        self._known_pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(value) for value in alternatives) + r")(?!\w)",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )
        self._labels = {value.casefold(): label for value, label in self.known.items()}

    def text(self, text: str) -> str:
        if self._known_pattern is not None:
            text = self._known_pattern.sub(lambda m: self._labels[m.group().casefold()], text)
        return mask_personal_data(text)

    def value(self, value: Any) -> Any:
        """Strings masked inside any JSON-like value (lists, mappings, scalars)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """A masked copy of one serialised Rasa event (``Event.as_dict()``)."""
        masked = copy.deepcopy(event)
        kind = masked.get("event")
        if kind == "user":
            self._mask_keys(masked, ("text", "metadata"))
            parse_data = masked.get("parse_data")
            if isinstance(parse_data, dict):
                self._mask_keys(parse_data, ("text", "metadata"))
                self._mask_entities(parse_data.get("entities"))
        elif kind == "bot":
            self._mask_keys(masked, ("text", "data", "metadata"))
        elif kind == "slot":
            if masked.get("name") in PERSONAL_SLOTS:
                masked["value"] = None
            else:
                self._mask_keys(masked, ("value",))
        elif kind == "action":
            self._mask_keys(masked, ("action_text",))
        elif kind in ("entities", "reminder"):
            self._mask_entities(masked.get("entities"))
        return masked

    def _mask_keys(self, mapping: dict[str, Any], keys: Iterable[str]) -> None:
        for key in keys:
            if mapping.get(key) is not None:
                mapping[key] = self.value(mapping[key])

    def _mask_entities(self, entities: object) -> None:
        if isinstance(entities, list):
            for entity in entities:
                if isinstance(entity, dict):
                    self._mask_keys(entity, ("value", "text"))


def known_personal_values(events: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Every value a personal slot took in these serialised events, with its label."""
    return {
        event["value"]: PERSONAL_SLOTS[event["name"]]
        for event in events
        if event.get("event") == "slot"
        and event.get("name") in PERSONAL_SLOTS
        and isinstance(event.get("value"), str)
    }


def mask_event(event: dict[str, Any]) -> dict[str, Any]:
    """One event masked by pattern only (no personal values known)."""
    return Masker().event(event)
