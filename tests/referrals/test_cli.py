"""Staff commands and logs: contact data only when asked, never a person's data in a log."""

from __future__ import annotations

import logging
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from bot.referrals import InvalidReferral, Settings
from tests.referrals.helpers import (
    EMAIL,
    SECRET,
    Partner,
    child_env,
    deliver_until_settled,
    make_referral,
    run_cli,
    running,
)


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
