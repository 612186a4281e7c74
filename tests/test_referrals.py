"""Referrals are never lost: stored before "received", delivered exactly once, private in logs.

Everything here runs for real: SQLite files (and PostgreSQL when its server binaries are
installed), a partner endpoint served by http.server on 127.0.0.1, and separate processes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy
import yaml

from bot import PROJECT_ROOT
from bot.referrals import (
    DELIVERED,
    FAILED,
    PENDING,
    InvalidReferral,
    NewReferral,
    ReferralNotStored,
    RoutingError,
    Settings,
    create_referral,
    deliver_due,
    list_referrals,
    load_routing,
    normalize_reference,
    purge_delivered,
    requeue_failed,
    route,
    run_worker,
    validate_email,
    validate_name,
    validate_phone,
    validate_zip_or_area,
)
from bot.referrals.reference import ALPHABET, new_reference
from bot.referrals.routing import parse_routing
from bot.referrals.schema import utcnow

SECRET = "test-secret-0123456789abcdef"
NAME, PHONE, EMAIL = "Ana Pérez", "(773) 555-0147", "ana.perez@example.org"
FAST = {"backoff_base_seconds": 0.05, "backoff_max_seconds": 0.2, "poll_seconds": 0.2}


# --- helpers: a real partner endpoint, a referral, a worker loop --------------------------------


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


@pytest.fixture(autouse=True)
def no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The partner runs on 127.0.0.1; a proxy set in the environment must not sit in between."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_url=f"sqlite:///{tmp_path / 'referrals.db'}", **FAST)


# --- storing ----------------------------------------------------------------------------------


def test_referral_is_committed_before_the_reference_is_returned(settings: Settings) -> None:
    reference = make_referral(settings)

    assert normalize_reference(reference) == reference
    other = sqlalchemy.create_engine(settings.db_url)  # a separate engine, as another process
    with other.connect() as connection:
        row = connection.execute(
            sqlalchemy.text("SELECT * FROM referrals WHERE reference = :r"), {"r": reference}
        ).one()
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    other.dispose()
    assert (row.state, row.attempts, row.routed_to) == (PENDING, 0, "pilsen")
    assert (row.name, row.phone, row.email) == (NAME, "+17735550147", EMAIL)
    assert uuid.UUID(row.idempotency_key)
    assert journal == "wal"


def test_the_same_submission_twice_is_stored_once(settings: Settings) -> None:
    key = str(uuid.uuid4())
    first = make_referral(settings, idempotency_key=key)
    again = make_referral(settings, idempotency_key=key)
    assert first == again
    assert len(list_referrals(settings=settings)) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "312-103-7066"}, "phone"),
        ({"phone": None, "email": None}, "phone number or an e-mail"),
        ({"email": "ana.perez@example"}, "email"),
        ({"company": "Acme Logistics"}, "employers only"),
        ({"kind": "employer", "topic": "employer_services"}, "company"),
        ({"topic": "immigration_status"}, "topic"),
        ({"consent_text_version": ""}, "consent"),
    ],
)
def test_invalid_referrals_are_refused_naming_the_field_not_the_value(
    settings: Settings, fields: dict, field: str
) -> None:
    with pytest.raises(InvalidReferral) as refused:
        make_referral(settings, **fields)
    assert field in str(refused.value)
    assert "103" not in str(refused.value) and "example" not in str(refused.value)
    assert list_referrals(settings=settings) == []


def test_an_unreachable_database_is_reported_not_silently_lost(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the database folder should be")
    with pytest.raises(ReferralNotStored):
        make_referral(Settings(db_url=f"sqlite:///{blocked / 'referrals.db'}"))


def test_old_delivered_referrals_can_be_purged_pending_ones_stay(settings: Settings) -> None:
    partner = Partner()
    with running(partner) as url:
        delivered = make_referral(replace(settings, endpoint=url, secret=SECRET))
        deliver_due(settings=replace(settings, endpoint=url, secret=SECRET))
    waiting = make_referral(settings)
    assert purge_delivered(timedelta(days=30), settings=settings) == 0
    assert purge_delivered(timedelta(0), settings=settings) == 1
    assert set(rows_by_reference(settings)) == {waiting} != {delivered}


def test_references_are_unambiguous_and_catch_a_mistyped_character() -> None:
    references = [new_reference() for _ in range(300)]
    for reference in references:
        code = reference.replace("AJC-", "").replace("-", "")
        assert len(code) == 6 and not set(code) & set("0O1IL")
        assert normalize_reference(f" ajc {code[:4].lower()} {code[4:]} ") == reference
        for position, char in enumerate(code):
            for typo in ALPHABET.replace(char, ""):
                mistyped = code[:position] + typo + code[position + 1 :]
                assert normalize_reference(mistyped) is None


# --- form validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(312) 603-7066", "+13126037066"),
        ("312-603-7066", "+13126037066"),
        ("312.603.7066", "+13126037066"),
        ("3126037066", "+13126037066"),
        ("+1 312 603 7066", "+13126037066"),
        ("1-312-603-7066", "+13126037066"),
        ("mi cel es 312 603 7066", "+13126037066"),
        ("my number is (773) 555-0147, thanks", "+17735550147"),
        ("603-7066", None),
        ("012-603-7066", None),
        ("112-603-7066", None),
        ("312-103-7066", None),
        ("911-555-1234", None),
        ("312-603-70666", None),
        ("+52 55 1234 5678", None),
        ("312-603-7066 o 773-555-0147", None),
        ("no tengo telefono", None),
        ("", None),
    ],
)
def test_phone_validation(text: str, expected: str | None) -> None:
    assert validate_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana@example.org", "ana@example.org"),
        ("Ana.Perez+ajc@Example.ORG", "Ana.Perez+ajc@example.org"),
        ("mi correo es ana_p@correo.example.com.", "ana_p@correo.example.com"),
        ("ana@example", None),
        ("ana example.org", None),
        ("ana@@example.org", None),
        (".ana@example.org", None),
        ("ana@-example.org", None),
        ("ana@example.org y luis@example.org", None),
    ],
)
def test_email_validation(text: str, expected: str | None) -> None:
    assert validate_email(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60608", "60608"),
        ("vivo en el 60623", "60623"),
        ("60608-1234", "60608"),
        ("Cicero", "Cicero"),
        ("  south   side ", "south side"),
        ("312-603-7066", None),
        ("12", None),
        ("", None),
    ],
)
def test_zip_or_area_validation(text: str, expected: str | None) -> None:
    assert validate_zip_or_area(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("me llamo Ana", "Ana"),
        ("My name is John Smith.", "John Smith"),
        ("José Hernández", "José Hernández"),
        ("ana@example.org", None),
        ("312 603 7066", None),
    ],
)
def test_name_validation(text: str, expected: str | None) -> None:
    assert validate_name(text) == expected


# --- routing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "language", "kind", "sector", "nearest", "site"),
    [
        ("immigration_help", "es", "career_seeker", None, "truman", "pilsen"),
        ("immigration_help", "en", "career_seeker", None, "truman", "truman"),
        ("employer_services", "en", "employer", None, "daley", "business_relations"),
        ("employer_services", "es", "career_seeker", None, None, "business_relations"),
        ("other", "es", "employer", "healthcare", None, "sector_healthcare"),
        ("training", "en", "career_seeker", "tdl", "daley", "sector_tdl"),
        ("job_search", "en", "career_seeker", "tdl", "daley", "daley"),
        ("job_search", "es", "career_seeker", None, None, "pilsen"),
        ("job_search", "en", "career_seeker", None, None, "triage"),
    ],
)
def test_routing_rules(topic, language, kind, sector, nearest, site) -> None:
    decided = route(topic, nearest_site_id=nearest, language=language, kind=kind, sector=sector)
    assert decided.site_id == site
    assert decided.why


def test_routing_names_only_sites_the_directory_knows() -> None:
    sites_file = PROJECT_ROOT / "content" / "sites.yml"
    if not sites_file.exists():
        pytest.skip("content/sites.yml (bot/directory) is not in this checkout")
    directory = yaml.safe_load(sites_file.read_text(encoding="utf-8"))["sites"]
    known = {site["id"] for site in directory}
    sectors = {site["sector"]: site["id"] for site in directory if site.get("sector")}
    table = load_routing()
    assert table.sites <= known
    assert dict(table.sector_sites) == sectors


@pytest.mark.parametrize(
    ("rules", "complaint"),
    [
        ([{"id": "a", "when": {}, "route_to": "pilsne", "why": "typo"}], "pilsne"),
        ([{"id": "a", "when": {"topic": "jobs"}, "route_to": "pilsen", "why": "x"}], "jobs"),
        ([{"id": "a", "when": {"language": "es"}, "route_to": "pilsen", "why": "x"}], "last"),
        ([{"id": "a", "when": {}, "route_to": "pilsen", "why": ""}], "why"),
    ],
)
def test_mistakes_in_the_routing_file_are_caught(rules: list, complaint: str) -> None:
    with pytest.raises(RoutingError, match=complaint):
        parse_routing({"sites": ["pilsen"], "rules": rules})


# --- delivery ---------------------------------------------------------------------------------


def test_retries_until_the_partner_recovers_and_delivers_each_once(settings: Settings) -> None:
    partner = Partner(fail_first=4)
    with running(partner) as url:
        settings = replace(settings, endpoint=url, secret=SECRET)
        references = [make_referral(settings) for _ in range(3)]
        deliver_until_settled(settings)

    rows = rows_by_reference(settings)
    assert partner.accepted == Counter({rows[ref].idempotency_key: 1 for ref in references})
    assert [r["status"] for r in partner.requests].count(503) == 4
    assert all(r["signed"] for r in partner.requests)
    assert {rows[ref].state for ref in references} == {DELIVERED}
    assert sum(rows[ref].attempts for ref in references) == len(partner.requests)
    body = partner.requests[-1]["body"]
    assert body["schema"] == "ajc.referral.v1"
    assert body["contact"]["phone"] == "+17735550147"
    assert body["routing"]["site_id"] == "pilsen"


def test_partner_answering_409_already_have_it_counts_as_delivered(settings: Settings) -> None:
    partner = Partner()
    with running(partner) as url:
        settings = replace(settings, endpoint=url, secret=SECRET)
        reference = make_referral(settings)
        partner.accepted[rows_by_reference(settings)[reference].idempotency_key] = 1
        deliver_due(settings=settings)

    row = rows_by_reference(settings)[reference]
    assert [r["status"] for r in partner.requests] == [409]
    assert (row.state, row.attempts, row.last_error) == (DELIVERED, 1, None)


def test_a_refused_referral_is_kept_for_staff_and_can_be_sent_again(settings: Settings) -> None:
    partner = Partner(reject_with=422)
    with running(partner) as url:
        settings = replace(settings, endpoint=url, secret=SECRET)
        reference = make_referral(settings)
        deliver_due(settings=settings)
        deliver_due(settings=settings)
        refused = rows_by_reference(settings)[reference]
        assert (refused.state, refused.last_error) == (FAILED, "HTTP 422 (not retried)")
        assert len(partner.requests) == 1

        partner.reject_with = None
        assert requeue_failed([reference.lower()], settings=settings) == 1
        deliver_due(settings=settings)

    assert rows_by_reference(settings)[reference].state == DELIVERED


def test_without_an_endpoint_referrals_stay_pending_for_staff(settings: Settings) -> None:
    reference = make_referral(settings)
    assert deliver_due(settings=settings) == 0
    thread = start_worker(threading.Event(), settings)
    thread.join(timeout=10)

    row = rows_by_reference(settings)[reference]
    assert not thread.is_alive()
    assert (row.state, row.attempts, row.last_error) == (PENDING, 0, None)


def test_background_worker_sends_a_new_referral_without_waiting_to_poll(
    settings: Settings,
) -> None:
    partner = Partner()
    stop = threading.Event()
    with running(partner) as url:
        settings = replace(settings, endpoint=url, secret=SECRET, poll_seconds=600)
        thread = start_worker(stop, settings)
        reference = make_referral(settings)
        deadline = time.monotonic() + 20
        while not partner.accepted and time.monotonic() < deadline:
            time.sleep(0.02)
        stop.set()
        thread.join(timeout=10)

    assert rows_by_reference(settings)[reference].state == DELIVERED
    assert not thread.is_alive()


def test_stopping_the_server_between_received_and_delivery_loses_nothing(
    settings: Settings,
) -> None:
    script = (
        "import threading, time\n"
        "from datetime import datetime, timedelta, timezone\n"
        "from bot.referrals import NewReferral, create_referral, route, run_worker\n"
        "threading.Thread(target=run_worker, args=(threading.Event(),), daemon=True).start()\n"
        "routed = route('job_search', nearest_site_id='pilsen')\n"
        "for name in ('Ana', 'Luis', 'Rosa'):\n"
        "    print(create_referral(NewReferral(kind='career_seeker', name=name,\n"
        "        topic='job_search', preferred_language='es', consent_text_version='v1',\n"
        "        consented_at=datetime.now(timezone.utc), phone='312-603-7066',\n"
        "        routed_to=routed.site_id, routing_reason=routed.reason)), flush=True)\n"
        "time.sleep(600)\n"
    )
    # A partner that takes the connection and never answers: the send is in flight when killed.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    env = child_env(settings, f"http://127.0.0.1:{silent.getsockname()[1]}/referrals")
    env.update(AJC_REFERRAL_TIMEOUT="1", AJC_REFERRAL_LEASE="2")
    server = subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        told = [server.stdout.readline().strip() for _ in range(3)]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            row.lease_owner for row in list_referrals(settings=settings)
        ):
            time.sleep(0.01)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
        server.stdout.close()
        silent.close()

    assert set(told) == set(rows_by_reference(settings))
    wait_until_all_due(settings)
    partner = Partner()
    with running(partner) as url:
        worker = run_cli("-m", "bot", "referrals", "worker", "--once", env=child_env(settings, url))

    assert worker.returncode == 0, worker.stderr
    rows = rows_by_reference(settings)
    assert {row.state for row in rows.values()} == {DELIVERED}
    assert partner.accepted == Counter({row.idempotency_key: 1 for row in rows.values()})


def test_two_workers_at_once_deliver_each_referral_exactly_once(settings: Settings) -> None:
    for _ in range(20):
        make_referral(settings)
    partner = Partner(meet=True)  # the first request waits for a second one in flight
    with running(partner) as url:
        env = child_env(settings, url)
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "referrals", "worker", "--once"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        codes = [worker.wait(timeout=120) for worker in workers]

    rows = rows_by_reference(settings)
    assert codes == [0, 0]
    assert partner.met, "both workers had a delivery in flight at the same time"
    assert len(partner.requests) == 20
    assert partner.accepted == Counter({row.idempotency_key: 1 for row in rows.values()})
    assert {row.state for row in rows.values()} == {DELIVERED}


# --- staff commands and privacy ---------------------------------------------------------------


def test_staff_commands_hide_contact_data_unless_asked(settings: Settings, tmp_path: Path) -> None:
    reference = make_referral(settings)
    env = child_env(settings)

    listing = run_cli("-m", "bot", "referrals", "list", env=env)
    exported = run_cli("-m", "bot", "referrals", "export", "--csv", env=env)
    out = tmp_path / "referrals.csv"
    to_file = run_cli("-m", "bot", "referrals", "export", "--csv", "--out", str(out), env=env)
    contact = run_cli("-m", "bot", "referrals", "list", "--show-contact", env=env)

    for shown in (listing.stdout, exported.stdout, out.read_text(encoding="utf-8")):
        assert reference in shown and "pilsen" in shown
        assert "555" not in shown and "@" not in shown and "Ana" not in shown
    assert exported.stdout.splitlines()[0].startswith("reference,created_at,kind,topic")
    assert to_file.returncode == 0 and stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "+17735550147" in contact.stdout and EMAIL in contact.stdout


def test_logs_name_the_reference_never_the_person(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # as when staff debug SQL
    partner = Partner(fail_first=1)
    with running(partner) as url:
        settings = replace(settings, endpoint=url, secret=SECRET)
        reference = make_referral(settings)
        deliver_until_settled(settings)
        with pytest.raises(InvalidReferral):
            make_referral(settings, phone="312-103-7066", email=None)

    assert reference in caplog.text
    for personal in ("Ana", "Pérez", "7735550147", "555-0147", "103-7066", "ana.perez", "60608"):
        assert personal not in caplog.text


# --- PostgreSQL, same code --------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="ajc-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-U", "ajc", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=on"
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-l", str(root / "log"), "-w", "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://ajc@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "fast", "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)


def test_postgresql_store_and_two_concurrent_workers(postgres_url: str) -> None:
    settings = Settings(db_url=postgres_url, **FAST)
    admin = sqlalchemy.create_engine(postgres_url)
    with admin.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS referrals")
    references = [make_referral(settings) for _ in range(12)]
    with admin.connect() as connection:
        stored = connection.exec_driver_sql("SELECT count(*) FROM referrals").scalar()
    admin.dispose()
    assert stored == 12

    partner = Partner(fail_first=3, meet=True)
    with running(partner) as url:
        settings = replace(settings, endpoint=url, secret=SECRET)
        workers = [
            threading.Thread(target=deliver_until_settled, args=(settings,)) for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)

    rows = rows_by_reference(settings)
    assert partner.met
    assert 409 not in [r["status"] for r in partner.requests], "a referral was sent twice"
    assert partner.accepted == Counter({rows[ref].idempotency_key: 1 for ref in references})
    assert {row.state for row in rows.values()} == {DELIVERED}
