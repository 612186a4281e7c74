"""The chat widget in a real browser (Debian's Chromium via Playwright) with the real assistant.

The pages come from bot.web in proxy mode, so the widget's requests reach the assistant from the
page's own origin whatever CORS the test assistant allows; `test_cross_origin_conversation`
covers the direct, cross-origin set-up when the assistant allows it.

Screenshots go to a temporary folder, or to docs/screenshots/ with AJC_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from bot import PROJECT_ROOT
from bot.web import WEBHOOK_PATH, WebServer
from devtools.servers import Assistant
from tests.browsers import REPLY_WAIT_MS

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}

expect.set_options(timeout=REPLY_WAIT_MS)
pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@contextmanager
def serve_web(assistant_url: str, proxy: bool) -> Iterator[str]:
    server = WebServer(("127.0.0.1", 0), assistant_url, proxy=proxy, quiet=True)
    server.start_in_thread()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(assistant: Assistant) -> Iterator[str]:
    """The demo site, forwarding the widget's requests to the assistant."""
    with serve_web(assistant.url, proxy=True) as url:
        yield url


class Visitor:
    """One person with a browser tab: what they see and what they do."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.log = page.get_by_role("log")
        self.bot = page.locator("#ajc-chat .msg.bot")
        self.user = page.locator("#ajc-chat .msg.user")
        self.panel = page.get_by_role("dialog")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def launcher(self, name: str = "Chat with us"):
        return self.page.get_by_role("button", name=name)

    def textbox(self, name: str = "Type your message"):
        return self.page.get_by_role("textbox", name=name)

    def open_chat(self, name: str = "Chat with us", greeting: bool = True) -> None:
        """Open the panel and, for a new conversation, wait for the assistant's greeting."""
        self.launcher(name).click()
        expect(self.panel).to_be_visible()
        if greeting:
            expect(self.bot.first).to_be_visible()

    def say(self, text: str, box: str = "Type your message") -> None:
        """Type and press Enter, then wait for the assistant's answer to that message."""
        replies = self.bot.count()
        self.textbox(box).fill(text)
        self.textbox(box).press("Enter")
        expect(self.user.last).to_contain_text(text)
        expect(self.bot).not_to_have_count(replies)

    def reply(self, text: str):
        """The first message of the assistant's that contains ``text``."""
        return self.bot.filter(has_text=text).first

    def sender(self) -> str:
        """The conversation id the widget keeps for this tab."""
        return self.page.evaluate(
            """() => {
              const key = Object.keys(sessionStorage).find((k) => k.startsWith('ajc-chat:v1:'));
              return JSON.parse(sessionStorage.getItem(key)).sender;
            }"""
        )

    def texts(self) -> list[str]:
        return self.page.locator("#ajc-chat .msg").all_inner_texts()

    def focused(self) -> str:
        """What has the keyboard focus: 'launcher', an element id, or a tag name."""
        return self.page.evaluate(
            """() => {
              const host = document.activeElement;
              if (!host || host.id !== 'ajc-chat') return host ? host.tagName.toLowerCase() : '';
              const inner = host.shadowRoot.activeElement;
              if (!inner) return 'ajc-chat';
              if (inner.classList.contains('launcher')) return 'launcher';
              return inner.id || inner.tagName.toLowerCase();
            }"""
        )

    def focus_ring(self) -> str:
        """The focused widget element's focus indicator (box-shadow), 'none' when invisible."""
        return self.page.evaluate(
            "() => getComputedStyle(document.activeElement.shadowRoot.activeElement).boxShadow"
        )

    def screenshot(self, name: str, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / name))


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Visitor]:
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(REPLY_WAIT_MS)
    person = Visitor(context.new_page())
    yield person
    context.close()
    assert person.errors == [], "the page raised JavaScript errors"


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    if os.environ.get("AJC_UPDATE_SCREENSHOTS") == "1":
        return PROJECT_ROOT / "docs" / "screenshots"
    return tmp_path


