"""Checks every chat channel applies before a message reaches Rasa.

- a malformed request gets 400 (413 when too big) and a short JSON error, never a 500;
- a message longer than MAX_MESSAGE_CHARS gets a polite reply in the conversation's language
  and is not sent to NLU (nor stored);
- control characters and unpaired surrogates are removed from the message text;
- the sender is a printable string of at most MAX_SENDER_CHARS.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.language import START_CONFIDENCE, detect, normalize_language_tag
from bot.texts import LANGUAGES, render

logger = logging.getLogger(__name__)

# Real chat messages are a few words to a pasted paragraph; the form's longest free-text answer
# is 300 characters. NLU time grows with length (character n-grams, language statistics) on a
# single server process, so a 100 KB message would hold up everyone else's replies.
MAX_MESSAGE_CHARS = 2000
# The widget's sender is a 36-character UUID; Rasa's events table allows 255.
MAX_SENDER_CHARS = 128
# A 2,000-character message with metadata is under 10 KB even with \uXXXX escapes; a larger
# body is refused before parsing. Sanic's own limit (100 MB) still applies before this.
MAX_BODY_BYTES = 256 * 1024
# Metadata is stored with every message: the widget sends {"language": "es"}.
MAX_METADATA_BYTES = 4096
MAX_METADATA_DEPTH = 5
_KEEP_CONTROLS = {"\n", "\t"}

Handler = Callable[[UserMessage], Awaitable[Any]]


class Refused(ValueError):
    """A request the channel will not pass on, with the HTTP status and a short reason."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Incoming:
    """A checked message: sender and text are clean strings, metadata an object or None."""

    sender: str
    text: str
    metadata: dict[str, Any] | None

    @property
    def too_long(self) -> bool:
        return len(self.text) > MAX_MESSAGE_CHARS

    def user_message(self, output_channel: OutputChannel, input_channel: str) -> UserMessage:
        """The message as Rasa takes it, replies going to ``output_channel``."""
        return UserMessage(
            self.text,
            output_channel,
            self.sender,
            input_channel=input_channel,
            metadata=self.metadata,
        )


def clean_text(text: str) -> str:
    """``text`` without control characters (except newline and tab) and unpaired surrogates,
    which cannot be stored as UTF-8."""
    return "".join(
        char
        for char in text.replace("\r\n", "\n").replace("\r", "\n")
        if char in _KEEP_CONTROLS or unicodedata.category(char) not in ("Cc", "Cs")
    ).strip()


def check_sender(sender: object) -> str:
    if sender is None or sender == "":
        raise Refused("'sender' is required")
    if not isinstance(sender, str):
        raise Refused("'sender' must be a string")
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable() or sender != sender.strip():
        raise Refused(f"'sender' must be printable text of at most {MAX_SENDER_CHARS} characters")
    return sender


def check_text(message: object) -> str:
    if message is None:
        raise Refused("'message' is required")
    if not isinstance(message, str):
        raise Refused("'message' must be a string")
    text = clean_text(message)
    if not text:
        raise Refused("'message' is empty")
    return text


def _depth(value: object, limit: int) -> int:
    """Nesting depth of a JSON value, counted no further than ``limit + 1``."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(item, limit - 1) for item in items), default=0)


def check_metadata(metadata: object) -> dict[str, Any] | None:
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise Refused("'metadata' must be an object")
    if _depth(metadata, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH:
        raise Refused(f"'metadata' is nested more than {MAX_METADATA_DEPTH} levels")
    if len(json.dumps(metadata)) > MAX_METADATA_BYTES:
        raise Refused(f"'metadata' is larger than {MAX_METADATA_BYTES} bytes")
    return metadata


def parse_body(body: bytes) -> Incoming:
    """The checked message of a REST webhook body, or Refused."""
    if len(body) > MAX_BODY_BYTES:
        raise Refused(f"the request body is larger than {MAX_BODY_BYTES} bytes", status=413)
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise Refused("the request body must be JSON in UTF-8") from error
    if not isinstance(payload, dict):
        raise Refused("the request body must be a JSON object")
    return Incoming(
        sender=check_sender(payload.get("sender")),
        text=check_text(payload.get("message")),
        metadata=check_metadata(payload.get("metadata")),
    )


def reply_language(
    metadata: dict[str, Any] | None, conversation: str | None, text: str
) -> str | None:
    """The website's language, else the conversation's, else the message's own if clear."""
    chosen = normalize_language_tag((metadata or {}).get("language"))
    if chosen:
        return chosen
    if conversation in LANGUAGES:
        return conversation
    detection = detect(text[:MAX_MESSAGE_CHARS])
    return detection.language if detection.confidence >= START_CONFIDENCE else None


def too_long_reply(language: str | None) -> str:
    return render("security_message_too_long", language, limit=MAX_MESSAGE_CHARS)


async def conversation_language(request: Request, sender: str) -> str | None:
    """The ``language`` slot of this sender's stored conversation, if there is one."""
    agent = getattr(request.app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return None
    try:
        tracker = await store.retrieve(sender)
    except Exception:  # the lookup only picks a reply language: never fail on it
        logger.warning("Could not read the conversation language.", exc_info=True)
        return None
    return tracker.get_slot("language") if tracker else None


def webhook_blueprint(channel: object) -> Blueprint:
    """A channel's blueprint with the health check Rasa's channels answer at ``GET /``."""
    webhook = Blueprint(f"custom_webhook_{type(channel).__name__}", __name__)

    @webhook.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return webhook


async def handle_collecting(on_new_message: Handler, message: UserMessage) -> None:
    """Hand a message to Rasa for a channel that answers afterwards with what was collected:
    a timeout or failure is logged (never the text) and the replies so far are still sent."""
    try:
        await on_new_message(message)
    except CancelledError:
        logger.error("A message timed out before the assistant answered.")
    except Exception:  # as Rasa's channels: answer what was collected
        logger.exception("The assistant failed on a message (text not logged).")
