"""Check a message from a shell: ``python -m bot.language "no tengo papeles"``.

Prints the detection, the explicit request (if any) and what ``decide`` would do for a new
conversation and for English and Spanish ones. Without an argument, reads one message per line.
"""

from __future__ import annotations

import sys

from bot.language import decide, detect, explicit_request


def describe(text: str) -> str:
    """A short human-readable report for one message."""
    found = detect(text)
    outcomes = ", ".join(
        f"{current or 'new'}->{decide(current, text) or 'keep'}" for current in (None, "en", "es")
    )
    return (
        f"{text!r}\n"
        f"  detect: {found.language} (confidence {found.confidence:.2f}, reason {found.reason})\n"
        f"  explicit request: {explicit_request(text) or 'none'}\n"
        f"  decide: {outcomes}"
    )


def main(argv: list[str]) -> int:
    messages = [" ".join(argv)] if argv else [line.rstrip("\n") for line in sys.stdin]
    for message in messages:
        print(describe(message))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
