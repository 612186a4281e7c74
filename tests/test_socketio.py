"""The socket.io channel as a partner website's rasa-webchat uses it (docs/widget.md), against a
real assistant that allows one origin: the website's language comes from ``customData``, and a
page on any other origin cannot open a conversation (browsers do not apply CORS to WebSockets,
so the server has to refuse it)."""

from __future__ import annotations

import asyncio

import pytest
import socketio
from websockets.exceptions import InvalidStatusCode

from devtools.servers import Assistant
from devtools.socketio_chat import socketio_chat, websocket_conversation

pytestmark = pytest.mark.e2e


def test_custom_data_language_answers_a_zip_code_in_spanish(
    partner_assistant: Assistant, partner_origin: str
) -> None:
    async def conversation() -> list[str]:
        async with socketio_chat(partner_assistant.url, origin=partner_origin) as chat:
            await chat.say("60608", custom_data={"language": "es"})
            return await chat.until("Pilsen")

    texts = "\n".join(asyncio.run(conversation()))
    assert "Los centros de empleo más cercanos" in texts and "millas" in texts


def test_a_greeting_in_spanish_gets_spanish_quick_replies(
    partner_assistant: Assistant, partner_origin: str
) -> None:
    async def conversation() -> list[dict]:
        async with socketio_chat(partner_assistant.url, origin=partner_origin) as chat:
            await chat.say("hola", custom_data={"language": "es"})
            await chat.until("¡Hola!")
            return chat.replies

    replies = asyncio.run(conversation())
    buttons = [reply["title"] for message in replies for reply in message.get("quick_replies", [])]
    assert "Centro más cercano" in buttons and "Nearest job center" not in buttons


def test_a_page_on_another_origin_cannot_connect(partner_assistant: Assistant) -> None:
    async def connect() -> None:
        async with socketio_chat(partner_assistant.url, origin="https://elsewhere.example"):
            pass

    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(connect())


def test_a_websocket_from_the_partner_origin_is_answered_and_from_another_refused(
    partner_assistant: Assistant, partner_origin: str
) -> None:
    texts = asyncio.run(
        websocket_conversation(
            partner_assistant.url, partner_origin, "hola", {"language": "es"}, "¡Hola!"
        )
    )
    assert any("¡Hola!" in text for text in texts)
    with pytest.raises(InvalidStatusCode):
        asyncio.run(
            websocket_conversation(
                partner_assistant.url, "https://elsewhere.example", "hola", {}, "Hi"
            )
        )
