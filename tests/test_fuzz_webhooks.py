"""Hostile input against the public webhooks of a real running assistant.

Over a thousand malformed or nasty requests (seeded, so a failure can be replayed) go to the REST
webhook, and a smaller set to the socket.io polling endpoint. What a user of the website would
notice: the server never answers 5xx, never goes down, answers every well-formed message, and
tells a caller plainly (400/413 with a JSON error) what was wrong with a malformed one.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from collections.abc import Iterator

import pytest
import requests

from bot.channels.checks import MAX_MESSAGE_CHARS
from devtools.fuzz_cases import (
    BARRAGE_SECONDS,
    MIN_REST_REQUESTS,
    SEED,
    all_cases,
    barrage,
    nested,
    unexpected,
)
from devtools.servers import Assistant, running_assistant

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """An assistant of its own, so the barrage's conversations touch no other test."""
    with running_assistant(tmp_path_factory.mktemp("fuzz")) as running:
        yield running


def test_a_thousand_hostile_requests_never_break_the_rest_webhook(fuzzed: Assistant) -> None:
    cases = all_cases()
    assert len(cases) >= MIN_REST_REQUESTS
    results = barrage(f"{fuzzed.url}/webhooks/rest/webhook", cases)
    histogram = Counter(result.status for result in results)
    codes = dict(sorted(histogram.items(), key=str))
    print(f"\nREST barrage: {len(results)} requests, status codes {codes}")

    assert len(results) == len(cases), f"only {len(results)} sent in {BARRAGE_SECONDS} s"
    assert not [status for status in histogram if isinstance(status, str) or status >= 500]
    problems = [problem for result in results if (problem := unexpected(result))]
    assert not problems, "\n".join(problems[:20])
    assert all(process.poll() is None for process in fuzzed.processes)
    me = fuzzed.new_sender()
    assert "job center" in " ".join(m.get("text", "") for m in fuzzed.say(me, "hi")).lower()


def test_too_long_message_is_answered_politely_in_the_conversation_language(
    fuzzed: Assistant,
) -> None:
    long_text = "necesito ayuda con mi permiso de trabajo y busco empleo. " * 60
    assert len(long_text) > MAX_MESSAGE_CHARS

    spanish = fuzzed.new_sender()
    fuzzed.say(spanish, "hola, busco trabajo")
    reply = fuzzed.say(spanish, "qz" * MAX_MESSAGE_CHARS)
    assert len(reply) == 1 and "demasiado largo" in reply[0]["text"]
    assert str(MAX_MESSAGE_CHARS) in reply[0]["text"]

    english_site = fuzzed.say(fuzzed.new_sender(), long_text, metadata={"language": "en"})
    assert "too long" in english_site[0]["text"]
    assert "demasiado largo" in fuzzed.say(fuzzed.new_sender(), long_text)[0]["text"]

    with sqlite3.connect(fuzzed.tracker_db) as db:
        stored = db.execute("SELECT count(*) FROM events WHERE data LIKE '%qzqzqzqz%'").fetchone()
    assert stored == (0,), "a too long message must not reach NLU or the conversation store"


def test_malformed_request_gets_a_reason_not_a_server_error(fuzzed: Assistant) -> None:
    url = f"{fuzzed.url}/webhooks/rest/webhook"
    answer = requests.post(url, json={"sender": "a", "message": 42}, timeout=10)
    assert answer.status_code == 400 and "message" in answer.json()["error"]
    answer = requests.post(url, data=b"[]", timeout=10)
    assert answer.status_code == 400 and "object" in answer.json()["error"]
    answer = requests.post(url, json={"message": "hola"}, timeout=10)
    assert answer.status_code == 400 and "sender" in answer.json()["error"]


# --- socket.io (engine.io HTTP long-polling) -------------------------------------------------


def socketio_url(assistant: Assistant, **query: str) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"{assistant.url}/socket.io/?{params}"


def handshake(session: requests.Session, assistant: Assistant) -> str:
    """A new engine.io session id, from the polling handshake the widget's library makes."""
    opened = session.get(socketio_url(assistant, EIO="4", transport="polling"), timeout=10)
    assert opened.status_code == 200 and opened.text.startswith("0"), opened.text[:200]
    return json.loads(opened.text[1:])["sid"]


