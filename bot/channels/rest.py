"""Rasa's REST channel with the checks of bot/channels/checks.py.

Rasa 3.6's REST channel answers a JSON body that is not an object (a list, ``null``) with 500,
passes numbers, lists and objects on as the message or the sender, shares one conversation
("default") among everyone who leaves the sender out, and sends any length of text to NLU.
"""

from __future__ import annotations

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot.channels.checks import (
    Handler,
    Refused,
    conversation_language,
    handle_collecting,
    parse_body,
    reply_language,
    too_long_reply,
    webhook_blueprint,
)


class SafeRestInput(RestInput):
    """``POST /webhooks/rest/webhook`` with checked input (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = webhook_blueprint(self)

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
            message = incoming.user_message(collector, self.name())
            await handle_collecting(on_new_message, message)
            return response.json(collector.messages)

        return webhook
