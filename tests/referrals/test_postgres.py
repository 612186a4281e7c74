"""The same store and workers on a throwaway PostgreSQL server (skipped without initdb/pg_ctl)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy

from bot.referrals import DELIVERED, Settings
from tests.referrals.helpers import (
    FAST,
    SECRET,
    Partner,
    deliver_until_settled,
    free_port,
    make_referral,
    rows_by_reference,
    running,
)


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
