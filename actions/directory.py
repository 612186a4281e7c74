"""Actions that find job centers: nearest to a ZIP code or place, one named center, the list."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import earlier_turns, language_of, latest_intent, send
from bot.directory import LocationProblem, Site, load_directory
from bot.replies import Reply
from bot.replies.directory import list_replies, location_replies, site_contact_replies
from bot.texts import render


def named_site(message: dict[str, Any]) -> Site | None:
    """The center a message names ("hours of the Pilsen center", "telefono de Daley").

    Read from the message text (for a button or test payload such as
    ``/ask_hours{"place":"Daley"}`` Rasa keeps that payload as the text) and from a ``place``
    entity value, so it works whatever the NLU tagged.
    """
    directory = load_directory()
    places = [e.get("value") for e in message.get("entities") or [] if e.get("entity") == "place"]
    for candidate in (message.get("text"), *places):
        site = directory.site_named(candidate) if isinstance(candidate, str) and candidate else None
        if site is not None:
            return site
    return None


def site_talked_about(tracker: Tracker) -> Site | None:
    """The center the previous answer was about, for a follow-up that names none ("and their
    hours?" right after "where is the Daley College job center")."""
    turns = earlier_turns(tracker)
    if turns and ActionFindAjc.NAME in turns[0].actions:
        return named_site(turns[0].message)
    return None


class ActionFindAjc(Action):
    """Nearest AJCs to the location the user gave; asks for one when there is none.

    Asked for hours or a phone ("ask_hours") about a center by name, it answers for that center.
    A center's name that is not a usable place ("where is Truman College") gets that center too,
    instead of "I don't know that place"; a place alone ("hours in Pilsen") gets the nearest.
    A follow-up that names nothing ("and the phone?") is about the centers just shown: the
    nearest to the remembered location, or the center the previous answer named.
    """

    NAME = "action_find_ajc"

    def name(self) -> str:
        return self.NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = language_of(tracker)
        location = tracker.get_slot("location")
        asked_hours = latest_intent(tracker) == "ask_hours"
        place_ok = bool(location) and not isinstance(
            load_directory().locate(location), LocationProblem
        )
        site = named_site(tracker.latest_message) if asked_hours or not place_ok else None
        if site is None and not location:
            site = site_talked_about(tracker)
        if site is not None:
            send(dispatcher, site_contact_replies(site, language))
            # A center's name taken for a place ("Daley") must not be asked about later.
            return [SlotSet("location", None)] if location and not place_ok else []
        if not location:
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
