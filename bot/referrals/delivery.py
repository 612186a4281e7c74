"""Delivery worker: sends each pending referral to the partner endpoint until it is accepted.

State lives only in the database, so a worker may die at any moment: a referral it had claimed
is taken up again when its lease runs out, and the partner drops the repeat by Idempotency-Key.
Several workers (threads or processes) may run at once; a claim is an UPDATE that only one wins.
Nothing here starts by itself: ``python -m bot referrals worker`` runs ``run_worker`` as its own
process (``make run`` starts it beside the action server), and tests start it explicitly.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Engine, Row

from bot.referrals.config import Settings
from bot.referrals.fields import EMPLOYER_FIELDS, PERSON_FIELDS
from bot.referrals.schema import DELIVERED, FAILED, PENDING, engine_for, referrals, utcnow
from bot.referrals.store import new_referral_stored

log = logging.getLogger("bot.referrals")

SCHEMA_ID = "ajc.referral.v1"
USER_AGENT = "ajc-assistant-referrals/1"
SIGNATURE_HEADER = "X-AJC-Signature"
TIMESTAMP_HEADER = "X-AJC-Timestamp"
BATCH = 100
STOP_CHECK_SECONDS = 0.5


@dataclass(frozen=True)
class Outcome:
    state: str
    error: str | None = None
    retry_after: float | None = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def payload(row: Row) -> dict[str, object]:
    """The JSON document the partner receives (schema in docs/referrals.md)."""
    return {
        "schema": SCHEMA_ID,
        "reference": row.reference,
        "idempotency_key": row.idempotency_key,
        "created_at": _iso(row.created_at),
        "kind": row.kind,
        "topic": row.topic,
        "sector": row.sector,
        "preferred_language": row.preferred_language,
        "contact": {field: row._mapping[field] for field in PERSON_FIELDS},
        "employer": {field: row._mapping[field] for field in EMPLOYER_FIELDS}
        if row.kind == "employer"
        else None,
        "consent": {"text_version": row.consent_text_version, "given_at": _iso(row.consented_at)},
        "routing": {"site_id": row.routed_to, "reason": row.routing_reason},
        "conversation_id": row.sender_id,
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<raw body>``.

    The timestamp is signed too, so a captured request cannot be replayed later with a new one.
    """
    message = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def classify(status: int, retry_after: str | None = None) -> Outcome:
    """What an HTTP answer means for the referral.

    2xx: accepted. 409: the partner already has it (an earlier try got through), so delivered.
    408, 429, 5xx: the partner is busy or down, try again later. Anything else (other 4xx, a
    redirect): retrying cannot help, keep it for staff as failed_permanently.
    """
    if 200 <= status < 300 or status == 409:
        return Outcome(DELIVERED)
    if status in (408, 429) or status >= 500:
        wait = float(retry_after) if retry_after and retry_after.strip().isdigit() else None
        return Outcome(PENDING, f"HTTP {status}", wait)
    return Outcome(FAILED, f"HTTP {status} (not retried)")


