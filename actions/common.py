"""What every action needs: the conversation language and a way to send ``bot`` replies."""

from __future__ import annotations

from collections.abc import Iterable

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


def send(dispatcher: CollectingDispatcher, replies: Iterable[Reply]) -> None:
    for reply in replies:
        buttons = [{"title": title, "payload": payload} for title, payload in reply.buttons]
        dispatcher.utter_message(text=reply.text, buttons=buttons)
