"""Map what people type ("cdl", "almacen", "enfermería") to a sector id from sectors.yml.

The words live in the YAML so staff can add one without a code change; matching is on whole
words after dropping case, accents and punctuation, because users write "almacen" and "Almacén".
"""

from __future__ import annotations

from bot import content
from bot.knowledge.store import Sector, knowledge
from bot.textnorm import fold_words


@content.cached
def _index() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    return _build_index(tuple(knowledge().sectors.values()))


def _build_index(
    sectors: tuple[Sector, ...],
) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Whole-message words and in-sentence phrases (longest first); shared words are an error."""
    exact: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for sector in sectors:
        for word in (sector.id, *sector.exact_only):
            _claim(exact, fold_words(word), sector.id)
        for word in sector.synonyms:
            _claim(phrases, fold_words(word), sector.id)
    for word, sector_id in phrases.items():
        _claim(exact, word, sector_id)
    ordered = tuple(sorted(phrases.items(), key=lambda item: -len(item[0])))
    return exact, ordered


def _claim(table: dict[str, str], word: str, sector_id: str) -> None:
    if table.get(word, sector_id) != sector_id:
        raise ValueError(f"sector word {word!r} is listed for both {table[word]} and {sector_id}")
    table[word] = sector_id


def resolve_sector(text: str | None) -> str | None:
    """The sector id named in ``text`` (a slot value or a whole message), or None."""
    if not text:
        return None
    words = fold_words(text)
    exact, phrases = _index()
    if words in exact:
        return exact[words]
    padded = f" {words} "
    for phrase, sector_id in phrases:
        if f" {phrase} " in padded:
            return sector_id
    return None
