"""The public chat webhooks, refusing hostile input before it reaches Rasa.

Rasa 3.6's REST channel answers a JSON body that is not an object (a list, ``null``) with 500,
passes numbers, lists and objects on as the message or the sender, shares one conversation
("default") among everyone who leaves the sender out, and sends any length of text to NLU. Here:

- a malformed request gets 400 (413 when too big) and a short JSON error, never a 500;
- a message longer than MAX_MESSAGE_CHARS gets a polite reply in the conversation's language
  and is not sent to NLU (nor stored);
- control characters and unpaired surrogates are removed from the message text;
- the sender is a printable string of at most MAX_SENDER_CHARS.

credentials.yml names these classes by module path (``bot.channels.SafeRestInput:``). Their
``name()`` stays "rest" / "socketio": Rasa mounts a channel at ``/webhooks/<name>/``, so
``/webhooks/rest/webhook`` is unchanged for the web widget, and the name is the
``input_channel`` stored with each message.
"""

from __future__ import annotations

import functools
import json
import logging
import unicodedata
import uuid
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

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


class SafeRestInput(RestInput):
    """``POST /webhooks/rest/webhook`` with checked input (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> ResponseStream | HTTPResponse:
            try:
                incoming = parse_body(request.body)
            except Refused as refused:
                return response.json({"error": refused.reason}, status=refused.status)
            if incoming.too_long:
                known = await conversation_language(request, incoming.sender)
                language = reply_language(incoming.metadata, known, incoming.text)
                reply = {"recipient_id": incoming.sender, "text": too_long_reply(language)}
                return response.json([reply])
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(
                        on_new_message,
                        incoming.text,
                        incoming.sender,
                        self.name(),
                        incoming.metadata,
                    ),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            message = UserMessage(
                incoming.text,
                collector,
                incoming.sender,
                input_channel=self.name(),
                metadata=incoming.metadata,
            )
            try:
                await on_new_message(message)
            except CancelledError:
                logger.error("A message timed out before the assistant answered.")
            except Exception:  # as Rasa's channel: answer what was collected
                logger.exception("The assistant failed on a message (text not logged).")
            return response.json(collector.messages)

        return webhook


def closed_session_is_refused(
    handle_request: Callable[..., Awaitable[Any]],
) -> Callable[..., Awaitable[Any]]:
    """Engine.io's request handler, answering 400 where it raises for a closed session."""

    @functools.wraps(handle_request)
    async def handle(*args: Any, **kwargs: Any) -> Any:
        try:
            return await handle_request(*args, **kwargs)
        except KeyError as error:
            if "Session is disconnected" not in str(error):
                raise
            return response.json("Session is disconnected", status=400)

    return handle


class SafeSocketIOInput(SocketIOInput):
    """The socket.io channel with the same checks on each ``user_uttered`` message.

    Socket.io has no status codes: a refused message is logged and dropped, a too long one gets
    the polite reply. ``session_request`` is replaced too: Rasa 3.6 calls python-socketio 5's
    coroutine ``enter_room`` without awaiting it (RasaHQ/rasa#13027), so with
    ``session_persistence`` no reply ever reached the client; and it accepted any JSON value as
    the session id. And a request for an engine.io session that was just closed gets 400 instead
    of python-engineio's unhandled KeyError (a 500).
    """

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        async def checked(message: UserMessage) -> None:
            try:
                sender = check_sender(message.sender_id)
                text = check_text(message.text)
                metadata = check_metadata(message.metadata)
            except Refused as refused:
                logger.warning("socket.io message refused: %s", refused.reason)
                return
            if len(text) > MAX_MESSAGE_CHARS:
                language = reply_language(metadata, None, text)
                await message.output_channel.send_text_message(sender, too_long_reply(language))
                return
            message.text, message.metadata = text, metadata
            await on_new_message(message)

        webhook = super().blueprint(checked)
        sio = self.sio
        sio.eio.handle_request = closed_session_is_refused(sio.eio.handle_request)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: object) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            try:
                session_id = check_sender(requested)
            except Refused:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        return webhook
