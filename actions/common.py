"""What every action needs: the conversation language and a way to send ``bot`` replies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.replies import Reply


def language_of(tracker: Tracker) -> str | None:
    return tracker.get_slot("language")


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The value of ``entity`` in the latest message, if it has one."""
    return next(tracker.get_latest_entity_values(entity), None)


# Actions Rasa runs around every message, which answer nothing.
BOOKKEEPING_ACTIONS = frozenset({"action_listen", "action_extract_slots", "action_session_start"})


@dataclass(frozen=True)
class Turn:
    """One message of the person, the actions that answered it in order, and how many events
    of the conversation came before its answers (the message included)."""

    message: dict[str, Any]
    actions: tuple[str, ...]
    events_until: int

    @property
    def intent(self) -> str | None:
        return (self.message.get("intent") or {}).get("name")


def earlier_turns(tracker: Tracker) -> list[Turn]:
    """The person's messages before the latest one, newest first, each with its answers.

    ``message`` is the parse data as ``tracker.latest_message`` holds it for the latest one.
    """
    messages: list[tuple[dict[str, Any], int]] = []
    answers: list[list[str]] = []
    for index, event in enumerate(tracker.events):
        if event.get("event") == "user":
            messages.append(({**(event.get("parse_data") or {}), "text": event.get("text")}, index))
            answers.append([])
        elif event.get("event") == "action" and answers:
            name = event.get("name") or ""
            if name not in BOOKKEEPING_ACTIONS:
                answers[-1].append(name)
    turns = [
        Turn(message, tuple(names), index + 1)
        for (message, index), names in zip(messages, answers, strict=True)
    ]
    return list(reversed(turns[:-1]))


def send(dispatcher: CollectingDispatcher, replies: Iterable[Reply]) -> None:
    for reply in replies:
        buttons = [{"title": title, "payload": payload} for title, payload in reply.buttons]
        dispatcher.utter_message(text=reply.text, buttons=buttons)
