"""A rasa_sdk Tracker as the action server receives it, for the action tests."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

DEFAULT_SLOTS: dict[str, Any] = {"language": None, "location": None, "sector": None}


def action_tracker(
    *,
    slots: dict[str, Any] | None = None,
    intent: str = "affirm",
    text: str = "",
    entities: list[dict[str, Any]] | None = None,
    latest: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: dict[str, Any] | None = None,
    sender_id: str = "test",
) -> Tracker:
    """The conversation after the person's latest message: ``latest`` as Rasa parsed it, or
    built from ``intent``, ``text`` and ``entities``."""
    return Tracker(
        sender_id=sender_id,
        slots={**DEFAULT_SLOTS, **(slots or {})},
        latest_message=latest
        or {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities or [],
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop=active_loop or {},
        latest_action_name="action_listen",
    )