def test_spanish_conversation_after_switching_to_espanol(visitor: Visitor, site: str) -> None:
    visitor.page.goto(site + "/")
    visitor.open_chat()
    expect(visitor.bot.first).to_contain_text("American Job Centers")

    visitor.page.get_by_role("button", name="Español").click()
    # The widget's own labels and the assistant both switch to Spanish.
    expect(visitor.page.get_by_role("button", name="Español")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(visitor.textbox("Escriba su mensaje")).to_be_visible()
    expect(visitor.page.get_by_role("button", name="Cerrar el chat")).to_be_visible()
    expect(visitor.bot).to_have_count(2)
    expect(visitor.reply("seguimos en español")).to_be_visible()

    visitor.say("hola", box="Escriba su mensaje")
    expect(visitor.reply("¡Hola!")).to_be_visible()
    quick_reply = visitor.page.get_by_role("group", name="Respuestas sugeridas").get_by_role(
        "button", name="Centro más cercano"
    )
    replies = visitor.bot.count()
    quick_reply.click()

    # The button's title is the person's message; its "/find_ajc" payload is never shown.
    expect(visitor.user.last).to_have_text(re.compile(r"Centro más cercano$"))
    expect(visitor.bot).not_to_have_count(replies)
    expect(visitor.reply("código postal")).to_be_visible()
    assert not any("/find_ajc" in text for text in visitor.texts())


def test_english_nearest_job_center_by_zip(visitor: Visitor, site: str) -> None:
    visitor.page.goto(site + "/")
    visitor.open_chat()
    expect(visitor.bot.first).to_contain_text("American Job Centers")

    visitor.say("nearest job center to 60623")

    expect(visitor.reply("Pilsen")).to_be_visible()
    expect(visitor.reply("1700 W. 18th St")).to_be_visible()


def test_reload_keeps_the_conversation(visitor: Visitor, site: str) -> None:
    visitor.page.goto(site + "/")
    visitor.open_chat()
    visitor.say("nearest job center to 60623")
    expect(visitor.reply("Pilsen")).to_be_visible()
    before = visitor.texts()

    visitor.page.reload()

    expect(visitor.panel).to_be_visible()
    expect(visitor.reply("Pilsen")).to_be_visible()
    assert visitor.texts() == before
    visitor.say("thank you")
    assert visitor.texts()[: len(before)] == before


def test_keyboard_only(visitor: Visitor, site: str) -> None:
    visitor.page.goto(site + "/")
    for _ in range(30):
        visitor.page.keyboard.press("Tab")
        if visitor.focused() == "launcher":
            break
    assert visitor.focused() == "launcher", "Tab never reached the chat button"
    assert visitor.focus_ring() != "none"

    visitor.page.keyboard.press("Enter")
    expect(visitor.panel).to_be_visible()
    assert visitor.focused() == "ajc-input"
    assert visitor.focus_ring() != "none"
    expect(visitor.bot.first).to_contain_text("American Job Centers")

    visitor.page.keyboard.type("nearest job center to 60623")
    visitor.page.keyboard.press("Enter")
    expect(visitor.reply("Pilsen")).to_be_visible()

    # Tab reaches the send button, then leaves the panel for the page (a non-modal dialog).
    visitor.page.keyboard.press("Tab")
    assert visitor.focused() == "button"
    assert visitor.focus_ring() != "none"

    visitor.page.keyboard.press("Shift+Tab")
    visitor.page.keyboard.press("Escape")
    expect(visitor.panel).to_be_hidden()
    assert visitor.focused() == "launcher"
    assert visitor.focus_ring() != "none"
    expect(visitor.launcher()).to_have_attribute("aria-expanded", "false")


def test_markup_in_messages_is_shown_as_text(visitor: Visitor, site: str) -> None:
    visitor.page.goto(site + "/")
    visitor.open_chat()
    expect(visitor.bot.first).to_contain_text("American Job Centers")
    attacks = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script><b>bold</b>"]

    for attack in attacks:
        visitor.say(attack)

    assert visitor.dialogs == []
    for attack in attacks:
        expect(visitor.user.filter(has_text=attack)).to_have_count(1)
    expect(visitor.page.locator("#ajc-chat img")).to_have_count(0)
    expect(visitor.page.locator("#ajc-chat .msg script, #ajc-chat .msg b")).to_have_count(0)


def test_links_in_replies_open_safely_in_a_new_tab(visitor: Visitor, site: str) -> None:
    visitor.page.goto(site + "/")
    visitor.open_chat()
    visitor.say("talk to a person")

    link = visitor.log.get_by_role("link", name=re.compile("LevelUpAJC.org")).first
    expect(link).to_have_attribute("href", "https://levelupajc.org/")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))


def test_spanish_page_starts_in_spanish_and_retries_when_offline(
    visitor: Visitor, site: str
) -> None:
    visitor.page.goto(site + "/es/")
    visitor.page.context.set_offline(True)
    visitor.open_chat("Escríbanos: abrir el asistente de los Centros de Empleo", greeting=False)

    error = visitor.page.locator("#ajc-chat .error")
    expect(error).to_contain_text("no pudimos comunicarnos con el asistente")
    visitor.page.context.set_offline(False)
    visitor.page.get_by_role("button", name="Intentar de nuevo").click()

    expect(error).to_have_count(0)
    expect(visitor.bot.first).to_contain_text("¡Hola!")
    expect(
        visitor.page.get_by_role("group", name="Respuestas sugeridas").get_by_role(
            "button", name="Centro más cercano"
        )
    ).to_be_visible()


