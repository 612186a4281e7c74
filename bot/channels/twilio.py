"""SMS and WhatsApp through Twilio, at ``POST /webhooks/twilio/webhook`` on the Rasa server.

Rasa 3.6's Twilio channel is replaced rather than reused, because it:

- accepts any request: it never checks ``X-Twilio-Signature``, so anyone could speak for any
  phone number (here an unsigned or wrongly signed request gets 403 and reaches nothing);
- keeps the phone number as the conversation id (here a keyed pseudonym, see
  ``sms_text.conversation_id``; the number itself reaches the call-back form as metadata, which
  the tracker store masks);
- sends buttons' titles nowhere, so choices were lost (here numbered lines, answered by number);
- replaces every "¡" with "@", which mangles Spanish;
- sends with the blocking Twilio client inside the event loop, retrying a failed send forever
  in a loop that ignores errors.

Replies are collected while Rasa handles the message, then formatted for the channel and sent
in order through Twilio's Messages API (``api_base`` points tests at a local fake of it).
Enabled by the ``bot.channels.twilio.TwilioChannel`` section of the credentials file that
scripts/channel-credentials writes when the Twilio settings are present (docs/sms-whatsapp.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import sqlalchemy as sa
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels import sms_text
from bot.channels.checks import (
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    Handler,
    clean_text,
    handle_collecting,
    reply_language,
    too_long_reply,
    webhook_blueprint,
)
from bot.conversations import opt_outs
from bot.referrals.form import SENDER_PHONE_METADATA
from bot.replies import payload
from bot.texts import render

logger = logging.getLogger(__name__)

# Twilio accepts an empty TwiML document as "nothing to send from here".
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
CONTACT_QUESTION = f"utter_ask_{sms_text.CONTACT_SLOT}"
SEND_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class TwilioSettings:
    """The channel's settings, from the credentials file (docs/sms-whatsapp.md)."""

    account_sid: str
    auth_token: str
    sms_number: str
    whatsapp_number: str
    sender_key: str
    webhook_url: str | None
    api_base: str

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any]) -> TwilioSettings:
        required = ("account_sid", "auth_token", "sms_number", "sender_key")
        missing = [key for key in required if not credentials.get(key)]
        if missing:
            raise ValueError(f"the twilio channel needs {', '.join(missing)} in its credentials")
        number = str(credentials["sms_number"])
        return cls(
            account_sid=str(credentials["account_sid"]),
            auth_token=str(credentials["auth_token"]),
            sms_number=number,
            whatsapp_number=str(credentials.get("whatsapp_number") or number),
            sender_key=str(credentials["sender_key"]),
            webhook_url=credentials.get("webhook_url") or None,
            api_base=str(credentials.get("api_base") or "https://api.twilio.com").rstrip("/"),
        )


def form_fields(request: Request) -> RequestParameters:
    """The webhook's form fields, empty ones included: Twilio signs "Body=" too, which Sanic's
    ``request.form`` leaves out (a location or a photo has an empty body)."""
    try:
        return RequestParameters(parse_qs(request.body.decode(), keep_blank_values=True))
    except UnicodeDecodeError:
        return RequestParameters()


def field(fields: RequestParameters, name: str) -> str:
    """The first value of a form field ("" when absent)."""
    return str(fields.get(name) or "")


def conversations_engine(store: Any) -> sa.engine.Engine:
    """The database of the SQL tracker store (inside Rasa's fail-safe wrapper): the opt-outs
    are kept beside the conversations (bot.conversations.opt_outs)."""
    engine = getattr(getattr(store, "_tracker_store", store), "engine", None)
    if engine is None:
        raise RuntimeError("the twilio channel needs the SQL tracker store of endpoints.yml")
    return engine


