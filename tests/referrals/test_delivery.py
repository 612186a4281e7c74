"""Delivery to a real partner endpoint: retries, 409, refusals, and each referral sent once even
when a process is killed or two workers run at once."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace

from bot import PROJECT_ROOT
from bot.referrals import (
    DELIVERED,
    FAILED,
    PENDING,
    Settings,
    deliver_due,
    list_referrals,
    requeue_failed,
)
from tests.referrals.helpers import (
    SECRET,
    Partner,
    child_env,
    deliver_until_settled,
    make_referral,
    rows_by_reference,
    run_cli,
    running,
    start_worker,
    wait_until_all_due,
)


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
