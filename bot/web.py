"""Serve the demo page and the chat widget from web/ (standard library only).

    python -m bot.web                  # http://127.0.0.1:8080/ (env AJC_WEB_PORT, AJC_WEB_HOST)
    python -m bot.web --proxy          # also forward the REST webhook, so no CORS is needed

The demo pages name the assistant in their script tag (``data-server``); this server writes the
configured assistant URL there (env AJC_ASSISTANT_URL, default http://localhost:5005), so the
demo follows the assistant to another port. With ``--proxy`` the widget talks to this server,
which forwards ``POST /webhooks/rest/webhook`` to the assistant: the same-origin set-up a website
gets from a reverse proxy. Pages are sent with a strict Content-Security-Policy so the demo shows
the widget works without inline scripts or styles.
"""

from __future__ import annotations

import argparse
import html
import mimetypes
import os
import re
import threading
import urllib.error
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from bot import PROJECT_ROOT

WEB_ROOT = PROJECT_ROOT / "web"
DEMO_DIR = WEB_ROOT / "demo"
# Paths served from web/widget/; everything else comes from web/demo/.
WIDGET_FILES = {"/ajc-chat.js": WEB_ROOT / "widget" / "ajc-chat.js"}
WEBHOOK_PATH = "/webhooks/rest/webhook"
MAX_BODY_BYTES = 64 * 1024
DATA_SERVER = re.compile(rb'data-server="[^"]*"')


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class WebHandler(BaseHTTPRequestHandler):
    """Static files from web/ plus, in proxy mode, the assistant's REST webhook."""

    server: WebServer
    server_version = "ajc-web"

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self.send_file(head_only=False)

    def do_HEAD(self) -> None:
        self.send_file(head_only=True)

    def do_POST(self) -> None:
        if not (self.server.proxy and urlsplit(self.path).path == WEBHOOK_PATH):
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY_BYTES:
            self.send_error(HTTPStatus.BAD_REQUEST)
            return
        request = urllib.request.Request(
            self.server.assistant_url + WEBHOOK_PATH,
            data=self.rfile.read(length),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as upstream:
                status, body = upstream.status, upstream.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except OSError:
            self.send_error(HTTPStatus.BAD_GATEWAY)
            return
        self.send_bytes(status, body, "application/json", head_only=False)

    def resolve(self) -> Path | None:
        """The file for the request path, never outside web/ (no directory listings)."""
        path = urlsplit(self.path).path
        if path in WIDGET_FILES:
            return WIDGET_FILES[path]
        target = (DEMO_DIR / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(DEMO_DIR.resolve()) or not target.is_file():
            return None
        return target

    def send_file(self, head_only: bool) -> None:
        target = self.resolve()
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if urlsplit(self.path).path.endswith("/index.html"):
            self.redirect(urlsplit(self.path).path[: -len("index.html")])
            return
        if target.name == "index.html" and not urlsplit(self.path).path.endswith("/"):
            self.redirect(urlsplit(self.path).path + "/")
            return
        body = target.read_bytes()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type == "text/html":
            body = DATA_SERVER.sub(self.data_server_attribute(), body)
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self.send_bytes(HTTPStatus.OK, body, content_type, head_only)

    def data_server_attribute(self) -> bytes:
        """In proxy mode the widget talks to this server, which it finds from its own URL."""
        value = "" if self.server.proxy else self.server.assistant_url
        return f'data-server="{html.escape(value, quote=True)}"'.encode()

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_bytes(self, status: int, body: bytes, content_type: str, head_only: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", self.server.content_security_policy())
        self.end_headers()
        if not head_only:
            self.wfile.write(body)


class WebServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], assistant_url: str, proxy: bool, quiet: bool = False
    ) -> None:
        super().__init__(address, WebHandler)
        self.assistant_url = assistant_url.rstrip("/")
        self.proxy = proxy
        self.quiet = quiet

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def content_security_policy(self) -> str:
        connect = "'self'" if self.proxy else f"'self' {origin_of(self.assistant_url)}"
        return (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src {connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )

    def start_in_thread(self) -> threading.Thread:
        """Serve in the background (tests, scripts); stop with ``shutdown()``."""
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default=os.environ.get("AJC_WEB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("AJC_WEB_PORT", "8080")))
    parser.add_argument(
        "--assistant",
        default=os.environ.get("AJC_ASSISTANT_URL", "http://localhost:5005"),
        help="the Rasa server the widget talks to",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        default=os.environ.get("AJC_WEB_PROXY") == "1",
        help="forward the REST webhook through this server (no CORS set-up needed)",
    )
    args = parser.parse_args(argv)
    server = WebServer((args.host, args.port), args.assistant, args.proxy)
    # The browser's origin must match what `rasa run --cors` allows: print the usual one.
    shown = server.url.replace("://127.0.0.1:", "://localhost:")
    print(f"Demo page: {shown}/  (Spanish: {shown}/es/)  widget: {shown}/ajc-chat.js")
    if args.proxy:
        print(f"The widget talks to {args.assistant} through this server. Ctrl-C stops.")
    else:
        print(f"The widget talks to {args.assistant}, which must allow the origin {shown}")
        print(f"(rasa run --cors {shown}). Ctrl-C stops.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
