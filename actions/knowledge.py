"""Knowledge answers: programs, training, new arrivals, sectors, employers, onward referrals."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language_of, latest_entity, latest_intent, send
from bot.knowledge import answer
from bot.replies.directory import location_replies


class ActionAnswerProgram(Action):
    """The specific answer for the topic the person asked about (or for the group of people or
    the Partnership program the message names), with buttons to go deeper.

    Someone looking for work who names a place ("busco trabajo cerca del 60623") also gets the
    nearest job centers, where that help is given in person.
    """

    def name(self) -> str:
        return "action_answer_program"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        topic, language = latest_intent(tracker) or "", language_of(tracker)
        replies = [
            answer(
                topic,
                language,
                detail=latest_entity(tracker, "detail"),
                sector=latest_entity(tracker, "sector") or tracker.get_slot("sector"),
                message=tracker.latest_message.get("text"),
            )
        ]
        place = latest_entity(tracker, "zip") or latest_entity(tracker, "place")
        if topic == "job_search" and place:
            replies += location_replies(place, language)[0]
        send(dispatcher, replies)
        return []
