"""Decide the conversation language on every message, before the reply is chosen.

The decision (``bot.language.decide``: an explicit request or a confident detection, else the
language the website sent as metadata) becomes a ``language`` entity that the ``language`` slot
maps from. When a message is not decisive ("ok", "60608", an emoji) no entity is emitted, so the
slot keeps the conversation's language: stickiness comes from slot semantics, with no extra call
to the action server. A message in a language we do not speak gets the intent
``unsupported_language``, whose reply is in both English and Spanish. Button payloads
("/find_ajc") are not language: they keep the conversation's language or carry their own.
Words no language list knows ("zxqv blorp") go to the fallback unless the classifier is sure.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import decide, normalize_language_tag, warm_up
from bot.language.gibberish import is_gibberish
from bot.nlu.component import MessageRule
from bot.nlu.intent import BUTTON_PAYLOAD_PREFIX, set_intent
from bot.nlu.locations import LOCATION_ENTITIES
from bot.nlu.topic_router import PROGRAM_ENTITY

UNSUPPORTED_INTENT = "unsupported_language"
NAME_ENTITIES = (*LOCATION_ENTITIES, PROGRAM_ENTITY)
FALLBACK_INTENT = "nlu_fallback"
# Keyboard mashing ("zxqv blorp") is sent to the fallback unless the classifier is this sure:
# a typo such as "trabjo" is unknown to the word lists but still confidently understood.
GIBBERISH_TRUST = 0.6
# decide() needs the conversation's current language, which NLU cannot see. Any known language
# gives the same answer (tests/test_language.py checks it): only explicit requests and confident
# detections. A new conversation's weaker first guess is therefore not used here.
ESTABLISHED = "en"


def without_locations(message: Message, text: str) -> str:
    """The text with ZIP codes, place names and program names blanked: "Berwyn IL" or
    "Techapalooza" says nothing of language."""
    for entity in message.get(ENTITIES, []):
        if entity.get("entity") in NAME_ENTITIES:
            start, end = entity["start"], entity["end"]
            text = text[:start] + " " * (end - start) + text[end:]
    return text


def metadata_language(message: Message) -> object:
    """The language the website sent with the message, if any."""
    metadata = message.get("metadata") or {}
    return metadata.get("language") if isinstance(metadata, dict) else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageTagger(MessageRule, EntityExtractorMixin):
    """Adds the ``language`` entity and routes other languages to ``unsupported_language``."""

    @classmethod
    def build(cls) -> LanguageTagger:
        warm_up()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith(BUTTON_PAYLOAD_PREFIX):
                continue
            words = without_locations(message, text)
            intent = message.get(INTENT) or {}
            if is_gibberish(words) and intent.get("confidence", 0.0) < GIBBERISH_TRUST:
                set_intent(message, FALLBACK_INTENT)
            language = decide(ESTABLISHED, words) or normalize_language_tag(
                metadata_language(message)
            )
            if language is None:
                continue
            entity = {"entity": "language", "start": 0, "end": len(text), "value": language}
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != "language"]
            message.set(ENTITIES, entities + self.add_extractor_name([entity]), add_to_output=True)
            if language == "other":
                set_intent(message, UNSUPPORTED_INTENT)
        return messages
