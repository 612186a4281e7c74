"""Actions that find job centers: nearest to a ZIP code or place, and the full list."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language_of, latest_intent, send
from bot.replies import Reply
from bot.replies.directory import list_replies, location_replies
from bot.texts import render


class ActionFindAjc(Action):
    """Nearest AJCs to the location the user gave; asks for one when there is none."""

    def name(self) -> str:
        return "action_find_ajc"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = language_of(tracker)
        location = tracker.get_slot("location")
        if not location:
            asked_hours = latest_intent(tracker) == "ask_hours"
            key = "dir_ask_location_hours" if asked_hours else "dir_ask_location"
            send(dispatcher, [Reply(render(key, language))])
            return []
        replies, usable = location_replies(location, language)
        send(dispatcher, replies)
        return [] if usable else [SlotSet("location", None)]


class ActionListAjcs(Action):
    """Every job center in the data, with the network's official count."""

    def name(self) -> str:
        return "action_list_ajcs"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send(dispatcher, list_replies(language_of(tracker)))
        return []
