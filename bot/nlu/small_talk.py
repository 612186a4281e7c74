"""Small talk only when the message is small talk.

The classifier answers "me despidieron" with goodbye, "thanks to the pandemic I lost my job,
where do I start?" with "you're welcome" and "necesito clases de inglés" with a change of
language: a greeting, thanks or a language name outweighs the request around it. When the
classifier chose a small-talk intent but the message carries a request (a word of
content/request_words.yml or a topic word of content/knowledge), the message is answered as
the request: the classifier's best topic that is not small talk, when it gives that topic some
weight, else "I'm not sure I understood". An explicit "in Spanish" still switches the language
(the language tagger decides that on its own), so "en español, dónde queda el centro" switches
and answers.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import content
from bot.intents import SMALL_TALK
from bot.knowledge import resolve
from bot.knowledge.store import WORD_LISTS
from bot.nlu.component import MessageRule
from bot.nlu.intent import BUTTON_PAYLOAD_PREFIX
from bot.textnorm import fold_words

FALLBACK_INTENT = "nlu_fallback"
# The least confidence the classifier must give a topic for it to answer a request it read as
# small talk; below it the person gets "I'm not sure". Chosen on the held-out sets
# (docs/nlu-evaluation.md).
REQUEST_FLOOR = 0.5


# A language name ("English please") is small talk too when nothing else is asked.
SMALL_TALK_HERE = SMALL_TALK | {"change_language"}


@content.cached
def request_phrases() -> tuple[str, ...]:
    """The request words and phrases of both languages, folded."""
    data = content.read(content.REQUEST_WORDS)
    return tuple(sorted({fold_words(word) for words in data["words"].values() for word in words}))


def carries_request(text: str) -> bool:
    """Whether ``text`` names something people ask a job center for."""
    padded = f" {fold_words(text)} "
    if any(f" {phrase} " in padded for phrase in request_phrases()):
        return True
    return any(resolve(kind, text) is not None for kind in WORD_LISTS)


def request_intent(ranking: list[dict[str, Any]], small_talk: frozenset[str]) -> dict[str, Any]:
    """The best-ranked intent that is not small talk, or the fallback when it is too weak."""
    for ranked in ranking:
        name = ranked.get("name")
        if name in small_talk or name == FALLBACK_INTENT:
            continue
        if ranked.get("confidence", 0.0) >= REQUEST_FLOOR:
            return {"name": name, "confidence": ranked["confidence"]}
        break
    return {"name": FALLBACK_INTENT, "confidence": 1.0}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SmallTalkGuard(MessageRule):
    """Answers a request wrapped in small talk as the request (see the module docstring)."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name")
            if text.startswith(BUTTON_PAYLOAD_PREFIX) or intent not in SMALL_TALK_HERE:
                continue
            if carries_request(text):
                ranking = message.get(INTENT_RANKING_KEY) or []
                message.set(INTENT, request_intent(ranking, SMALL_TALK_HERE), add_to_output=True)
        return messages
