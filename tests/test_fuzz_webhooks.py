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
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests

from bot.channels import MAX_BODY_BYTES, MAX_MESSAGE_CHARS, MAX_SENDER_CHARS
from tests.servers import Assistant, running_assistant

pytestmark = pytest.mark.e2e

SEED = 20261124
WORKERS = 4
# Safety bounds for the barrage: it stops sending after this many seconds (a hung server fails
# the test instead of hanging the suite); each request waits at most REQUEST_TIMEOUT.
BARRAGE_SECONDS = 300
REQUEST_TIMEOUT = 60
MIN_REST_REQUESTS = 1000

REFUSED = "refused"  # 400/413 with {"error": ...}
ANSWERED = "answered"  # 200 with a non-empty list of bot messages
LISTED = "listed"  # 200 with a list (intent payloads typed by hand may have no reply)

NASTY_TEXTS = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">hola',
    "<b>busco</b> <i>trabajo</i>",
    "javascript:alert(document.cookie)",
    "'; DROP TABLE events; --",
    "1' OR '1'='1",
    "60608' UNION SELECT sender_id, data FROM events --",
    '"; DELETE FROM referrals WHERE 1=1; --',
    "😀😀😀",
    "🙏",
    "👍🏽",
    "🇻🇪🇺🇸",
    "مرحبا، أحتاج إلى عمل",
    "שלום, אני מחפש עבודה",
    "\u202ehola\u202c busco trabajo",
    "hola\u200b\u200bbusco\u200d trabajo",
    "help\x00me find a job",
    "busco\x07 trabajo\x1b[31m en Pilsen",
    "\ud800 necesito ayuda",
    "{language} {0} %s %n {{}} ${PATH}",
    "../../../../etc/passwd",
    "C:\\Windows\\System32",
    "Z̴̡̧a̷l̸g̵o̶ ̷t̴e̶x̵t̸",
    "ＦＵＬＬＷＩＤＴＨ　ｊｏｂ",
    "hi\r\nthere\rjob",
    "a" * (MAX_MESSAGE_CHARS - 1),
    "trabajo " * 240,
    "   hola   ",
    "60623",
    "¿¡ñ!?",
)
PAYLOADS = (
    "/nonexistent_intent",
    '/affirm{"language": "xx"}',
    '/greet{"referral_name": {"nested": [1, 2]}}',
    "/request_referral{not json",
    "/" + "x" * 300,
)


@dataclass(frozen=True)
class Case:
    label: str
    expect: str
    body: bytes
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})


@dataclass
class Result:
    case: Case
    status: int | str
    payload: object = None


def body(value: object) -> bytes:
    return json.dumps(value).encode()


def message(rng: random.Random, text: object, **extra: object) -> bytes:
    return body({"sender": f"fuzz-{rng.randrange(10**9)}", "message": text, **extra})


def nested(depth: int, leaf: object = 1) -> str:
    return "[" * depth + json.dumps(leaf) + "]" * depth


