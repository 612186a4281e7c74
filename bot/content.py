"""Every content file the assistant reads, named once, with one cached YAML reader.

Content is data that staff edit without touching code (docs/content-style.md): this module is
the one place that says which file feeds which part, so a newcomer can follow a fact from the
YAML to the reply. Reads are cached by path; tests that edit content call ``clear_caches()``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot import CONTENT_DIR, PROJECT_ROOT

SITES = CONTENT_DIR / "sites.yml"
PLACES = CONTENT_DIR / "places.yml"
NETWORK = CONTENT_DIR / "network.yml"
ROUTING = CONTENT_DIR / "routing.yml"
REFERRAL_FORM = CONTENT_DIR / "referral_form.yml"
KNOWLEDGE_DIR = CONTENT_DIR / "knowledge"
TEXTS_DIR = CONTENT_DIR / "texts"
LEXICON = CONTENT_DIR / "language" / "lexicon.yml"
DOMAIN = PROJECT_ROOT / "domain.yml"
ENDPOINTS = PROJECT_ROOT / "endpoints.yml"

# libyaml's loader when present: several times faster on the 700-line sites file.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _read_cached(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)


def read(path: Path | str) -> dict[str, Any]:
    """The mapping in the YAML file ``path``; an empty file reads as an empty mapping.

    Callers must not mutate the result: it is shared by every reader of the same file.
    """
    return _read_cached(Path(path).resolve()) or {}


def yaml_files(folder: Path) -> list[Path]:
    """The ``*.yml`` files of a content folder, in a stable order."""
    return sorted(folder.glob("*.yml"))


def clear_caches() -> None:
    """Forget every file read so far (tests that write content, a reload after an edit)."""
    _read_cached.cache_clear()
