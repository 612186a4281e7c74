"""Decide the conversation language on every message, before the reply is chosen.

The decision (``bot.language.decide`` with the conversation's current language, which
``bot.nlu.conversation_context`` makes visible: an explicit request or a confident detection,
a weaker one for a conversation's first message, else the language the website sent as
metadata) becomes a ``language`` entity that the ``language`` slot maps from. When a message is
not decisive ("ok", "60608", an emoji) no entity is emitted, so the slot keeps the
conversation's language: stickiness comes from slot semantics, with no extra call to the action
server. A message in a language we do not speak gets the intent
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
from bot.nlu.conversation_context import conversation_language
from bot.nlu.intent import BUTTON_PAYLOAD_PREFIX, set_intent
from bot.nlu.locations import LOCATION_ENTITIES
from bot.nlu.topic_router import PROGRAM_ENTITY

UNSUPPORTED_INTENT = "unsupported_language"
NAME_ENTITIES = (*LOCATION_ENTITIES, PROGRAM_ENTITY)
FALLBACK_INTENT = "nlu_fallback"
# Keyboard mashing ("zxqv blorp") is sent to the fallback unless the classifier is this sure:
# a typo such as "trabjo" is unknown to the word lists but still confidently understood.
GIBBERISH_TRUST = 0.6


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


def message_language(words: str, from_site: object) -> str | None:
    """The language this message gives the conversation, or None to keep it.

    A new conversation takes weaker evidence ("sí", "qué es el TPS?") and fills from the
    website's language; a conversation with a language switches only on an explicit request or
    a confident detection, or when the website sends a language again (the widget does so only
    when the person toggles English/Español).
    """
    current = conversation_language.get()
    if current is None:
        return decide(None, words, from_site)
    return decide(current, words) or normalize_language_tag(from_site)


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
            language = message_language(words, metadata_language(message))
            if language is None:
                continue
            entity = {"entity": "language", "start": 0, "end": len(text), "value": language}
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != "language"]
            message.set(ENTITIES, entities + self.add_extractor_name([entity]), add_to_output=True)
            if language == "other":
                set_intent(message, UNSUPPORTED_INTENT)
        return messages
