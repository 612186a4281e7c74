"""Every content file the assistant reads, named once, with one cached YAML reader.

Content is data that staff edit without touching code (docs/content-style.md): this module is
the one place that says which file feeds which part, so a newcomer can follow a fact from the
YAML to the reply. Reads are cached by path; tests that edit content call ``clear_caches()``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

import yaml

from bot import CONTENT_DIR, PROJECT_ROOT

SITES = CONTENT_DIR / "sites.yml"
PLACES = CONTENT_DIR / "places.yml"
NETWORK = CONTENT_DIR / "network.yml"
ROUTING = CONTENT_DIR / "routing.yml"
REFERRAL_FORM = CONTENT_DIR / "referral_form.yml"
SMS = CONTENT_DIR / "sms.yml"
KNOWLEDGE_DIR = CONTENT_DIR / "knowledge"
TEXTS_DIR = CONTENT_DIR / "texts"
LEXICON = CONTENT_DIR / "language" / "lexicon.yml"
REQUEST_WORDS = CONTENT_DIR / "request_words.yml"
MISUNDERSTOOD = CONTENT_DIR / "report" / "misunderstood.yml"
DOMAIN = PROJECT_ROOT / "domain.yml"
ENDPOINTS = PROJECT_ROOT / "endpoints.yml"

# What a fact's ``status`` says, in every content file that states facts with their sources.
# Each file allows the statuses that fit it (sites: SITE_STATUSES, knowledge: KNOWLEDGE_STATUSES).
FactStatus = Literal[
    "confirmed", "dated", "unconfirmed", "unknown", "translation", "official_link", "general"
]
FACT_STATUSES: dict[FactStatus, str] = {
    "confirmed": "seen on the cited public page",
    "dated": "confirmed, but the source is old: its year is shown, re-check before relying on it",
    "unconfirmed": "inferred, or seen only in third-party material",
    "unknown": "no value; a note says what is missing and where to look",
    "translation": "our Spanish rendering of an English name",
    "official_link": "the address of an official government site, which the source names",
    "general": "a plain summary of how a service works, backed by the cited page",
}
# Only these may be stated to a user as fact (a knowledge answer quoting a site's phone, say).
STATED_STATUSES: tuple[FactStatus, ...] = ("confirmed", "dated")

# libyaml's loaders when present: several times faster on the 700-line sites file.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Every scalar a string: word lists must not turn "no", "yes" or "on" into booleans.
_STRINGS_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

P = ParamSpec("P")
T = TypeVar("T")
_DERIVED_CACHES: list[Callable[[], None]] = []


@cache
def _read_cached(path: Path, strings: bool) -> Any:
    loader = _STRINGS_LOADER if strings else _LOADER
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def read(path: Path | str, *, strings: bool = False) -> dict[str, Any]:
    """The mapping in the YAML file ``path``; an empty file reads as an empty mapping.

    ``strings`` keeps every scalar a string (for word lists). Callers must not mutate the
    result: it is shared by every reader of the same file.
    """
    return _read_cached(Path(path).resolve(), strings) or {}


def yaml_files(folder: Path) -> list[Path]:
    """The ``*.yml`` files of a content folder, in a stable order."""
    return sorted(folder.glob("*.yml"))


def cached(build: Callable[P, T]) -> Callable[P, T]:
    """Cache ``build`` (something made from content: a catalog, the directory) per arguments,
    and forget it in ``clear_caches()`` together with the files it was made from."""
    wrapped = cache(build)
    _DERIVED_CACHES.append(wrapped.cache_clear)
    return wrapped  # type: ignore[return-value]  # functools' wrapper hides the parameters


def clear_caches() -> None:
    """Forget every file read and everything built from them (tests, a reload after an edit)."""
    _read_cached.cache_clear()
    for clear in _DERIVED_CACHES:
        clear()
