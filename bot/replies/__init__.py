"""Replies the actions send, built from data and the text catalog in the user's language.

Each function returns ``Reply`` objects, so the Rasa actions only dispatch them and tests can
read exactly what a person would see without running Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reply:
    """One chat message: text plus optional quick-reply buttons (title, payload)."""

    text: str
    buttons: tuple[tuple[str, str], ...] = field(default=())
