"""Find answers the assistant possibly got wrong, from what the person wrote right after.

A message is "possibly misunderstood" when the assistant answered it with confidence (typed, not
a fallback, not an answer to the call-back form) and the person's next message in the same
conversation:

- tapped "Something else" (the ``/something_else`` button): ``SOMETHING_ELSE``;
- said it was not what they asked ("that's not what I asked", "no es lo que pregunté"), or said
  a plain "no" (the ``deny`` intent, or a short "no" of the word list) when the assistant had not
  just asked a question, which "no" would answer: ``SAID_NO``;
- asked the same thing again in similar words: ``REPHRASED``. Similar means the content words of
  the two messages (without the ignored words of the word list) are close in spelling:
  character 2-4-gram cosine at least ``SIMILARITY``. A follow-up that adds a ZIP code or place
  the first message lacked is an answer to "what's your ZIP code?", not a rephrase.

"Possibly", because asking again is not always a sign of a mistake. The word lists are data:
content/report/misunderstood.yml.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sklearn.feature_extraction.text import TfidfVectorizer

from bot import content
from bot.textnorm import fold_words

if TYPE_CHECKING:  # conversations.py calls mark_misread: no import cycle at run time
    from bot.report.conversations import Message


SOMETHING_ELSE_INTENT = "something_else"
SOMETHING_ELSE_PAYLOAD = "/" + SOMETHING_ELSE_INTENT
DENY_INTENT = "deny"
SOMETHING_ELSE, SAID_NO, REPHRASED = "something else", "said no", "rephrased"
# In the order a group lists them, and the order the rules are tried.
REASONS = (SOMETHING_ELSE, SAID_NO, REPHRASED)
# Cosine similarity of character 2-4-grams of the content words above which the next message
# asks the same thing again. 0.5 joins "me despidieron" with "me despidieron, ¿qué hago?" and
# "clases de inglés" with "clases de ingles por favor", and keeps "what is TPS" apart from
# "what is WIOA" (no content word in common) and "aprender inglés" from "permiso de trabajo".
SIMILARITY = 0.5
# What the tracker store's masking leaves of a phone number or an e-mail: not a word of the
# question ("[phone]", "[email]", "[a-number]").
_PLACEHOLDER = re.compile(r"\[[a-z][a-z-]*\]")


@dataclass(frozen=True)
class WordLists:
    not_what_i_asked: tuple[str, ...]
    plain_no: frozenset[str]
    ignored: frozenset[str]


def _normal(text: str) -> str:
    """Folded words with apostrophes dropped first, so "that's" and "thats" are one word."""
    return fold_words(text.replace("'", "").replace("\u2019", ""))


def build_word_lists(data: dict) -> WordLists:
    def every(key: str) -> list[str]:
        return [_normal(str(w)) for words in (data.get(key) or {}).values() for w in words or []]

    return WordLists(
        not_what_i_asked=tuple(p for p in every("not_what_i_asked") if p),
        plain_no=frozenset(every("plain_no")),
        ignored=frozenset(every("ignored_words")),
    )


@content.cached
def load_word_lists(path: Path = content.MISUNDERSTOOD) -> WordLists:
    """The word lists, read once per process (every scalar a string: "no" stays a word)."""
    return build_word_lists(content.read(path, strings=True))


def content_words(text: str, words: WordLists) -> str:
    """The words that say what a message is about: no masked data, no ignored words."""
    plain = _normal(_PLACEHOLDER.sub(" ", text))
    return " ".join(w for w in plain.split() if w not in words.ignored)


def similarity(first: str, second: str, words: WordLists) -> float:
    """How close the content words of two messages are in spelling, from 0 to 1."""
    keys = [content_words(first, words), content_words(second, words)]
    if not all(keys):
        return 0.0
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), use_idf=False)
    matrix = vectors.fit_transform(keys)
    return float((matrix @ matrix.T).toarray()[0, 1])


def answered_with_confidence(message: Message) -> bool:
    """Typed, understood and answered: not a button, a fallback or an answer to the form."""
    return message.typed and bool(message.intent) and not message.fallback and not message.in_form


def says_not_what_i_asked(text: str, words: WordLists) -> bool:
    padded = f" {_normal(text)} "
    return any(f" {phrase} " in padded for phrase in words.not_what_i_asked)


def why_misread(message: Message, following: Message, words: WordLists) -> str | None:
    """Why ``following`` suggests ``message`` was misunderstood, or None when it does not."""
    if not answered_with_confidence(message):
        return None
    if following.intent == SOMETHING_ELSE_INTENT or following.text.startswith(
        SOMETHING_ELSE_PAYLOAD
    ):
        return SOMETHING_ELSE
    if not following.typed:
        return None  # any other button: the person chose something the answer offered
    if says_not_what_i_asked(following.text, words):
        return SAID_NO
    plain_no = following.intent == DENY_INTENT or _normal(following.text) in words.plain_no
    if plain_no and not message.asked:
        return SAID_NO
    adds_location = following.location is not None and message.location is None
    if not adds_location and similarity(message.text, following.text, words) >= SIMILARITY:
        return REPHRASED
    return None


def mark_misread(messages: Sequence[Message], words: WordLists | None = None) -> None:
    """Set ``misread`` on each message of one conversation that the next one calls into doubt."""
    words = words or load_word_lists()
    for message, following in itertools.pairwise(messages):
        message.misread = why_misread(message, following, words)
