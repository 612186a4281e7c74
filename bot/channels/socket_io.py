"""Rasa's socket.io channel with the checks of bot/channels/checks.py, the website's language
from either client, and the server's allowed origins enforced.

Clients: our own widget talks REST; the socket.io channel serves `rasa-webchat` 1.0.x
(socket.io protocol v4 / engine.io v4; 0.11.x speaks the older protocol and is refused by
python-socketio 5), which sends ``{"message", "customData", "session_id"}`` with every
``user_uttered``. See docs/widget.md.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic_cors.core import get_cors_origins, try_match

from bot.channels.checks import (
    Handler,
    Incoming,
    Refused,
    check_metadata,
    check_sender,
    check_text,
    reply_language,
    too_long_reply,
)

logger = logging.getLogger(__name__)

# rasa-webchat's name for the website's data (its `customData` setting), read beside Rasa's
# `metadata_key`, so a partner site's `customData: {language: "es"}` sets the language.
CLIENT_DATA_KEY = "customData"


def origin_allowed(request: Request, origin: str) -> bool:
    """Whether the Rasa server's CORS setting (``rasa run --cors``) allows ``origin`` on this
    request's path: socket.io follows the one list the REST webhook follows."""
    context = getattr(request.app.ctx, "sanic_cors", None)
    for path, options in getattr(context, "resources", ()):
        if try_match(request.path, path):
            return bool(get_cors_origins(options, origin))
    return False


def guarded(handle_request: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Engine.io's request handler, refusing a browser origin outside the CORS list (403) and
    answering 400 where it raises for a closed session.

    Rasa 3.6 turns python-engineio's own origin check off (``cors_allowed_origins=[]``, so that
    only Sanic's CORS extension writes CORS headers; both at once send the header twice, which
    browsers refuse), and browsers do not apply CORS to WebSockets: without this check any
    website could open a conversation. Requests without an Origin (not from a browser) pass.
    """

    @functools.wraps(handle_request)
    async def handle(request: Request, *args: Any, **kwargs: Any) -> Any:
        origin = request.headers.get("origin")
        if origin and not origin_allowed(request, origin):
            return response.json(f"{origin} is not an allowed origin", status=403)
        try:
            return await handle_request(request, *args, **kwargs)
        except KeyError as error:
            if "Session is disconnected" not in str(error):
                raise
            return response.json("Session is disconnected", status=400)

    return handle


def _metadata(value: object) -> dict[str, Any] | None:
    """One checked metadata object; a JSON string is read as Rasa's channel does."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise Refused("metadata must be a JSON object") from error
    return check_metadata(value)


def parse_event(data: object, sid: str, *, persistent: bool, metadata_key: str | None) -> Incoming:
    """The checked message of a ``user_uttered`` event, or Refused.

    The sender is the session id with ``session_persistence``, else the socket. Metadata is
    ``customData`` with ``metadata_key``'s object laid over it: either client sets the language.
    """
    if not isinstance(data, dict):
        raise Refused("the event must be an object")
    sender = check_sender(data.get("session_id")) if persistent else sid
    metadata = {
        **(_metadata(data.get(CLIENT_DATA_KEY)) or {}),
        **(_metadata(data.get(metadata_key or "metadata")) or {}),
    }
    return Incoming(
        sender=sender,
        text=check_text(data.get("message")),
        metadata=check_metadata(metadata) if metadata else None,
    )


class SafeSocketIOInput(SocketIOInput):
    """The socket.io channel with the same checks as REST on each ``user_uttered`` message.

    Socket.io has no status codes: a refused message is logged and dropped, a too long one gets
    the polite reply. Rasa's handlers are replaced: ``user_uttered`` (the checks, and the
    language from ``customData`` too); ``session_request``, because Rasa 3.6 calls
    python-socketio 5's coroutine ``enter_room`` without awaiting it (RasaHQ/rasa#13027), so with
    ``session_persistence`` no reply ever reached the client, and it accepted any JSON value as
    the session id. Every engine.io request passes ``guarded``: origins outside the server's
    CORS list are refused, and a request for an engine.io session that was just closed gets 400
    instead of python-engineio's unhandled KeyError (a 500).
    """

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        sio.eio.handle_request = guarded(sio.eio.handle_request)

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

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def user_uttered(sid: str, data: object) -> None:
            try:
                incoming = parse_event(
                    data, sid, persistent=self.session_persistence, metadata_key=self.metadata_key
                )
            except Refused as refused:
                logger.warning("socket.io message refused: %s", refused.reason)
                return
            output = SocketIOOutput(sio, self.bot_message_evt)
            if incoming.too_long:
                language = reply_language(incoming.metadata, None, incoming.text)
                await output.send_text_message(incoming.sender, too_long_reply(language))
                return
            await on_new_message(incoming.user_message(output, self.name()))

        return webhook
