"""What SMS and WhatsApp need that a chat window does not, as plain Python over content/sms.yml.

- buttons become numbered lines, and a reply "1", "uno" or the title picks that choice (the
  choices are the buttons of the assistant's last turn, read from the stored conversation, so
  nothing is kept in memory and any replica can read the answer);
- long replies are cut to the channel's message size at a paragraph, line, sentence or word;
- the whole-message keywords carriers give a meaning (STOP, START, HELP, AYUDA) are recognised;
- the call-back form's contact question can offer the number the person is texting from.

bot/channels/twilio.py plugs this into Rasa.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot import content
from bot.referrals.validation import validate_phone
from bot.textnorm import fold_words

Choice = tuple[str, str]  # (title, payload)
KeywordKind = Literal["stop", "start", "start_when_stopped", "help"]
WHATSAPP_PREFIX = "whatsapp:"
# The slot whose question offers the sender's own number (see contact_offer_declined).
CONTACT_SLOT = "referral_contact"
_FORM = "referral_form"
_CUTS = ("\n\n", "\n", ". ", " ")


@dataclass(frozen=True)
class Keyword:
    """A keyword message: what it asks for, and the language it is written in if it says."""

    kind: KeywordKind
    language: str | None = None


def settings() -> dict[str, Any]:
    return content.read(content.SMS, strings=True)


def keyword(text: str) -> Keyword | None:
    """The keyword ``text`` is, if the whole message is one ("Stop", "AYUDA.")."""
    word = fold_words(text)
    keywords = settings()["keywords"]
    for kind in ("stop", "start", "start_when_stopped"):
        if word in keywords[kind]:
            return Keyword(kind)
    language = keywords["help"].get(word)
    return Keyword("help", language) if language else None


def max_chars(sender: str) -> int:
    """The size of one outgoing message on the sender's channel (SMS or WhatsApp)."""
    kind = "whatsapp" if sender.startswith(WHATSAPP_PREFIX) else "sms"
    return int(settings()["max_chars"][kind])


def phone_number(sender: str) -> str:
    """The E.164 number of a Twilio sender ("whatsapp:+13125550147" -> "+13125550147")."""
    return sender.removeprefix(WHATSAPP_PREFIX)


def callback_phone(sender: str) -> str | None:
    """The sender's number when staff can call it back (a US number), else None."""
    return validate_phone(phone_number(sender))


def conversation_id(sender: str, key: str) -> str:
    """A stable pseudonym for a sender, so stored conversations never hold the phone number.

    Keyed (HMAC-SHA256): without the key, the 10-digit numbers cannot be tried one by one to
    undo it. SMS and WhatsApp from the same phone are different conversations, as their replies
    go back on different channels.
    """
    digest = hmac.new(key.encode(), sender.encode(), hashlib.sha256).hexdigest()
    return f"twilio-{digest[:32]}"


def with_choices(text: str, titles: Sequence[str]) -> str:
    """The text followed by one numbered line per choice ("1. Nearest job center")."""
    lines = [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
    return "\n".join(part for part in (text.strip(), *lines) if part)


def _number_words() -> dict[str, int]:
    words = settings()["choice_words"]
    return {word: int(number) for number, names in words.items() for word in names}


def pick_choice(reply: str, choices: Sequence[Choice]) -> str | None:
    """The payload of the choice a reply names by number ("2", "#2", "dos") or by its title."""
    words = fold_words(reply)
    number = int(words) if words.isdigit() else _number_words().get(words)
    if number is not None and 1 <= number <= len(choices):
        return choices[number - 1][1]
    titles = {fold_words(title): payload for title, payload in choices}
    return titles.get(words)


def split_message(text: str, limit: int) -> list[str]:
    """``text`` in order, in parts of at most ``limit`` characters, each cut at the last
    paragraph, line, sentence or word end in its second half (mid-word only when there is none)."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = limit
        for separator in _CUTS:
            at = rest.rfind(separator, 0, limit + 1)
            if at > limit // 2:
                cut = at + len(separator)
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def last_turn(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The assistant's messages since the person last wrote, as the channel received them
    (text, buttons, the response's name), from the stored events."""
    turn: list[dict[str, Any]] = []
    for event in events:
        if event.get("event") == "user":
            turn = []
        elif event.get("event") == "bot":
            turn.append(
                {
                    **(event.get("metadata") or {}),
                    **(event.get("data") or {}),
                    "text": event.get("text"),
                }
            )
    return turn


def buttons(message: dict[str, Any]) -> list[Choice]:
    """A message's buttons as (title, payload)."""
    return [
        (str(button["title"]), str(button["payload"]))
        for button in message.get("buttons") or []
        if button.get("title") and button.get("payload")
    ]


def contact_offer_declined(events: Iterable[dict[str, Any]]) -> bool:
    """Whether the person said no to "call you at this number?" in this run of the form.

    A "no" while the form asks for the contact (the validator leaves the slot empty) means:
    ask for another phone or e-mail, and do not offer this number again until the form restarts.
    """
    requested: object = None
    declined = False
    for event in events:
        kind = event.get("event")
        if kind == "active_loop" and event.get("name") == _FORM:
            declined = False
        elif kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "user" and requested == CONTACT_SLOT:
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            declined = declined or intent == "deny"
    return declined