def test_socketio_polling_refuses_garbage_without_server_errors(fuzzed: Assistant) -> None:
    rng = random.Random(SEED)
    session = requests.Session()
    session.trust_env = False
    statuses: Counter[int] = Counter()
    server_errors: list[str] = []

    def record(response: requests.Response) -> None:
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            request = response.request
            server_errors.append(f"{request.method} {request.url[:120]} {str(request.body)[:80]}")

    bad_queries = [
        {}, {"EIO": "3", "transport": "polling"}, {"EIO": "abc", "transport": "polling"},
        {"EIO": "4"}, {"EIO": "4", "transport": "carrier-pigeon"},
        {"EIO": "4", "transport": "websocket"}, {"EIO": "4", "transport": "polling", "sid": "nope"},
        {"EIO": "4", "transport": "polling", "sid": "x" * 5000},
        {"EIO": "4", "transport": "polling", "t": "%00%ff"},
        {"EIO": "9" * 50, "transport": "polling"},
    ]  # fmt: skip
    for query in bad_queries:
        record(session.get(socketio_url(fuzzed, **query), timeout=10))
        record(session.post(socketio_url(fuzzed, **query), data=rng.randbytes(64), timeout=10))

    garbage = [
        b"", b"xyz", b"4", b"42[", b"42[\"user_uttered\"", b"40/nope,", b"\xff\xfe",
        b"42" + nested(5000).encode(), b"4" + b"a" * 200_000,
    ]  # fmt: skip
    events = [
        {"message": 123, "session_id": "s1"}, {"message": "hola", "session_id": {"a": 1}},
        {"message": ["hola"], "session_id": "s2"}, {"message": "hola", "session_id": "s" * 5000},
        {"message": "hola", "session_id": "s3", "metadata": "not json"},
        {"message": "hola", "session_id": "s4", "metadata": ["es"]},
        {"message": "\x00\x01", "session_id": "s5"}, {"message": "x" * 50_000, "session_id": "s6"},
        {"message": None, "session_id": "s7"}, {},
    ]  # fmt: skip
    for _ in range(3):
        sid = handshake(session, fuzzed)
        record(
            session.post(
                socketio_url(fuzzed, EIO="4", transport="polling", sid=sid), data=b"40", timeout=10
            )
        )
        # Engine.io's noop ("6") legitimately waits for the next poll, so it is not sent; close
        # ("1") comes last, after which the session must be refused.
        uttered = [b"42" + json.dumps(["user_uttered", event]).encode() for event in events]
        for packet in [*garbage, *uttered, b"1", b"42[]"]:
            url = socketio_url(fuzzed, EIO="4", transport="polling", sid=sid)
            record(session.post(url, data=packet, timeout=10))

    print(f"\nsocket.io barrage: {sum(statuses.values())} requests, status codes {dict(statuses)}")
    assert not server_errors, "\n".join(server_errors)
    assert statuses[400] > 0, "malformed handshakes must be refused"
    assert all(process.poll() is None for process in fuzzed.processes)
    handshake(session, fuzzed)
    assert fuzzed.say(fuzzed.new_sender(), "hola")


def test_socketio_answers_a_valid_message_and_refuses_a_too_long_one(fuzzed: Assistant) -> None:
    session = requests.Session()
    session.trust_env = False
    sid = handshake(session, fuzzed)
    url = socketio_url(fuzzed, EIO="4", transport="polling", sid=sid)

    def emit(event: str, data: dict) -> None:
        sent = session.post(url, data=("42" + json.dumps([event, data])).encode(), timeout=10)
        assert sent.status_code == 200

    def replies(count: int) -> list[str]:
        """Texts of the next ``count`` bot_uttered events, from as many polls as needed."""
        texts: list[str] = []
        for _ in range(20):
            for packet in session.get(url, timeout=60).text.split("\x1e"):
                if packet.startswith("42"):
                    name, data = json.loads(packet[2:])[:2]
                    if name == "bot_uttered":
                        texts.append(data.get("text", ""))
            if len(texts) >= count:
                return texts
        raise AssertionError(f"only {texts} came back")

    assert session.post(url, data=b"40", timeout=10).status_code == 200
    conversation = fuzzed.new_sender()
    emit("session_request", {"session_id": conversation})  # replies go to this room
    emit("user_uttered", {"message": "qz" * MAX_MESSAGE_CHARS, "session_id": conversation,
                          "metadata": {"language": "es"}})  # fmt: skip
    assert "demasiado largo" in replies(1)[0]
    emit("user_uttered", {"message": "hi", "session_id": conversation})
    assert "job center" in " ".join(replies(1)).lower()
