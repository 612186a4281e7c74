"""The fallback: "did you mean ...?" with the likely topics, then the call-back form."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language_of, send
from bot.replies.fallback import FALLBACK_INTENT, SOMETHING_ELSE_INTENT, fallback_replies

MISSES = frozenset({FALLBACK_INTENT, SOMETHING_ELSE_INTENT})


def previous_user_intent(tracker: Tracker) -> str | None:
    """The intent of the user message before the latest one (None in a new conversation)."""
    users = [event for event in tracker.events if event.get("event") == "user"]
    if len(users) < 2:
        return None
    return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")


class ActionDidYouMean(Action):
    """Answers nlu_fallback and the "Something else" button (bot/replies/fallback.py)."""

    def name(self) -> str:
        return "action_did_you_mean"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        missed_before = previous_user_intent(tracker) in MISSES
        send(
            dispatcher,
            fallback_replies(tracker.latest_message, missed_before, language_of(tracker)),
        )
        return []
