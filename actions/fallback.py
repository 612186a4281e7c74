"""The fallback: "did you mean ...?" with the likely topics, then the call-back form."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import earlier_turns, language_of, send
from bot.replies.fallback import FALLBACK_INTENT, SOMETHING_ELSE_INTENT, fallback_replies

MISSES = frozenset({FALLBACK_INTENT, SOMETHING_ELSE_INTENT})


class ActionDidYouMean(Action):
    """Answers nlu_fallback and the "Something else" button (bot/replies/fallback.py)."""

    def name(self) -> str:
        return "action_did_you_mean"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turns = earlier_turns(tracker)
        missed_before = bool(turns) and turns[0].intent in MISSES
        send(
            dispatcher,
            fallback_replies(tracker.latest_message, missed_before, language_of(tracker)),
        )
        return []
