"""The same store and workers on a throwaway PostgreSQL server (skipped without initdb/pg_ctl)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace

import sqlalchemy

from bot.referrals import DELIVERED, Settings
from tests.referrals.helpers import (
    FAST,
    SECRET,
    Partner,
    deliver_until_settled,
    make_referral,
    rows_by_reference,
    running,
)


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