def test_start_over_clears_the_conversation(visitor: Visitor, site: str) -> None:
    visitor.page.goto(site + "/")
    visitor.open_chat()
    visitor.say("nearest job center to 60623")
    sender = visitor.sender()

    visitor.page.get_by_role("button", name="Start over: clear this conversation").click()

    expect(visitor.user).to_have_count(0)
    expect(visitor.bot).to_have_count(1)
    expect(visitor.bot.first).to_contain_text("American Job Centers")
    assert visitor.sender() != sender


CONTRAST_JS = """() => {
  const root = document.getElementById('ajc-chat').shadowRoot;
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (el) => {
    for (let n = el; n; n = n.parentElement || (n.getRootNode().host ?? null)) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const out = {};
  for (const sel of ARGS) {
    const el = root.querySelector(sel);
    if (!el) { out[sel] = null; continue; }
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return out;
}"""


def test_text_contrast_meets_wcag_aa(visitor: Visitor, site: str) -> None:
    visitor.page.goto(site + "/")
    visitor.open_chat()
    visitor.say("talk to a person")  # an answer with a link and suggested replies
    conversation = [
        ".title",
        ".subtitle",
        ".langs button[aria-pressed=true]",
        ".langs button[aria-pressed=false]",
        ".msg.bot",
        ".msg.user",
        ".msg.bot a",
        ".quick button",
        ".form input",
        ".form button",
    ]
    ratios = visitor.page.evaluate(CONTRAST_JS.replace("ARGS", repr(conversation)))
    visitor.page.context.set_offline(True)
    visitor.textbox().fill("hello")
    visitor.textbox().press("Enter")
    expect(visitor.page.locator("#ajc-chat .error")).to_be_visible()
    visitor.page.context.set_offline(False)
    ratios |= visitor.page.evaluate(
        CONTRAST_JS.replace("ARGS", repr([".error p", ".error button"]))
    )

    missing = [selector for selector, ratio in ratios.items() if ratio is None]
    low = {selector: round(ratio, 2) for selector, ratio in ratios.items() if ratio and ratio < 4.5}
    assert missing == [] and low == {}


@pytest.mark.parametrize("width", [320, 360])
def test_small_screens_fit_without_sideways_scrolling(
    browser: Browser, site: str, width: int, screenshots: Path
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 740})
    context.set_default_timeout(REPLY_WAIT_MS)
    visitor = Visitor(context.new_page())
    try:
        visitor.page.goto(site + "/es/")
        visitor.open_chat("Escríbanos: abrir el asistente de los Centros de Empleo")
        visitor.say("oficina cerca del 60623", box="Escriba su mensaje")
        expect(visitor.reply("Pilsen")).to_be_visible()

        box = visitor.panel.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        for control in (
            visitor.textbox("Escriba su mensaje"),
            visitor.page.get_by_role("button", name="Enviar"),
            visitor.page.get_by_role("button", name="Cerrar el chat"),
        ):
            control_box = control.bounding_box()
            assert control_box is not None and control_box["x"] + control_box["width"] <= width
        scroll_width = visitor.page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= width
        if width == PHONE["width"]:
            visitor.screenshot("widget-360.png", screenshots)
    finally:
        context.close()


def test_desktop_screenshot(visitor: Visitor, site: str, screenshots: Path) -> None:
    visitor.page.goto(site + "/")
    visitor.open_chat()
    visitor.say("nearest job center to 60623")
    expect(visitor.reply("Pilsen")).to_be_visible()
    box = visitor.panel.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= DESKTOP["height"]
    visitor.screenshot("widget-desktop.png", screenshots)


def cors_allows(assistant: Assistant, origin: str) -> bool:
    response = requests.options(
        assistant.url + WEBHOOK_PATH,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    return response.headers.get("Access-Control-Allow-Origin") in (origin, "*")


def test_cross_origin_conversation(visitor: Visitor, assistant: Assistant) -> None:
    """The embed as on a real website: the page on one origin, the assistant on another."""
    with serve_web(assistant.url, proxy=False) as page_url:
        if not cors_allows(assistant, page_url):
            pytest.skip(
                "the test assistant allows no other origin (devtools/servers.py has no --cors)"
            )
        visitor.page.goto(page_url + "/")
        visitor.open_chat()
        visitor.say("nearest job center to 60623")
        expect(visitor.reply("Pilsen")).to_be_visible()
