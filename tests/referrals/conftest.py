"""Referral tests store in a fresh SQLite file each and reach the partner without a proxy."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.referrals import Settings
from tests.referrals.helpers import FAST


@pytest.fixture(autouse=True)
def no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The partner runs on 127.0.0.1; a proxy set in the environment must not sit in between."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_url=f"sqlite:///{tmp_path / 'referrals.db'}", **FAST)
