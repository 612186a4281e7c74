"""Rasa's socket.io channel with the checks of bot/channels/checks.py."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response

from bot.channels.checks import (
    MAX_MESSAGE_CHARS,
    Handler,
    Refused,
    check_metadata,
    check_sender,
    check_text,
    reply_language,
    too_long_reply,
)

logger = logging.getLogger(__name__)


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
