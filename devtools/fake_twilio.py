"""Twilio's side of SMS and WhatsApp, on this machine: tests need no internet and no account.

- ``FakeTwilio`` stands in for the Messages API (``POST /2010-04-01/Accounts/<sid>/Messages.json``)
  on a free local port and records every message the assistant sends;
- ``Phone`` is a person texting: it posts the webhook Twilio would post, signed as Twilio signs
  it (HMAC-SHA1 of the URL and the sorted form fields with the auth token, written here from
  Twilio's documentation rather than with the library the channel uses), and returns the
  messages the assistant sent back to it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token"
SMS_NUMBER = "+13125550100"
WHATSAPP_NUMBER = "+14155238886"
SENDER_KEY = "test-sender-key"
WEBHOOK_PATH = "/webhooks/twilio/webhook"
# Each Phone gets its own number in the 555 exchange, so conversations never mix.
_NUMBERS = itertools.count(random.randrange(9000))


def twilio_environment(api_base: str) -> dict[str, str]:
    """The settings that enable the channel (scripts/channel-credentials), pointed at the fake."""
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_NUMBER": SMS_NUMBER,
        "TWILIO_WHATSAPP_NUMBER": WHATSAPP_NUMBER,
        "AJC_TWILIO_SENDER_KEY": SENDER_KEY,
        "AJC_TWILIO_API_BASE": api_base,
    }


def signature(url: str, fields: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature as Twilio documents it."""
    data = url + "".join(name + fields[name] for name in sorted(fields))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass
class FakeTwilio:
    """The Messages API, recording each sent message as {"To", "From", "Body"}."""

    url: str = ""
    messages: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sent_to(self, number: str) -> list[dict[str, str]]:
        with self.lock:
            return [message for message in self.messages if message["To"] == number]


def _handler(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    expected_path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    expected_auth = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    counter = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if self.path != expected_path or self.headers.get("Authorization") != expected_auth:
                self._answer(401, {"code": 20003, "message": "Authenticate"})
                return
            if not form.get("Body") or len(form["Body"]) > 1600:
                self._answer(400, {"code": 21617, "message": "Body too long or missing"})
                return
            with fake.lock:
                fake.messages.append({key: form.get(key, "") for key in ("To", "From", "Body")})
            self._answer(201, {"sid": f"SM{next(counter):032d}", "status": "queued", **form})

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running_fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Phone:
    """Someone texting the assistant from ``number`` ("+1..." for SMS, "whatsapp:+..." )."""

    assistant_url: str
    twilio: FakeTwilio
    number: str
    # The URL Twilio is configured with, when it is not the address posted to (a proxy in
    # front: AJC_TWILIO_WEBHOOK_URL); Twilio signs the URL it calls.
    public_url: str | None = None
    # The replica that answered each webhook, from the proxy's X-Upstream header.
    upstreams: list[str] = field(default_factory=list)

    @classmethod
    def new(
        cls,
        assistant_url: str,
        twilio: FakeTwilio,
        whatsapp: bool = False,
        public_url: str | None = None,
    ) -> Phone:
        number = f"+1312555{next(_NUMBERS) % 10_000:04d}"
        return cls(assistant_url, twilio, f"whatsapp:{number}" if whatsapp else number, public_url)

    @property
    def to(self) -> str:
        return f"whatsapp:{WHATSAPP_NUMBER}" if self.number.startswith("whatsapp:") else SMS_NUMBER

    def post(self, fields: dict[str, str], signed_with: str | None = AUTH_TOKEN) -> int:
        """Post a webhook as Twilio would; ``signed_with=None`` leaves the signature out."""
        url = self.assistant_url + WEBHOOK_PATH
        signed_url = self.public_url or url
        headers = (
            {}
            if signed_with is None
            else {"X-Twilio-Signature": signature(signed_url, fields, signed_with)}
        )
        response = requests.post(url, data=fields, headers=headers, timeout=60)
        self.upstreams.append(response.headers.get("X-Upstream", ""))
        return response.status_code

    def send(self, body: str = "", **fields: str) -> list[str]:
        """Text ``body`` (and any other webhook fields); the texts the assistant sent back."""
        before = len(self.twilio.sent_to(self.number))
        message = {
            "MessageSid": f"SM{random.getrandbits(128):032x}",
            "AccountSid": ACCOUNT_SID,
            "From": self.number,
            "To": self.to,
            "Body": body,
            "NumMedia": "0",
            **fields,
        }
        status = self.post(message)
        assert status == 200, f"the webhook answered {status}"
        return [sent["Body"] for sent in self.twilio.sent_to(self.number)[before:]]
