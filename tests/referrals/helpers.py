"""Helpers for the referral tests: a real partner endpoint, a referral, a worker loop."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlalchemy

from bot import PROJECT_ROOT
from bot.referrals import (
    PENDING,
    NewReferral,
    Settings,
    create_referral,
    deliver_due,
    list_referrals,
    route,
    run_worker,
)
from bot.referrals.schema import utcnow

SECRET = "test-secret-0123456789abcdef"
NAME, PHONE, EMAIL = "Ana Pérez", "(773) 555-0147", "ana.perez@example.org"
FAST = {"backoff_base_seconds": 0.05, "backoff_max_seconds": 0.2, "poll_seconds": 0.2}


class Partner:
    """A partner endpoint on 127.0.0.1 that checks signatures and counts what it accepted."""

    def __init__(self, fail_first: int = 0, reject_with: int | None = None, meet: bool = False):
        self.fail_first, self.reject_with = fail_first, reject_with
        self.requests: list[dict] = []
        self.accepted: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.arrivals = 0
        self.barrier = threading.Barrier(2, timeout=20) if meet else None
        self.met = False

    def answer(self, headers, body: bytes) -> int:
        with self.lock:
            self.arrivals += 1
            first_two = self.arrivals <= 2
        if self.barrier and first_two:
            try:
                self.barrier.wait()
                self.met = True
            except threading.BrokenBarrierError:
                pass
        timestamp = headers.get("X-AJC-Timestamp", "")
        expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        signed = hmac.compare_digest(
            headers.get("X-AJC-Signature", ""), "sha256=" + expected.hexdigest()
        )
        key = headers.get("Idempotency-Key")
        with self.lock:
            if not signed:
                status = 401
            elif len(self.requests) < self.fail_first:
                status = 503
            elif self.reject_with:
                status = self.reject_with
            elif self.accepted[key]:
                status = 409
            else:
                self.accepted[key] += 1
                status = 200
            self.requests.append(
                {"key": key, "status": status, "signed": signed, "body": json.loads(body)}
            )
        return status


@contextmanager
def running(partner: Partner) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(partner.answer(self.headers, body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/referrals"
    finally:
        server.shutdown()
        server.server_close()


def make_referral(settings: Settings, idempotency_key: str | None = None, **fields) -> str:
    routed = route("job_search", nearest_site_id="pilsen", language="es")
    values = {
        "kind": "career_seeker",
        "name": NAME,
        "topic": "job_search",
        "preferred_language": "es",
        "consent_text_version": "2026-11-v1",
        "consented_at": datetime.now(timezone.utc),
        "phone": PHONE,
        "email": EMAIL,
        "zip_or_area": "60608",
        "routed_to": routed.site_id,
        "routing_reason": routed.reason,
        **fields,
    }
    return create_referral(
        NewReferral(**values), idempotency_key=idempotency_key, settings=settings
    )


def start_worker(stop: threading.Event, settings: Settings) -> threading.Thread:
    """The delivery worker in a thread of this process, as a test starts it explicitly."""
    thread = threading.Thread(
        target=run_worker, args=(stop,), kwargs={"settings": settings}, daemon=True
    )
    thread.start()
    return thread


def rows_by_reference(settings: Settings) -> dict[str, sqlalchemy.engine.Row]:
    return {row.reference: row for row in list_referrals(settings=settings)}


def deliver_until_settled(settings: Settings, deadline_seconds: float = 30) -> None:
    deadline = time.monotonic() + deadline_seconds
    while list_referrals(state=PENDING, settings=settings) and time.monotonic() < deadline:
        deliver_due(settings=settings)
        time.sleep(0.02)


def wait_until_all_due(settings: Settings, deadline_seconds: float = 10) -> None:
    """Until no referral is held by a (dead) worker's lease or waiting out its backoff."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        now = utcnow()
        rows = list_referrals(state=PENDING, settings=settings)
        if all(r.next_attempt_at <= now and (r.lease_until or now) <= now for r in rows):
            return
        time.sleep(0.05)


def child_env(settings: Settings, endpoint: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AJC_REFERRAL")}
    env.update(
        AJC_REFERRALS_DB_URL=settings.db_url,
        AJC_REFERRAL_BACKOFF_BASE="0.05",
        AJC_REFERRAL_BACKOFF_MAX="0.2",
        NO_PROXY="127.0.0.1,localhost",
    )
    if endpoint:
        env.update(AJC_REFERRAL_ENDPOINT=endpoint, AJC_REFERRAL_SECRET=SECRET)
    return env


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
