"""Debian's Chromium through Playwright, for the browser tests (never `playwright install`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = Path(os.environ.get("AJC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A ceiling for waiting on the assistant's replies on a busy 2-core machine, not a timing check.
REPLY_WAIT_MS = 60_000


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; the test is skipped with the fix when it is not installed
    (`make test` installs it first, so there it always runs)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"No Chromium at {CHROMIUM}: make browser (apt-get install chromium)")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for the length of the block."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
