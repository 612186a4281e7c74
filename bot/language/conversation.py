"""The conversation rule: when a message changes the language the assistant answers in.

Switching on every short message would flip a Spanish conversation to English on "ok" and back
on "sí"; never switching would keep answering a newcomer in English. So: an explicit request
always wins; then a confident detection; the website's language only fills an empty slot;
otherwise the conversation keeps its language.
"""

from __future__ import annotations

from bot.language.detector import SlotLanguage, detect
from bot.language.requests import explicit_request, normalize_language_tag

# A conversation that already has a language switches only on strong evidence (one clear
# lexicon word, or a sentence); an empty slot takes weaker evidence.
SWITCH_CONFIDENCE = 0.8
START_CONFIDENCE = 0.65


def decide(current: str | None, text: str, metadata_language: object = None) -> SlotLanguage | None:
    """The new value of the ``language`` slot ("en", "es", "other"), or None to keep ``current``.

    ``metadata_language`` is the website's language, as a tag ("es-MX") or the message
    metadata mapping ({"language": "es"}); it matters only while ``current`` is empty, because
    the page language says less than what the person actually writes.
    """
    requested = explicit_request(text)
    if requested:
        return requested
    detection = detect(text)
    if detection.language != "unsure" and detection.confidence >= SWITCH_CONFIDENCE:
        return detection.language
    if current is None:
        from_site = normalize_language_tag(metadata_language)
        if from_site:
            return from_site
        if detection.language != "unsure" and detection.confidence >= START_CONFIDENCE:
            return detection.language
    return None
