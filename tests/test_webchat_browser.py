"""rasa-webchat 1.0.1, the widely used third-party web client for Rasa, embedded in Chromium the
way a partner website would (web/partners/rasa-webchat.html, docs/widget.md), talking to the
socket.io channel of an assistant that allows that website's origin.

The script is the package's UMD build, installed from npm by `make test` (web/vendor/); the test
is skipped with the command when it is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from bot import PROJECT_ROOT
from devtools.servers import Assistant
from tests.browsers import REPLY_WAIT_MS

PARTNER_PAGE = PROJECT_ROOT / "web" / "partners" / "rasa-webchat.html"
WEBCHAT_BUILD = (
    PROJECT_ROOT / "web" / "vendor" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
)
CDN_SCRIPT = "https://cdn.jsdelivr.net/npm/rasa-webchat@1.0.1/lib/index.js"
PLACEHOLDER_HOST = "https://ASSISTANT-HOST"

expect.set_options(timeout=REPLY_WAIT_MS)
pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def partner_site(
    tmp_path_factory: pytest.TempPathFactory, partner_assistant: Assistant, partner_origin: str
) -> Iterator[str]:
    """The documented page, on the one origin the assistant allows, with the script served from
    the site itself instead of the CDN (the tests run offline)."""
    if not WEBCHAT_BUILD.is_file():
        pytest.skip("rasa-webchat is not installed: (cd web/vendor && npm ci)")
    root = tmp_path_factory.mktemp("partner-site")
    page = PARTNER_PAGE.read_text(encoding="utf-8")
    assert CDN_SCRIPT in page and PLACEHOLDER_HOST in page
    page = page.replace(CDN_SCRIPT, "/rasa-webchat.js").replace(
        PLACEHOLDER_HOST, partner_assistant.url
    )
    (root / "index.html").write_text(page, encoding="utf-8")
    (root / "rasa-webchat.js").write_bytes(WEBCHAT_BUILD.read_bytes())
    port = urlsplit(partner_origin).port
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield partner_origin
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="es-US")
    # The widget's stylesheet imports a web font from Google; nothing leaves this machine.
    context.route("https://fonts.googleapis.com/**", lambda route: route.abort())
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_spanish_conversation_on_a_partner_site(page: Page, partner_site: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(partner_site + "/")
    page.locator(".rw-launcher").click()

    bot = page.locator(".rw-response")
    expect(bot.first).to_contain_text("¡Hola!")
    page.locator(".rw-reply", has_text="Centro más cercano").click()
    expect(bot.filter(has_text="código postal").first).to_be_visible()
    box = page.get_by_placeholder("Escriba su mensaje")
    box.fill("60623")
    box.press("Enter")
    card = bot.filter(has_text="Dirección").first
    expect(card).to_contain_text("Pilsen")
    expect(card).to_contain_text("millas")
    # The card is one message of several lines; the page's `white-space: pre-line` shows them.
    lines = [line.strip() for line in card.inner_text().splitlines()]
    assert any(line.startswith("Dirección:") for line in lines), lines
    assert any(line.startswith("Teléfono:") for line in lines), lines

    page.reload()  # the chat stays open with its history (params.storage "session")
    expect(page.locator(".rw-response").filter(has_text="Dirección").first).to_contain_text(
        "Pilsen"
    )
    expect(page.locator(".rw-client").filter(has_text="60623")).to_be_visible()
    assert not errors, errors
