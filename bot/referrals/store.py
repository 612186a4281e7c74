"""Writing and reading referrals. A referral is committed before anyone is told it was received."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.referrals.config import Settings
from bot.referrals.fields import EMPLOYER_FIELDS, KINDS, MAX_LENGTH, TOPICS, NewReferral
from bot.referrals.reference import new_reference, normalize_reference
from bot.referrals.routing import load_routing
from bot.referrals.schema import DELIVERED, FAILED, PENDING, engine_for, referrals, utcnow
from bot.referrals.validation import (
    clean_text,
    validate_email,
    validate_name,
    validate_phone,
    validate_zip_or_area,
)
from bot.texts import LANGUAGES

log = logging.getLogger("bot.referrals")

# Set when a referral is stored, so a worker in this process sends it without waiting to poll.
new_referral_stored = threading.Event()

_REFERENCE_TRIES = 8


class InvalidReferral(ValueError):
    """A field is missing or invalid. The message names the field, never the value."""


class ReferralNotStored(RuntimeError):
    """The database could not take the referral: the bot must not say it was received."""


def _optional(field: str, text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    cleaned = clean_text(text, MAX_LENGTH[field])
    if cleaned is None:
        raise InvalidReferral(f"{field} is longer than {MAX_LENGTH[field]} characters")
    return cleaned


def _required_choice(field: str, value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise InvalidReferral(f"{field} must be one of {', '.join(choices)}")
    return value


def _checked(referral: NewReferral) -> dict[str, object]:
    """The row to store, checked field by field; only what a call-back needs is kept."""
    values: dict[str, object] = {
        "kind": _required_choice("kind", referral.kind, KINDS),
        "topic": _required_choice("topic", referral.topic, TOPICS),
        "preferred_language": _required_choice(
            "preferred_language", referral.preferred_language, LANGUAGES
        ),
    }
    values["name"] = validate_name(referral.name)
    if values["name"] is None:
        raise InvalidReferral("name is missing or not a name")
    phone, email, area = referral.phone, referral.email, referral.zip_or_area
    values["phone"] = validate_phone(phone) if phone else None
    values["email"] = validate_email(email) if email else None
    if phone and values["phone"] is None:
        raise InvalidReferral("phone is not a valid US phone number")
    if email and values["email"] is None:
        raise InvalidReferral("email is not a valid e-mail address")
    if values["phone"] is None and values["email"] is None:
        raise InvalidReferral("a phone number or an e-mail address is needed for the call-back")
    values["zip_or_area"] = validate_zip_or_area(area) if area else None
    if area and values["zip_or_area"] is None:
        raise InvalidReferral("zip_or_area is not a ZIP code or a place name")
    if referral.sector is not None and referral.sector not in load_routing().sector_sites:
        raise InvalidReferral("sector is not one of the sectors in content/routing.yml")
    values["sector"] = referral.sector
    for field in ("preferred_time", *EMPLOYER_FIELDS):
        values[field] = _optional(field, getattr(referral, field))
    if referral.kind == "employer" and values["company"] is None:
        raise InvalidReferral("company is needed for an employer referral")
    if referral.kind != "employer" and any(values[field] for field in EMPLOYER_FIELDS):
        raise InvalidReferral("company and hiring_need are kept for employers only")
    values["consent_text_version"] = _optional(
        "consent_text_version", referral.consent_text_version
    )
    consented_at = referral.consented_at
    if not values["consent_text_version"] or not isinstance(consented_at, datetime):
        raise InvalidReferral("consent_text_version and consented_at are required")
    if consented_at.tzinfo is not None:
        consented_at = consented_at.astimezone(timezone.utc).replace(tzinfo=None)
    values["consented_at"] = consented_at
    values["routed_to"] = referral.routed_to
    values["routing_reason"] = referral.routing_reason[: MAX_LENGTH["routing_reason"]]
    values["sender_id"] = _optional("sender_id", referral.sender_id)
    return values


def create_referral(
    referral: NewReferral,
    *,
    idempotency_key: str | None = None,
    settings: Settings | None = None,
) -> str:
    """Store a referral durably and return its reference (``AJC-XXXX-XX``) for the person.

    The row is committed before this returns, so the bot may then say "received". Passing the
    same ``idempotency_key`` again (a retried form submission) returns the first reference and
    stores nothing new. Raises InvalidReferral naming the bad field, or ReferralNotStored when
    the database is unavailable (then offer another way to reach the AJC instead).
    """
    values = _checked(referral)
    try:
        key = str(uuid.UUID(idempotency_key)) if idempotency_key else str(uuid.uuid4())
    except ValueError as error:
        raise InvalidReferral("idempotency_key must be a UUID") from error
    try:
        return _insert(values, key, settings or Settings.from_env())
    except (SQLAlchemyError, OSError) as error:
        # The message holds no values (hide_parameters); the type says what broke.
        raise ReferralNotStored(f"referral not stored ({type(error).__name__})") from error


def _insert(values: dict[str, object], key: str, settings: Settings) -> str:
    """Commit the row under a fresh reference, or return the reference already stored for key."""
    engine = engine_for(settings.db_url)
    for _ in range(_REFERENCE_TRIES):
        now = utcnow()
        row = {
            **values,
            "reference": new_reference(),
            "idempotency_key": key,
            "created_at": now,
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
        }
        try:
            with engine.begin() as connection:
                connection.execute(referrals.insert().values(**row))
        except IntegrityError:
            with engine.connect() as connection:
                existing = connection.execute(
                    select(referrals.c.reference).where(referrals.c.idempotency_key == key)
                ).scalar()
            if existing:
                log.info("referral %s submitted again; kept the first", existing)
                return existing
            continue  # the random reference was taken: draw another
        log.info("referral %s stored, routed to %s", row["reference"], row["routed_to"])
        new_referral_stored.set()
        return str(row["reference"])
    raise ReferralNotStored("could not draw an unused reference number")


def list_referrals(
    *, state: str | None = None, limit: int | None = None, settings: Settings | None = None
) -> list[Row]:
    """Referrals, newest first, optionally only those in one delivery state."""
    query = select(referrals).order_by(referrals.c.created_at.desc(), referrals.c.id.desc())
    if state:
        query = query.where(referrals.c.state == state)
    if limit:
        query = query.limit(limit)
    with engine_for((settings or Settings.from_env()).db_url).connect() as connection:
        return list(connection.execute(query))


def get_referral(reference: str, *, settings: Settings | None = None) -> Row | None:
    """One referral by the reference the person quotes, typed in any case or spacing."""
    canonical = normalize_reference(reference)
    if canonical is None:
        return None
    with engine_for((settings or Settings.from_env()).db_url).connect() as connection:
        return connection.execute(
            select(referrals).where(referrals.c.reference == canonical)
        ).first()


def requeue_failed(
    references: Sequence[str] | None = None, *, settings: Settings | None = None
) -> int:
    """Send permanently failed referrals again (all of them if no references are given)."""
    condition = referrals.c.state == FAILED
    if references is not None:
        canonical = [normalize_reference(ref) for ref in references]
        condition = and_(condition, referrals.c.reference.in_([c for c in canonical if c]))
    update = (
        referrals.update()
        .where(condition)
        .values(state=PENDING, next_attempt_at=utcnow(), lease_until=None, lease_owner=None)
    )
    with engine_for((settings or Settings.from_env()).db_url).begin() as connection:
        count = connection.execute(update).rowcount
    if count:
        new_referral_stored.set()
    return count


def purge_delivered(older_than: timedelta, *, settings: Settings | None = None) -> int:
    """Delete referrals delivered longer ago than ``older_than``: the partner has them now."""
    cutoff = utcnow() - older_than
    delete = referrals.delete().where(
        and_(referrals.c.state == DELIVERED, referrals.c.delivered_at < cutoff)
    )
    with engine_for((settings or Settings.from_env()).db_url).begin() as connection:
        return connection.execute(delete).rowcount
