"""Group the messages the assistant could not answer, so staff read one line per question.

The messages it possibly misunderstood are grouped the same way, apart for each intent they
were taken as, with why each was flagged.

Texts are masked first (phone numbers, e-mails, SSN- and A-number-like strings), then grouped by
spelling similarity: identical after folding accents and case, or close in character n-grams
(TF-IDF, cosine), which is what typos and short variants of one question have in common.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer

from bot.privacy import mask_personal_data
from bot.report.conversations import Message
from bot.report.misread import REASONS
from bot.textnorm import fold

# Cosine similarity of character 2-4-grams above which two messages count as one question.
# 0.5 joins "donde puedo sacar el permiso de trabajo" with "donde saco permiso de trabajo"
# and keeps "zxqv blorp" apart from both.
SIMILARITY = 0.5
MAX_VARIANTS = 3
_PUNCTUATION = re.compile(r"[^\w\[\]]+")


@dataclass(frozen=True)
class Group:
    """Messages in one language that say nearly the same thing."""

    language: str | None
    count: int
    example: str
    variants: tuple[str, ...]
    # The model's best guess for a fallback; for a possibly misunderstood message, the intent
    # it was taken as.
    closest_intent: str | None
    # Possibly misunderstood only: why, with how many messages each ("rephrased", 2).
    reasons: tuple[tuple[str, int], ...] = ()

    def why(self) -> str:
        """ "rephrased ×2, said no" for staff; empty for other groups."""
        return ", ".join(f"{reason} ×{n}" if n > 1 else reason for reason, n in self.reasons)


def _masked(text: str) -> str:
    return " ".join(mask_personal_data(text).split())


def _key(text: str) -> str:
    """Folded for accents, case and punctuation: "¿Dónde?" and "donde" are one wording."""
    return " ".join(_PUNCTUATION.sub(" ", fold(_masked(text))).split())


def _sorted(groups: list[Group]) -> list[Group]:
    return sorted(groups, key=lambda g: (-g.count, str(g.language), g.example))


def group_messages(messages: Sequence[Message]) -> list[Group]:
    """Groups, largest first, separately per language; every text shown is masked."""
    groups: list[Group] = []
    for language in dict.fromkeys(m.language for m in messages):
        in_language = [m for m in messages if m.language == language]
        groups.extend(_group_one_language(language, in_language))
    return _sorted(groups)


def group_misread(messages: Sequence[Message]) -> list[Group]:
    """Possibly misunderstood messages grouped like the unanswered ones, but apart for each
    intent they were taken as: the group says which intent is too eager and what it caught."""
    groups: list[Group] = []
    for language, intent in dict.fromkeys((m.language, m.intent) for m in messages):
        mine = [m for m in messages if m.language == language and m.intent == intent]
        groups.extend(_group_one_language(language, mine, hint=lambda m: m.intent))
    return _sorted(groups)


def _guess(message: Message) -> str | None:
    return message.guess


def _group_one_language(
    language: str | None,
    messages: Sequence[Message],
    hint: Callable[[Message], str | None] = _guess,
) -> list[Group]:
    by_key: dict[str, list[Message]] = {}
    for message in sorted(messages, key=lambda m: m.timestamp):
        by_key.setdefault(_key(message.text), []).append(message)
    # Most frequent wording first, then the earliest: it leads its group and is the example.
    keys = sorted(by_key, key=lambda key: (-len(by_key[key]), by_key[key][0].timestamp))
    groups = []
    for cluster in _cluster(keys):
        members = [m for key in cluster for m in by_key[key]]
        wordings = [_masked(by_key[key][0].text) for key in cluster]
        intents = Counter(hint(m) for m in members if hint(m))
        reasons = Counter(m.misread for m in members if m.misread)
        groups.append(
            Group(
                language=language,
                count=len(members),
                example=wordings[0],
                variants=tuple(wordings[1 : 1 + MAX_VARIANTS]),
                closest_intent=intents.most_common(1)[0][0] if intents else None,
                reasons=tuple((r, reasons[r]) for r in REASONS if reasons[r]),
            )
        )
    return groups


def _cluster(keys: list[str]) -> list[list[str]]:
    """Each key joins the first earlier cluster whose leading key is similar enough.

    Keys come most frequent first, so every cluster is led by its most common wording.
    """
    if len(keys) < 2:
        return [keys] if keys else []
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(keys)
    similarity = (vectors @ vectors.T).toarray()
    clusters: list[list[int]] = []
    for index in range(len(keys)):
        for cluster in clusters:
            if similarity[cluster[0], index] >= SIMILARITY:
                cluster.append(index)
                break
        else:
            clusters.append([index])
    return [[keys[i] for i in cluster] for cluster in clusters]
