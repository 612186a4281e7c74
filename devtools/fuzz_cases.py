"""The hostile requests of the webhook barrage, as tables of cases with what each must get back.

Seeded, so a failure can be replayed. Shared by tests/test_fuzz_webhooks.py (our channels must
pass) and benchmarks/webhook_fuzz.py (how stock Rasa channels fare on the same barrage).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from bot.channels.checks import MAX_BODY_BYTES, MAX_MESSAGE_CHARS, MAX_SENDER_CHARS

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
