"""One catalog of user-facing text per language, read from ``content/texts/<lang>/*.yml``.

Actions never carry sentences in code: they ask this catalog for a key and fill in values.
Every key must exist in every language; ``tests/test_texts.py`` renders them all.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Formatter

import yaml

from bot import CONTENT_DIR

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
TEXTS_DIR = CONTENT_DIR / "texts"


def reply_language(language: str | None) -> str:
    """The catalog language to use: "other" and unknown languages fall back to English."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalog(language: str) -> dict[str, str]:
    """All texts of one language, merged from its topic files; a duplicate key is an error."""
    merged: dict[str, str] = {}
    for path in sorted(Path(TEXTS_DIR, language).glob("*.yml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in entries.items():
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
