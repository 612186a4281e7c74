"""Changing the conversation's language: "say that in Spanish" repeats the last answer in it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import Turn, earlier_turns, language_of, send
from actions.directory import ActionFindAjc, ActionListAjcs
from actions.fallback import ActionDidYouMean
from actions.knowledge import ActionAnswerProgram
from bot.replies import Reply
from bot.texts import render

CHANGE_LANGUAGE_INTENT = "change_language"
CHANGED_RESPONSE = "utter_language_changed"
# Conversational replies say nothing worth reading twice: after a greeting the confirmation
# alone (which offers the same topics) is the answer.
NOT_REPEATED = frozenset(
    {CHANGED_RESPONSE, "utter_greet", "utter_how_can_help", "utter_youre_welcome", "utter_goodbye"}
)
# Answers that depend only on the message they answered and the slots, so running them again
# on that message gives the same answer in the new language. A form's question is asked again
# by the form itself; responses (utter_*) are rendered by Rasa in the slot's language.
REPEATABLE: dict[str, type[Action]] = {
    action().name(): action
    for action in (ActionFindAjc, ActionListAjcs, ActionAnswerProgram, ActionDidYouMean)
}


def last_answer(tracker: Tracker) -> tuple[Turn, str] | None:
    """The person's last message before this one that got an answer worth repeating, and the
    action that answered it; earlier language changes are stepped over."""
    for turn in earlier_turns(tracker):
        if turn.intent == CHANGE_LANGUAGE_INTENT:
            continue
        answer = turn.actions[0] if turn.actions else ""
        if answer in REPEATABLE or (answer.startswith("utter_") and answer not in NOT_REPEATED):
            return turn, answer
        return None
    return None


def as_then(tracker: Tracker, turn: Turn) -> Tracker:
    """The conversation as the answering action saw it then, with today's slots (the language)."""
    return Tracker(
        sender_id=tracker.sender_id,
        slots=tracker.slots,
        latest_message=turn.message,
        events=tracker.events[: turn.events_until],
        paused=tracker.is_paused(),
        followup_action=None,
        active_loop=tracker.active_loop,
        latest_action_name=tracker.latest_action_name,
    )


class ActionChangeLanguage(Action):
    """Confirms the new language and repeats the last answer in it; with nothing to repeat,
    offers the main topics."""

    def name(self) -> str:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        found = None if tracker.active_loop.get("name") else last_answer(tracker)
        if found is None:
            dispatcher.utter_message(response=CHANGED_RESPONSE)
            return []
        turn, answer = found
        send(dispatcher, [Reply(render("language_changed_repeat", language_of(tracker)))])
        if answer.startswith("utter_"):
            dispatcher.utter_message(response=answer)
            return []
        return await REPEATABLE[answer]().run(dispatcher, as_then(tracker, turn), domain)