def backoff_seconds(attempts: int, settings: Settings, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter, so many referrals do not all hit a recovering partner."""
    ceiling = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** (attempts - 1))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)
    if retry_after:
        delay = max(delay, min(retry_after, settings.backoff_max_seconds))
    return delay


def send(row: Row, settings: Settings, session: requests.Session) -> Outcome:
    """One signed POST; network failures become a retry, never an exception."""
    body = json.dumps(payload(row), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": row.idempotency_key,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(settings.secret or "", timestamp, body),
    }
    try:
        response = session.post(
            settings.endpoint or "",
            data=body,
            headers=headers,
            timeout=settings.timeout_seconds,
            allow_redirects=False,
        )
    except requests.Timeout:
        return Outcome(PENDING, "timeout")
    except requests.RequestException as error:
        return Outcome(PENDING, f"network error ({type(error).__name__})")
    response.close()
    return classify(response.status_code, response.headers.get("Retry-After"))


def _claim(engine: Engine, referral_id: int, owner: str, now: datetime, lease: float) -> bool:
    """Take a referral for ``lease`` seconds; False if another worker holds or finished it."""
    claim = (
        referrals.update()
        .where(
            and_(
                referrals.c.id == referral_id,
                referrals.c.state == PENDING,
                referrals.c.next_attempt_at <= now,
                or_(referrals.c.lease_until.is_(None), referrals.c.lease_until < now),
            )
        )
        .values(lease_until=now + timedelta(seconds=lease), lease_owner=owner)
    )
    with engine.begin() as connection:
        return connection.execute(claim).rowcount == 1


def _record(
    engine: Engine, row: Row, owner: str, outcome: Outcome, now: datetime, settings: Settings
) -> None:
    attempts = row.attempts + 1
    values: dict[str, object] = {
        "attempts": attempts,
        "state": outcome.state,
        "last_error": outcome.error,
        "lease_until": None,
        "lease_owner": None,
    }
    if outcome.state == DELIVERED:
        values["delivered_at"] = now
        log.info("referral %s delivered (attempt %d)", row.reference, attempts)
    elif outcome.state == PENDING:
        delay = backoff_seconds(attempts, settings, outcome.retry_after)
        values["next_attempt_at"] = now + timedelta(seconds=delay)
        log.warning(
            "referral %s not delivered (%s), retry in %.1fs", row.reference, outcome.error, delay
        )
    else:
        log.error("referral %s refused (%s); kept for staff", row.reference, outcome.error)
    update = (
        referrals.update()
        .where(and_(referrals.c.id == row.id, referrals.c.lease_owner == owner))
        .values(**values)
    )
    with engine.begin() as connection:
        if connection.execute(update).rowcount != 1:
            log.warning(
                "referral %s: lease expired before the answer; left to the next worker",
                row.reference,
            )


def deliver_due(
    now: datetime | None = None,
    *,
    settings: Settings | None = None,
) -> int:
    """Try once each referral that is due, and return how many were tried.

    ``now`` (UTC, zone-less) fixes the clock for tests; otherwise each claim reads the real time.
    With no endpoint configured nothing is sent and referrals stay pending for staff.
    """
    settings = settings or Settings.from_env()
    if not settings.endpoint:
        return 0
    settings.check_delivery()
    clock: Callable[[], datetime] = (lambda: now) if now else utcnow
    engine = engine_for(settings.db_url)
    owner = str(uuid.uuid4())
    start = clock()
    due = (
        select(referrals.c.id)
        .where(
            and_(
                referrals.c.state == PENDING,
                referrals.c.next_attempt_at <= start,
                or_(referrals.c.lease_until.is_(None), referrals.c.lease_until < start),
            )
        )
        .order_by(referrals.c.next_attempt_at)
        .limit(BATCH)
    )
    with engine.connect() as connection:
        candidates = list(connection.execute(due).scalars())
    tried = 0
    with requests.Session() as http:
        for referral_id in candidates:
            if not _claim(engine, referral_id, owner, clock(), settings.lease_seconds):
                continue
            with engine.connect() as connection:
                row = connection.execute(
                    select(referrals).where(referrals.c.id == referral_id)
                ).one()
            _record(engine, row, owner, send(row, settings, http), clock(), settings)
            tried += 1
    return tried


def seconds_until_due(settings: Settings, now: datetime | None = None) -> float | None:
    """Seconds until some pending referral may be tried (0 if one may now); None if none pending.

    A referral may be tried once its backoff has passed and any lease on it has run out.
    """
    ready_at = case(
        (referrals.c.lease_until > referrals.c.next_attempt_at, referrals.c.lease_until),
        else_=referrals.c.next_attempt_at,
    )
    query = select(func.min(ready_at)).where(referrals.c.state == PENDING)
    with engine_for(settings.db_url).connect() as connection:
        moment = connection.execute(query).scalar()
    if moment is None:
        return None
    return max(0.0, (moment - (now or utcnow())).total_seconds())


def run_worker(
    stop_event: threading.Event, *, settings: Settings | None = None, once: bool = False
) -> None:
    """Deliver until ``stop_event`` is set (or after one pass with ``once``).

    Sleeps until the next referral is due, at most ``poll_seconds``, and wakes at once when this
    process stores a new referral. Errors are logged by type only: their text may hold data.
    """
    settings = settings or Settings.from_env()
    if not settings.endpoint:
        log.info("no AJC_REFERRAL_ENDPOINT: referrals stay in the store for staff")
        return
    settings.check_delivery()
    while not stop_event.is_set():
        new_referral_stored.clear()
        wait = settings.poll_seconds
        try:
            if deliver_due(settings=settings):
                wait = 0.0
            due_in = seconds_until_due(settings)
            if due_in is not None:
                wait = min(wait, due_in)
        except Exception as error:  # the worker must outlive a database hiccup
            log.error("delivery pass failed (%s); retrying later", type(error).__name__)
        if once:
            return
        deadline = time.monotonic() + wait
        while not stop_event.is_set() and not new_referral_stored.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            new_referral_stored.wait(min(remaining, STOP_CHECK_SECONDS))
