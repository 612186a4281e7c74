"""One catalog of user-facing text per language, read from ``content/texts/<lang>/*.yml``.

Actions never carry sentences in code: they ask this catalog for a key and fill in values.
Every key must exist in every language; ``tests/test_texts.py`` renders them all.
This module also says which languages the assistant speaks: every other part imports them here.
"""

from __future__ import annotations

from string import Formatter
from typing import Literal, cast, get_args

from bot import content

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"


def reply_language(language: str | None) -> Language:
    """The catalog language to use: "other" and unknown languages fall back to English."""
    return cast(Language, language) if language in LANGUAGES else DEFAULT_LANGUAGE


@content.cached
def catalog(language: str) -> dict[str, str]:
    """All texts of one language, merged from its topic files; a duplicate key is an error."""
    merged: dict[str, str] = {}
    for path in content.yaml_files(content.TEXTS_DIR / language):
        for key, value in content.read(path).items():
            if key in merged:
                raise ValueError(f"text key {key!r} is defined twice ({path.name})")
            merged[key] = value
    return merged


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template expects, so tests can check both languages ask for the same."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def render(key: str, language: str | None, **values: object) -> str:
    """The text for ``key`` in the conversation's language, with ``values`` filled in."""
    template = catalog(reply_language(language))[key]
    return template.format(**values)
