"""Storing: a referral is committed before its reference is returned, once, with every field."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy

from bot.referrals import (
    PENDING,
    InvalidReferral,
    ReferralNotStored,
    Settings,
    deliver_due,
    form,
    list_referrals,
    normalize_reference,
    purge_delivered,
)
from bot.referrals.cli import CONTACT_COLUMNS, SUMMARY_COLUMNS
from bot.referrals.delivery import payload as delivery_payload
from bot.referrals.fields import FIELDS, MAX_LENGTH
from bot.referrals.reference import ALPHABET, new_reference
from bot.referrals.schema import referrals
from tests.referrals.helpers import (
    EMAIL,
    NAME,
    SECRET,
    Partner,
    make_referral,
    rows_by_reference,
    running,
)


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


@pytest.mark.parametrize("field", ["company", "hiring_need", "preferred_time"])
def test_the_longest_answer_the_form_accepts_is_stored(settings: Settings, field: str) -> None:
    longest = form.interpret_free_text("x" * MAX_LENGTH[field], field)
    assert longest is not None and form.interpret_free_text(longest + "x", field) is None
    employer = {"kind": "employer", "topic": "employer_services", "company": "Acme"}
    reference = make_referral(settings, **(employer | {field: longest}))
    assert rows_by_reference(settings)[reference]._mapping[field] == longest
    assert referrals.c[field].type.length == len(longest)


def test_every_field_reaches_the_table_the_payload_and_the_export(settings: Settings) -> None:
    assert [column.name for column in referrals.columns if column.name in FIELDS] == list(FIELDS)
    assert set(FIELDS) <= set(SUMMARY_COLUMNS) | set(CONTACT_COLUMNS)
    reference = make_referral(
        settings,
        **{"kind": "employer", "topic": "employer_services", "company": "Acme Logistics"},
        **{"hiring_need": "five forklift drivers", "preferred_time": "mornings"},
        **{"sector": "tdl", "sender_id": "chat-7"},
    )
    row = rows_by_reference(settings)[reference]
    sent = json.dumps(delivery_payload(row), ensure_ascii=False)
    for field in FIELDS:
        value = row._mapping[field]
        shown = value.isoformat(timespec="seconds") + "Z" if isinstance(value, datetime) else value
        assert json.dumps(shown, ensure_ascii=False) in sent, field


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
