"""Decide the conversation language on every message, before the reply is chosen.

The decision (``bot.language.decide``) becomes a ``language`` entity that the ``language`` slot
maps from. When a message is not decisive ("ok", "60608", an emoji) no entity is emitted, so the
slot keeps the conversation's language: stickiness comes from slot semantics, with no extra call
to the action server. A message in a language we do not speak gets the intent
``unsupported_language``, whose reply is in both English and Spanish. Button payloads
("/find_ajc") are not language: they keep the conversation's language or carry their own.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import decide

UNSUPPORTED_INTENT = "unsupported_language"
BUTTON_PAYLOAD_PREFIX = "/"


def metadata_language(message: Message) -> object:
    """The language the website sent with the message, if any."""
    metadata = message.get("metadata") or {}
    return metadata.get("language") if isinstance(metadata, dict) else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageTagger(GraphComponent, EntityExtractorMixin):
    """Adds the ``language`` entity and routes other languages to ``unsupported_language``."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageTagger:
        decide(None, "warm up the detector", None)
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith(BUTTON_PAYLOAD_PREFIX):
                continue
            language = decide(None, text, metadata_language(message))
            if language is None:
                continue
            entity = {"entity": "language", "start": 0, "end": len(text), "value": language}
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != "language"]
            message.set(ENTITIES, entities + self.add_extractor_name([entity]), add_to_output=True)
            if language == "other":
                intent = {"name": UNSUPPORTED_INTENT, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