def refused_cases(rng: random.Random) -> Iterator[Case]:
    """Malformed bodies, many random variants of each kind."""
    valid = message(rng, "hola")
    yield Case("empty body", REFUSED, b"")
    yield Case("whitespace body", REFUSED, b"  \n ")
    for _ in range(200):
        yield Case("random bytes", REFUSED, rng.randbytes(rng.randrange(1, 400)))
    for _ in range(120):
        yield Case("truncated JSON", REFUSED, valid[: rng.randrange(1, len(valid) - 1)])
    for broken in (
        b"{'sender': 'a', 'message': 'b'}",
        b'{"sender": "a", "message": "b",}',
        b'{"sender": "a" "message": "b"}',
        b"{sender: a}",
        b"NaN",
        b"[1, 2",
    ):
        yield Case("invalid JSON", REFUSED, broken)
    for _ in range(80):
        bad = bytes([rng.choice([0x80, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xFF])]) * rng.randrange(1, 5)
        yield Case("invalid UTF-8", REFUSED, b'{"sender": "u", "message": "hola ' + bad + b'"}')
    for top in (None, [], ["hola"], [{"sender": "a", "message": "b"}], 1, -1.5, "hola", True):
        yield Case(f"top-level {type(top).__name__}", REFUSED, body(top))
    wrong_types = (None, 0, 42, -1, 3.14, 1e308, True, False, [], ["hola"], {}, {"text": "hola"})
    for _ in range(8):
        for value in wrong_types:
            yield Case(f"message {type(value).__name__}", REFUSED, message(rng, value))
        yield Case("message missing", REFUSED, body({"sender": f"fuzz-{rng.random()}"}))
        yield Case("message empty", REFUSED, message(rng, ""))
        yield Case("message control chars only", REFUSED, message(rng, "\x00\x01\x1f\x7f\t"))
        for sender in (None, "", 0, 12345, 1.5, [], ["a"], {}, {"id": "a"}, True):
            case = Case(
                f"sender {type(sender).__name__}",
                REFUSED,
                body({"sender": sender, "message": "hola"}),
            )
            yield case
        yield Case("sender missing", REFUSED, body({"message": "hola"}))
        yield Case(
            "sender too long",
            REFUSED,
            body({"sender": "s" * (MAX_SENDER_CHARS + 1), "message": "hola"}),
        )
        for sender in ("a\x00b", "line\nbreak", " padded ", "\ud800"):
            yield Case("sender control", REFUSED, body({"sender": sender, "message": "hola"}))
        for metadata in ("es", "", 1, [], ["language", "es"], True):
            case = Case(
                f"metadata {type(metadata).__name__}",
                REFUSED,
                message(rng, "hola", metadata=metadata),
            )
            yield case
    for _ in range(40):
        size = rng.randrange(5_000, 120_000)
        yield Case(
            "huge metadata",
            REFUSED,
            message(rng, "hola", metadata={"language": "es", "blob": "x" * size}),
        )
        many = {f"k{i}": i for i in range(rng.randrange(400, 3000))}
        yield Case("metadata many keys", REFUSED, message(rng, "hola", metadata=many))
    for _ in range(40):
        depth = rng.randrange(10, 60)
        deep: object = "es"
        for _ in range(depth):
            deep = {"d": deep}
        yield Case("deep metadata", REFUSED, message(rng, "hola", metadata=deep))
        yield Case("deeply nested body", REFUSED, nested(rng.randrange(50, 50_000)).encode())
        yield Case(
            "deep message",
            REFUSED,
            b'{"sender": "d", "message": ' + nested(rng.randrange(100, 20_000)).encode() + b"}",
        )
    for _ in range(10):
        yield Case(
            "body too large",
            REFUSED,
            message(rng, "x" * (MAX_BODY_BYTES + rng.randrange(1, 200_000))),
        )


def answered_cases(rng: random.Random) -> Iterator[Case]:
    """Well-formed messages with nasty content: each must get a reply."""
    for text in NASTY_TEXTS:
        yield Case("nasty text", ANSWERED, message(rng, text))
        yield Case("nasty text, es", ANSWERED, message(rng, text, metadata={"language": "es"}))
    for _ in range(20):
        piece = rng.choice(["a", "busco trabajo ", "<b>job</b> ", "1' OR '1'='1 "])
        yield Case("100 KB text", ANSWERED, message(rng, piece * (100_000 // len(piece))))
        size = rng.randrange(MAX_MESSAGE_CHARS + 1, 20_000)
        yield Case("too long text", ANSWERED, message(rng, "busco trabajo " * (size // 14 + 1)))
    for text in ("hola", "nearest job center to 60623"):
        yield Case(
            "text/plain content type",
            ANSWERED,
            message(rng, text),
            headers={"Content-Type": "text/plain"},
        )
        yield Case("no content type", ANSWERED, message(rng, text), headers={})
    for payload in PAYLOADS:
        yield Case("intent payload", LISTED, message(rng, payload))


def all_cases() -> list[Case]:
    rng = random.Random(SEED)
    cases = [*refused_cases(rng), *answered_cases(rng)]
    rng.shuffle(cases)
    return cases


def send(session: requests.Session, url: str, case: Case) -> Result:
    try:
        response = session.post(url, data=case.body, headers=case.headers, timeout=REQUEST_TIMEOUT)
    except requests.RequestException as error:
        return Result(case, type(error).__name__)
    try:
        payload = response.json()
    except ValueError:
        payload = None
    return Result(case, response.status_code, payload)


def barrage(url: str, cases: list[Case]) -> list[Result]:
    """Every case, from a small thread pool, stopping at BARRAGE_SECONDS."""
    deadline = time.monotonic() + BARRAGE_SECONDS
    session = requests.Session()
    session.trust_env = False  # never through a proxy: 127.0.0.1 only

    def run(case: Case) -> Result | None:
        return send(session, url, case) if time.monotonic() < deadline else None

    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(run, cases))
    return [result for result in results if result is not None]


def unexpected(result: Result) -> str | None:
    """Why ``result`` is not what its case expects, or None when it is."""
    status, payload = result.status, result.payload
    if result.case.expect == REFUSED:
        if status in (400, 413) and isinstance(payload, dict) and payload.get("error"):
            return None
    elif status == 200 and isinstance(payload, list) and (result.case.expect == LISTED or payload):
        return None
    return f"{result.case.label}: {status} {str(payload)[:120]}"


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
