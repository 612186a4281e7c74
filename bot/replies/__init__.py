"""Replies the actions send, built from data and the text catalog in the user's language.

Each function returns ``Reply`` objects, so the Rasa actions only dispatch them and tests can
read exactly what a person would see without running Rasa.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reply:
    """One chat message: text, optional quick-reply buttons (title, payload) and the public
    sources of the facts it shows (knowledge answers list them; staff check them)."""

    text: str
    buttons: tuple[tuple[str, str], ...] = field(default=())
    sources: tuple[str, ...] = field(default=())


def payload(intent: str, entities: dict[str, str] | None = None) -> str:
    """A Rasa button payload: ``/intent`` or ``/intent{"entity":"value"}``."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, separators=(',', ':'), ensure_ascii=False)}"
