"""Turn one sender's tracker events into conversations and the messages people sent.

A conversation is a Rasa session (a new one starts after an hour of silence) in which the person
sent at least one message. Each message is read together with what happened right after it:
the language the assistant answered in, whether it fell back, which place was looked up,
whether the reply asked a question, and whether the next message suggests the answer missed
(``bot.report.misread``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from bot.report.events import Event
from bot.report.misread import mark_misread

FALLBACK_INTENT = "nlu_fallback"
# "Did you mean ...?" with topic buttons is a fallback too: the assistant did not answer.
FALLBACK_ACTIONS = frozenset(
    {"utter_ask_rephrase", "action_default_fallback", "action_did_you_mean"}
)
OUT_OF_SCOPE_INTENT = "out_of_scope"
LOOKUP_INTENTS = frozenset({"find_ajc", "inform_location", "ask_hours"})
LOCATION_ENTITIES = ("zip", "place")
ZIP = re.compile(r"\d{5}")
YES_NO_PAYLOADS = frozenset({"/affirm", "/deny"})


@dataclass
class Message:
    """What one person wrote (or tapped) and how the assistant took it."""

    timestamp: float
    text: str
    intent: str | None
    language: str | None
    in_form: bool
    guess: str | None = None
    location: tuple[str, str] | None = None
    fallback: bool = False
    # The assistant's last reply to it asked something (ended in "?" or offered Yes/No buttons).
    asked: bool = False
    # Why the next message suggests it was misunderstood (bot.report.misread), or None.
    misread: str | None = None

    @property
    def typed(self) -> bool:
        """False for button taps and the widget's automatic greeting ("/greet{...}")."""
        return not self.text.startswith("/")

    @property
    def lookup(self) -> tuple[str, str] | None:
        """(``zip`` or ``place``, value) when this message asked where a job center is.

        Answers to the call-back form are not lookups even when they are a ZIP code.
        """
        if self.in_form or self.intent not in LOOKUP_INTENTS:
            return None
        return self.location


@dataclass
class Conversation:
    sender_id: str
    messages: list[Message] = field(default_factory=list)

    @property
    def language(self) -> str | None:
        """The language the conversation ended in: the one the assistant was answering in."""
        return self.messages[-1].language if self.messages else None

    @property
    def start(self) -> float:
        return self.messages[0].timestamp


def _entities(data: dict) -> list[dict]:
    return list((data.get("parse_data") or {}).get("entities") or [])


def _closest_intent(data: dict, skip: AbstractSet[str | None]) -> str | None:
    """The model's best intent other than ``skip``: a hint for where new examples belong."""
    for ranked in (data.get("parse_data") or {}).get("intent_ranking") or []:
        name = ranked.get("name")
        if name and name not in skip:
            return name
    return None


def _asks(data: dict) -> bool:
    """A reply that asks a question, so a "no" after it is an answer rather than a complaint."""
    buttons = (data.get("data") or {}).get("buttons") or []
    payloads = {str(button.get("payload") or "") for button in buttons}
    return str(data.get("text") or "").rstrip().endswith("?") or bool(payloads & YES_NO_PAYLOADS)


def _message(event: Event, language: str | None, in_form: bool) -> Message:
    data = dict(event.data)
    entities = _entities(data)
    decided = [e.get("value") for e in entities if e.get("entity") == "language"]
    location = next(
        (
            (e["entity"], str(e.get("value")))
            for e in entities
            if e.get("entity") in LOCATION_ENTITIES
        ),
        None,
    )
    intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
    # A fallback hides the model's guess; for "out of scope" the runner-up is the useful hint.
    guess = _closest_intent(data, {FALLBACK_INTENT, OUT_OF_SCOPE_INTENT} & {intent})
    return Message(
        timestamp=event.timestamp,
        text=str(data.get("text") or ""),
        intent=intent,
        language=decided[-1] if decided else language,
        in_form=in_form,
        guess=guess,
        location=location,
        fallback=intent == FALLBACK_INTENT and not in_form,
    )


def conversations_of(sender_id: str, events: Iterable[Event]) -> list[Conversation]:
    """The sender's conversations, oldest first, each with at least one message.

    The ``language`` slot is followed through the whole history (including the copy Rasa makes
    at a new session), so a message like "ok" that decides nothing keeps the language in effect.
    """
    conversations = [Conversation(sender_id)]
    language: str | None = None
    active_form: str | None = None
    last: Message | None = None
    for event in events:
        data = event.data
        if event.type_name == "session_started":
            conversations.append(Conversation(sender_id))
            last = None
        elif event.type_name == "slot" and data.get("name") == "language":
            language = data.get("value")
        elif event.type_name == "slot" and data.get("name") == "location" and last is not None:
            if last.location is None and data.get("value"):
                value = str(data["value"]).strip()
                last.location = ("zip" if ZIP.fullmatch(value) else "place", value)
        elif event.type_name == "active_loop":
            active_form = data.get("name")
        elif event.type_name == "action" and last is not None:
            # A button ("Something else") answered by the fallback is not a message the
            # assistant could not understand.
            if data.get("name") in FALLBACK_ACTIONS and last.typed:
                last.fallback = True
        elif event.type_name == "bot" and last is not None:
            last.asked = _asks(dict(data))
        elif event.type_name == "user":
            last = _message(event, language, in_form=active_form is not None)
            conversations[-1].messages.append(last)
    for conversation in conversations:
        mark_misread(conversation.messages)
    return [conversation for conversation in conversations if conversation.messages]


def within(conversations: Sequence[Conversation], since: float, until: float) -> list[Conversation]:
    """The conversations with messages in [since, until), keeping only those messages."""
    kept = []
    for conversation in conversations:
        messages = [m for m in conversation.messages if since <= m.timestamp < until]
        if messages:
            kept.append(Conversation(conversation.sender_id, messages))
    return kept
