"""The hostile-input barrage of tests/test_fuzz_webhooks.py against stock Rasa channels and ours.

Run from the repository root: ``.venv/bin/python -m benchmarks.webhook_fuzz [ours|stock|
stock-survivable]`` (default: all three, 1-6 minutes each; a stock server stuck on long messages
is waited for up to the barrage's 300 s bound). Prints, per setup, the requests sent and
answered, the status code histogram (exception names where no HTTP answer came), the cases that
got something else than expected, and whether the server still answers "hi" afterwards.

- ours: credentials.yml and the masking tracker store, as ``make run``;
- stock: Rasa 3.6's ``rest:`` and ``socketio:`` channels with its SQL tracker store;
- stock-survivable: stock without the one request that stops the stock server (a sender id with
  an unpaired surrogate), to see how it fares on the rest.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

from devtools.fuzz_cases import all_cases, barrage, unexpected
from devtools.servers import running_assistant

STOCK_CREDENTIALS = """\
rest:
socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
  metadata_key: metadata
"""
SETUPS = ("ours", "stock", "stock-survivable")


def run(setup: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"webhook-fuzz-{setup}-"))
    options = {}
    if setup.startswith("stock"):
        credentials = workdir / "credentials.yml"
        credentials.write_text(STOCK_CREDENTIALS)
        options = {"credentials": credentials, "tracker_store": "SQL"}
    cases = all_cases()
    if setup == "stock-survivable":
        cases = [case for case in cases if b'"sender": "\\ud800"' not in case.body]
    with running_assistant(workdir, **options) as assistant:
        started = time.monotonic()
        results = barrage(f"{assistant.url}/webhooks/rest/webhook", cases)
        seconds = time.monotonic() - started
        try:
            alive = bool(assistant.say(assistant.new_sender(), "hi"))
        except requests.RequestException as error:
            alive = f"no ({type(error).__name__})"
    histogram = Counter(result.status for result in results)
    answered = sum(isinstance(result.status, int) for result in results)
    print(
        f"\n== {setup}: {len(results)} of {len(cases)} requests sent in {seconds:.0f} s, "
        f"{answered} answered over HTTP"
    )
    print("status codes:", dict(sorted(histogram.items(), key=str)))
    misses = Counter((result.case.label, result.status) for result in results if unexpected(result))
    for (label, status), count in sorted(misses.items(), key=str):
        print(f"  unexpected: {label} -> {status} x{count}")
    print("answers 'hi' afterwards:", alive, f"(logs in {workdir})")


if __name__ == "__main__":
    for chosen in sys.argv[1:] or SETUPS:
        run(chosen)
