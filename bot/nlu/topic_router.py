"""Route a message that names a Partnership program or a group of people to its topic.

The classifier reads "de que se trata techapalooza" as another language and "i served in the
navy, can you help me find work" as a job search: a program's name is a word it has rarely
seen, and a group of people is one detail of a longer request. The knowledge word lists
(content/knowledge/programs.yml and groups.yml, which staff extend without retraining) name
both exactly, so:

- a message naming one of the Partnership's programs is about that program, whatever intent
  the classifier chose (names are distinctive), except an employer's question (a hiring event
  such as Hospitality Hires has its own employer answer); the name is marked as a ``program``
  entity so the language decision does not read it as a word of another language;
- a message naming a group of people (youth, veterans, a record, a disability, older workers)
  goes to ``ask_group_services`` when the classifier chose a general intent (a job search,
  career services, small talk, out of scope) or was unsure; a specific intent (a named place,
  a sector, the call-back form, an employer question) keeps it.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.intents import SMALL_TALK
from bot.knowledge import resolve
from bot.knowledge.words import named_span
from bot.nlu.component import MessageRule
from bot.nlu.intent import BUTTON_PAYLOAD_PREFIX, set_intent

PROGRAMS_INTENT = "ask_partnership_programs"
GROUPS_INTENT = "ask_group_services"
PROGRAM_ENTITY = "program"
EMPLOYER_PREFIX = "employer_"
# Intents a named group of people takes over: general requests, small talk and uncertainty.
GROUP_TAKES_OVER = SMALL_TALK | {
    "job_search",
    "career_services",
    "ask_training_funding",
    "new_arrival_services",
    "ask_legal_help",
    "capabilities",
    "out_of_scope",
    "nlu_fallback",
}


def route(intent: str | None, text: str) -> str | None:
    """The intent a message naming a program or a group goes to, or None to keep ``intent``."""
    employer = (intent or "").startswith(EMPLOYER_PREFIX)
    if not employer and resolve("programs", text) is not None:
        return PROGRAMS_INTENT
    if intent in GROUP_TAKES_OVER and resolve("groups", text) is not None:
        return GROUPS_INTENT
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class TopicRouter(MessageRule, EntityExtractorMixin):
    """Sets the program or group topic a message names (see the module docstring)."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith(BUTTON_PAYLOAD_PREFIX):
                continue
            intent = (message.get(INTENT) or {}).get("name")
            routed = route(intent, text)
            if routed is not None and routed != intent:
                set_intent(message, routed)
            span = named_span("programs", text)
            if span is not None:
                start, end = span
                entity = {"entity": PROGRAM_ENTITY, "start": start, "end": end,
                          "value": text[start:end]}  # fmt: skip
                entities = message.get(ENTITIES, []) + self.add_extractor_name([entity])
                message.set(ENTITIES, entities, add_to_output=True)
        return messages
