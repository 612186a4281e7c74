"""Shared fixtures: one real assistant (both servers, SMS / WhatsApp enabled against a local fake
of Twilio's API) for all end-to-end tests of a run, one that allows a single partner website's
origin (as production does), and a throwaway PostgreSQL server for the tests that compare SQLite
with PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from devtools.fake_twilio import FakeTwilio, running_fake_twilio
from devtools.ports import free_port
from devtools.servers import Assistant, running_assistant
from tests.browsers import chromium


@pytest.fixture(scope="session")
def twilio() -> Iterator[FakeTwilio]:
    with running_fake_twilio() as fake:
        yield fake


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory, twilio: FakeTwilio) -> Iterator[Assistant]:
    with running_assistant(tmp_path_factory.mktemp("assistant"), twilio_api=twilio.url) as running:
        yield running


@pytest.fixture(scope="session")
def partner_origin() -> str:
    """Where the tests serve a partner website: the one origin ``partner_assistant`` allows."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def partner_assistant(
    tmp_path_factory: pytest.TempPathFactory, partner_origin: str
) -> Iterator[Assistant]:
    """An assistant whose CORS list is ``partner_origin`` only (``assistant`` allows any)."""
    workdir = tmp_path_factory.mktemp("partner-assistant")
    with running_assistant(workdir, cors=(partner_origin,)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


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
