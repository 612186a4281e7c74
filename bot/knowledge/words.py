"""Map what people type ("cdl", "almacen", "soy veterano", "techapalooza") to an entry of one of
the knowledge word lists: a sector of sectors.yml, a group of people of groups.yml, a program of
programs.yml.

The words live in the YAML so staff can add one without a code change; matching is on whole
words after dropping case, accents and punctuation, because users write "almacen" and "Almacén".
"""

from __future__ import annotations

import re

from bot import content
from bot.knowledge.store import WORD_LISTS, Named, knowledge
from bot.textnorm import fold, fold_words

Index = tuple[dict[str, str], tuple[tuple[str, str], ...]]


@content.cached
def _index(kind: str) -> Index:
    return _build_index(tuple(knowledge().word_lists[kind].values()))


def _build_index(entries: tuple[Named, ...]) -> Index:
    """Whole-message words and in-sentence phrases (longest first); shared words are an error."""
    exact: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for entry in entries:
        for word in (entry.id, *entry.exact_only):
            _claim(exact, fold_words(word), entry.id)
        for word in entry.synonyms:
            _claim(phrases, fold_words(word), entry.id)
    for word, entry_id in phrases.items():
        _claim(exact, word, entry_id)
    ordered = tuple(sorted(phrases.items(), key=lambda item: -len(item[0])))
    return exact, ordered


def _claim(table: dict[str, str], word: str, entry_id: str) -> None:
    if table.get(word, entry_id) != entry_id:
        raise ValueError(f"the word {word!r} is listed for both {table[word]} and {entry_id}")
    table[word] = entry_id


def resolve(kind: str, text: str | None) -> str | None:
    """The id of the ``kind`` entry ("sectors", "groups", "programs") named in ``text`` (a slot
    value or a whole message), or None."""
    if kind not in WORD_LISTS:
        raise ValueError(f"no word list {kind!r}; the lists are {WORD_LISTS}")
    if not text:
        return None
    words = fold_words(text)
    exact, phrases = _index(kind)
    if words in exact:
        return exact[words]
    padded = f" {words} "
    for phrase, entry_id in phrases:
        if f" {phrase} " in padded:
            return entry_id
    return None


def resolve_sector(text: str | None) -> str | None:
    """The sector id named in ``text``, or None."""
    return resolve("sectors", text)


def named_span(kind: str, text: str) -> tuple[int, int] | None:
    """Where in ``text`` (character offsets) the ``kind`` entry it names is written, or None.

    The words of the entry are looked for in the accent- and case-folded text, which keeps
    the offsets of the original.
    """
    entry_id = resolve(kind, text)
    if entry_id is None:
        return None
    entry = knowledge().word_lists[kind][entry_id]
    folded = fold(text)
    for phrase in sorted((entry.id, *entry.synonyms, *entry.exact_only), key=len, reverse=True):
        words = fold_words(phrase.replace("_", " ")).split()
        pattern = r"\b" + r"[\W_]+".join(re.escape(word) for word in words) + r"\b"
        found = re.search(pattern, folded)
        if found:
            return found.span()
    return None
