"""Talk to the assistant's socket.io channel the way rasa-webchat does (docs/widget.md), for
tests of the channel on a test server and through the production stack's nginx.

    async with socketio_chat(url, origin="http://127.0.0.1:8080") as chat:
        await chat.say("hola", custom_data={"language": "es"})
        texts = await chat.until("¡Hola!")

It uses HTTP long-polling only: python-engineio's WebSocket client needs aiohttp >= 3.10 and
Rasa 3.6 pins 3.9. The WebSocket path is exercised by Chromium (tests/test_webchat_browser.py)
and by ``websocket_conversation`` below. A refused handshake (an origin the server does not allow)
raises ``socketio.exceptions.ConnectionError``.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import socketio
import websockets
from websockets.typing import Origin

# A ceiling for waiting on replies on a busy 2-core machine, not a timing check.
REPLY_WAIT_SECONDS = 60


class SocketChat:
    """One person's conversation: what they sent and every text the assistant sent back."""

    def __init__(self, client: socketio.AsyncClient, session_id: str) -> None:
        self.client = client
        self.session_id = session_id
        self.texts: list[str] = []
        self.replies: list[dict[str, Any]] = []
        self._arrived = asyncio.Condition()

    async def _bot_uttered(self, data: dict[str, Any]) -> None:
        async with self._arrived:
            self.replies.append(data)
            self.texts.append(data.get("text", ""))
            self._arrived.notify_all()

    async def say(self, text: str, custom_data: dict[str, Any] | None = None) -> None:
        event: dict[str, Any] = {"message": text, "session_id": self.session_id}
        if custom_data is not None:
            event["customData"] = custom_data
        await self.client.emit("user_uttered", event)

    async def until(self, expected: str) -> list[str]:
        """The texts received so far, once one of them contains ``expected``."""
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: any(expected in text for text in self.texts)),
                REPLY_WAIT_SECONDS,
            )
        return list(self.texts)


@asynccontextmanager
async def socketio_chat(
    url: str, origin: str | None = None, forwarded_for: str | None = None
) -> AsyncIterator[SocketChat]:
    """A connected conversation with a new session id (``session_persistence`` rooms).
    ``forwarded_for`` plays a client at that address behind a proxy (the production router
    routes socket.io by it)."""
    headers = {"Origin": origin} if origin else {}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    # Headers on the session, not connect(): python-engineio sends connect()'s headers with the
    # handshake only, while a browser sends its Origin (and a proxy its X-Forwarded-For) with
    # every request.
    async with aiohttp.ClientSession(headers=headers) as http:
        client = socketio.AsyncClient(reconnection=False, http_session=http)
        chat = SocketChat(client, f"test-{uuid.uuid4().hex[:12]}")
        confirmed = asyncio.Event()
        client.on("bot_uttered", chat._bot_uttered)
        client.on("session_confirm", lambda _: confirmed.set())
        await client.connect(url, transports=["polling"], wait_timeout=REPLY_WAIT_SECONDS)
        try:
            await client.emit("session_request", {"session_id": chat.session_id})
            await asyncio.wait_for(confirmed.wait(), REPLY_WAIT_SECONDS)
            yield chat
        finally:
            await client.disconnect()


async def websocket_conversation(
    url: str, origin: str, text: str, custom_data: dict[str, Any], expected: str
) -> list[str]:
    """One message over a WebSocket from the first request (engine.io v4 and socket.io v5
    packets written by hand), and the texts received until one contains ``expected``. A refused
    origin raises ``websockets.exceptions.InvalidStatusCode``."""
    endpoint = url.replace("http", "ws", 1).rstrip("/") + "/socket.io/?EIO=4&transport=websocket"
    session_id = f"test-{uuid.uuid4().hex[:12]}"
    texts: list[str] = []

    def event(name: str, data: object) -> str:
        return "42" + json.dumps([name, data])

    async with websockets.connect(endpoint, origin=Origin(origin)) as socket:
        assert str(await socket.recv()).startswith("0"), "engine.io open packet"
        await socket.send("40")
        await socket.send(event("session_request", {"session_id": session_id}))
        message = {"message": text, "session_id": session_id, "customData": custom_data}
        await socket.send(event("user_uttered", message))
        while not any(expected in received for received in texts):
            packet = str(await asyncio.wait_for(socket.recv(), REPLY_WAIT_SECONDS))
            if packet == "2":  # the server's ping
                await socket.send("3")
            elif packet.startswith("42"):
                name, data = json.loads(packet[2:])[:2]
                if name == "bot_uttered":
                    texts.append(data.get("text", ""))
    return texts
