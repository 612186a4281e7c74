"""Check a message from a shell: ``python -m bot.language "no tengo papeles"``.

Prints the detection, the explicit request (if any) and what ``decide`` would do for a new
conversation and for English and Spanish ones. ``--explain`` adds the evidence per cue, to see
why (and which word to add to content/language/lexicon.yml). Without a message, reads one
message per line from standard input.
"""

from __future__ import annotations

import sys

from bot.language import decide, detect, explicit_request
from bot.language.detector import Detection, evidence


def describe(text: str, explain: bool = False) -> str:
    """A short human-readable report for one message."""
    found = detect(text)
    outcomes = ", ".join(
        f"{current or 'new'}->{decide(current, text) or 'keep'}" for current in (None, "en", "es")
    )
    lines = [
        repr(text),
        f"  detect: {found.language} (confidence {found.confidence:.2f}, reason {found.reason})",
        f"  explicit request: {explicit_request(text) or 'none'}",
        f"  decide: {outcomes}",
    ]
    if explain:
        details = evidence(text)
        if isinstance(details, Detection):
            lines.append("  evidence: settled before weighing cues")
        else:
            for cue, per_class in details.by_cue.items():
                shown = " ".join(f"{cls}={value:.2f}" for cls, value in per_class.items())
                lines.append(f"  evidence {cue}: {shown}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    explain = "--explain" in argv
    words = [arg for arg in argv if arg != "--explain"]
    messages = [" ".join(words)] if words else [line.rstrip("\n") for line in sys.stdin]
    for message in messages:
        print(describe(message, explain))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
