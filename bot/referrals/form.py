"""The call-back (referral) form's logic: which questions apply, what the answers mean, submit.

Rasa's form loop asks the questions; this module decides which ones apply, understands the
answers in both languages, and stores the referral (a ``NewReferral``) before anyone is told it
was received. Words and question order live in content/referral_form.yml; what the person sees
is bot.replies.referral.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot import content
from bot.directory import load_directory
from bot.directory.model import LocationProblem
from bot.knowledge import resolve_sector
from bot.referrals.fields import MAX_LENGTH, NewReferral
from bot.referrals.routing import route
from bot.referrals.store import ReferralNotStored, create_referral
from bot.referrals.validation import (
    clean_text,
    validate_email,
    validate_name,
    validate_phone,
    validate_zip_or_area,
)
from bot.replies import Reply
from bot.replies.referral import not_stored_reply, received_reply
from bot.textnorm import fold

# A channel that knows the person's phone (SMS, WhatsApp) sends it as message metadata under this
# key, so the contact question can offer "call you at this number?" instead of asking for it.
SENDER_PHONE_METADATA = "sender_phone"


def form_config() -> dict[str, Any]:
    return content.read(content.REFERRAL_FORM)


def form_slots() -> list[str]:
    """Every slot the form may fill, in the order it asks."""
    return [field["slot"] for field in form_config()["fields"]]


def required_slots(kind: str | None, consent: bool | None) -> list[str]:
    """The questions that apply: none after consent is refused; employer or seeker questions."""
    fields = form_config()["fields"]
    if consent is False:
        return [field["slot"] for field in fields[:2]]
    return [field["slot"] for field in fields if field.get("for") in (None, kind)]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold(text)))


def _choose(text: str, choices: dict[str, list[str]]) -> str | None:
    """The first choice (in file order) one of whose words appears in ``text``."""
    words = _words(text)
    return next((choice for choice, vocabulary in choices.items() if words & set(vocabulary)), None)


def interpret_kind(text: str) -> str | None:
    """Employer or career seeker by whichever has more words in the answer; a tie is unclear."""
    words = _words(text)
    scores = {
        kind: len(words & set(vocabulary)) for kind, vocabulary in form_config()["kind"].items()
    }
    best = max(scores.values())
    winners = [kind for kind, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def interpret_need(text: str) -> str | None:
    return _choose(text, form_config()["need"])


def interpret_language(text: str) -> str | None:
    return _choose(text, form_config()["language"])


def interpret_contact(text: str) -> str | None:
    """A phone number (+1XXXXXXXXXX) or an e-mail address found in the answer."""
    return validate_email(text) or validate_phone(text)


def sender_phone(metadata: object) -> str | None:
    """The US phone number the channel says the person writes from, if any."""
    value = metadata.get(SENDER_PHONE_METADATA) if isinstance(metadata, dict) else None
    return validate_phone(value) if isinstance(value, str) else None


def contact_offer_answer(intent: str | None, metadata: object) -> tuple[bool, str | None]:
    """Whether the answer is a yes or no to "call you at this number?", and the contact it gives.

    Only when the channel passed the number: "yes" gives that number, "no" gives none (the
    channel then asks for another phone or e-mail). Any other answer is read as usual.
    """
    phone = sender_phone(metadata)
    if phone is None or intent not in ("affirm", "deny"):
        return False, None
    return True, phone if intent == "affirm" else None


def interpret_area(text: str) -> str | None:
    """A ZIP or place the directory can locate (outside Cook County is kept for staff to see)."""
    value = validate_zip_or_area(text)
    if value is None:
        return None
    found = load_directory().locate(value)
    if isinstance(found, LocationProblem):
        return value if found.reason == "outside_area" else None
    return found.place.name if found.place else found.label


def interpret_name(text: str) -> str | None:
    return validate_name(text)


def interpret_free_text(text: str, field: str) -> str | None:
    """A free-text answer (company, hiring need, time) within the length the store keeps."""
    return clean_text(text, MAX_LENGTH[field])


def _nearest_site_id(area: str | None) -> str | None:
    if not area:
        return None
    directory = load_directory()
    found = directory.locate(area)
    if isinstance(found, LocationProblem):
        return None
    nearby = directory.nearest(found, limit=1)
    return nearby[0].site.id if nearby else None


def submit(
    slots: dict[str, Any],
    language: str | None,
    *,
    sender_id: str,
    idempotency_key: str,
    consented_at: datetime,
    sector_hint: str | None = None,
) -> Reply:
    """Store the referral durably, then (only then) tell the person it was received."""
    kind = slots["referral_kind"]
    topic = "employer_services" if kind == "employer" else slots.get("referral_need") or "other"
    sector = resolve_sector(sector_hint) if sector_hint else None
    preferred = slots.get("referral_language") or ("es" if language == "es" else "en")
    routed = route(
        topic,
        nearest_site_id=_nearest_site_id(slots.get("referral_area")),
        language=preferred,
        kind=kind,
        sector=sector,
    )
    contact = slots["referral_contact"]
    referral = NewReferral(
        kind=kind,
        name=slots["referral_name"],
        topic=topic,
        preferred_language=preferred,
        consent_text_version=form_config()["consent_version"],
        consented_at=consented_at,
        routed_to=routed.site_id,
        routing_reason=routed.reason,
        phone=None if "@" in contact else contact,
        email=contact if "@" in contact else None,
        zip_or_area=slots.get("referral_area"),
        preferred_time=slots.get("referral_time"),
        company=slots.get("referral_company"),
        hiring_need=slots.get("referral_hiring_need"),
        sector=sector,
        sender_id=sender_id,
    )
    try:
        reference = create_referral(referral, idempotency_key=idempotency_key)
    except ReferralNotStored:
        return not_stored_reply(language)
    return received_reply(reference, routed.site_id, language)
