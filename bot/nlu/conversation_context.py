"""What NLU may know of the conversation a message belongs to: its current language.

Rasa runs NLU components on the message alone, yet the language rule differs for a first
message ("sí" or "si por favor" may start a Spanish conversation) and for a later one ("ok"
must not undo anything). Rasa's processor has the conversation's tracker in hand when it
parses a message, so ``install()`` wraps that call to expose the ``language`` slot through a
context variable for the duration of the parse. The NLU graph runs synchronously in the
calling thread, so the variable is the one this message's parse set. Evaluation code that
parses without a conversation sees None: a new conversation.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from rasa.core.processor import MessageProcessor

LANGUAGE_SLOT = "language"

conversation_language: ContextVar[str | None] = ContextVar("conversation_language", default=None)

_parse_with_graph = MessageProcessor._parse_message_with_graph


def parse_with_conversation_language(
    self: MessageProcessor, message: Any, tracker: Any, *args: Any, **kwargs: Any
) -> dict[str, Any]:
    """Rasa's parse, with the conversation's language visible to our NLU components."""
    token = conversation_language.set(tracker.get_slot(LANGUAGE_SLOT) if tracker else None)
    try:
        return _parse_with_graph(self, message, tracker, *args, **kwargs)
    finally:
        conversation_language.reset(token)


def install() -> None:
    """Wrap Rasa's parse once per process; idempotent."""
    MessageProcessor._parse_message_with_graph = parse_with_conversation_language