class CollectedReplies(OutputChannel):
    """Keeps each reply whole (text, buttons and the response's name) to format it later."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "twilio"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))


class TwilioChannel(TwilioInput):
    """The Twilio webhook with signature checks, keywords, numbered choices and split replies."""

    def __init__(self, settings: TwilioSettings) -> None:
        self.settings = settings
        self.validator = RequestValidator(settings.auth_token)

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(TwilioSettings.from_credentials(credentials or {}))

    def get_output_channel(self) -> OutputChannel:
        return CollectedReplies()

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        webhook = webhook_blueprint(self)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body) > MAX_BODY_BYTES:
                return response.text("request too large", status=413)
            fields = form_fields(request)
            if not self.signed(request, fields):
                logger.warning("Twilio webhook refused: missing or wrong signature.")
                return response.text("forbidden", status=403)
            sender = field(fields, "From")
            if not sender or len(sender) > 64 or not sender.isprintable():
                return response.text("'From' is required", status=400)
            await self.handle(request, fields, sender, on_new_message)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return webhook

    def signed(self, request: Request, fields: RequestParameters) -> bool:
        """Twilio's documented check: HMAC-SHA1 of the public URL and the sorted form fields."""
        signature = request.headers.get("X-Twilio-Signature")
        if not signature:
            return False
        url = self.settings.webhook_url or request.url
        return bool(self.validator.validate(url, fields, signature))

    async def handle(
        self,
        request: Request,
        fields: RequestParameters,
        sender: str,
        on_new_message: Handler,
    ) -> None:
        """Answer one inbound message: keywords and opt-outs first, then the conversation."""
        store = request.app.ctx.agent.tracker_store
        engine = conversations_engine(store)
        conversation = sms_text.conversation_id(sender, self.settings.sender_key)
        tracker = await store.retrieve(conversation)
        language = tracker.get_slot("language") if tracker else None
        text = clean_text(field(fields, "Body"))
        keyword = sms_text.keyword(text) if text else None
        stopped = opt_outs.is_opted_out(engine, conversation)

        if keyword and keyword.kind == "stop":
            opt_outs.opt_out(engine, conversation)
            await self.send(sender, [render("sms_stopped", language)])
            return
        if keyword and (keyword.kind == "start" or (stopped and keyword.kind.startswith("start"))):
            opt_outs.opt_in(engine, conversation)
            await self.send(sender, [render("sms_started", language)])
            return
        if stopped:
            return
        if keyword and keyword.kind == "help":
            await self.send(sender, [render("sms_help", keyword.language or language)])
            return
        if field(fields, "Latitude") and field(fields, "Longitude"):
            await self.send(sender, [render("sms_location", language)])
            return
        if field(fields, "NumMedia") not in ("", "0"):
            await self.send(sender, [render("sms_media", language)])
        if not text:
            return
        if len(text) > MAX_MESSAGE_CHARS:
            await self.send(sender, [too_long_reply(reply_language(None, language, text))])
            return

        events = [event.as_dict() for event in tracker.events] if tracker else []
        shown = [
            choice
            for earlier in sms_text.last_turn(events)
            for choice in self.presented(earlier, sender, events, language)[1]
        ]
        chosen = sms_text.pick_choice(text, shown)
        phone = sms_text.callback_phone(sender)
        collected = CollectedReplies()
        message = UserMessage(
            chosen or text,
            collected,
            conversation,
            input_channel=self.name(),
            metadata={SENDER_PHONE_METADATA: phone} if phone else None,
        )
        await handle_collecting(on_new_message, message)
        after = await store.retrieve(conversation)
        await self.send(sender, self.format(collected.messages, sender, after))

    def format(self, messages: list[dict[str, Any]], sender: str, tracker: Any) -> list[str]:
        """The replies as SMS / WhatsApp texts: choices numbered, each cut to the channel's size."""
        language = tracker.get_slot("language") if tracker else None
        events = [event.as_dict() for event in tracker.events] if tracker else []
        bodies: list[str] = []
        for message in messages:
            text, choices = self.presented(message, sender, events, language)
            shown = sms_text.with_choices(text, [title for title, _ in choices])
            bodies.extend(sms_text.split_message(shown, sms_text.max_chars(sender)))
        return bodies

    def presented(
        self, message: dict[str, Any], sender: str, events: list[dict[str, Any]], language: Any
    ) -> tuple[str, list[sms_text.Choice]]:
        """What the person sees of one reply: its text and choices, except that the contact
        question offers the sender's own number (until they say no to it in this form)."""
        phone = sms_text.callback_phone(sender)
        if (
            message.get("utter_action") == CONTACT_QUESTION
            and phone
            and not sms_text.contact_offer_declined(events)
        ):
            return render("sms_contact_offer", language, last4=phone[-4:]), [
                (render("sms_btn_this_number", language), payload("affirm")),
                (render("sms_btn_other_contact", language), payload("deny")),
            ]
        return message.get("text") or "", sms_text.buttons(message)

    async def send(self, sender: str, bodies: list[str]) -> None:
        """Send the texts in order through Twilio's Messages API; stop at the first failure, so
        a later part never arrives without the one before it."""
        from_ = (
            f"{sms_text.WHATSAPP_PREFIX}{sms_text.phone_number(self.settings.whatsapp_number)}"
            if sender.startswith(sms_text.WHATSAPP_PREFIX)
            else self.settings.sms_number
        )
        account = self.settings.account_sid
        url = f"{self.settings.api_base}/2010-04-01/Accounts/{account}/Messages.json"
        auth = aiohttp.BasicAuth(self.settings.account_sid, self.settings.auth_token)
        timeout = aiohttp.ClientTimeout(total=SEND_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(auth=auth, timeout=timeout) as session:
            for body in bodies:
                try:
                    async with session.post(
                        url, data={"To": sender, "From": from_, "Body": body}
                    ) as sent:
                        if sent.status >= 300:
                            answer = await sent.json(content_type=None)
                            logger.error(
                                "Twilio refused a message: HTTP %s, error %s.",
                                sent.status,
                                answer.get("code") if isinstance(answer, dict) else None,
                            )
                            return
                except (aiohttp.ClientError, TimeoutError, ValueError):
                    logger.exception("Could not reach Twilio to send a message.")
                    return
