"""The call-back (referral) form as the person meets it: questions, answers, summary, submit.

Rasa's form loop asks the questions; this module decides which ones apply, understands the
answers in both languages, and stores the referral through ``bot.referrals`` before anyone is
told it was received. Words and question order live in content/referral_form.yml.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

import yaml

from bot import CONTENT_DIR
from bot.directory import load_directory
from bot.directory.model import LocationProblem
from bot.knowledge import resolve_sector
from bot.referrals import (
    ReferralNotStored,
    create_referral,
    route,
    validate_email,
    validate_name,
    validate_phone,
    validate_zip_or_area,
)
from bot.replies import Reply
from bot.textnorm import normalize
from bot.texts import render

HIRING_NEED_MAX = 300
TIME_MAX = 80
SUMMARY_FIELDS = ("name", "company", "contact", "area", "need", "hiring_need", "language", "time")


@cache
def form_config() -> dict[str, Any]:
    return yaml.safe_load((CONTENT_DIR / "referral_form.yml").read_text(encoding="utf-8"))


def required_slots(kind: str | None, consent: bool | None) -> list[str]:
    """The questions that apply: none after consent is refused; employer or seeker questions."""
    fields = form_config()["fields"]
    if consent is False:
        return [field["slot"] for field in fields[:2]]
    return [field["slot"] for field in fields if field.get("for") in (None, kind)]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", normalize(text)))


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


def interpret_area(text: str) -> str | None:
    """A ZIP or place the directory can locate (outside Cook County is kept for staff to see)."""
    value = validate_zip_or_area(text)
    if value is None:
        return None
    directory = load_directory()
    found = directory.resolve(zip_code=value) if value.isdigit() else directory.resolve(place=value)
    if isinstance(found, LocationProblem):
        return value if found.reason == "outside_area" else None
    return found.place.name if found.place else found.label


def interpret_name(text: str) -> str | None:
    return validate_name(text)


def interpret_free_text(text: str, limit: int) -> str | None:
    cleaned = " ".join(str(text).split())
    return cleaned if 0 < len(cleaned) <= limit else None


def display_value(field: str, value: str, language: str | None) -> str:
    if field == "need":
        return render(f"ref_need_{value}", language)
    if field == "language":
        return render(f"ref_language_{value}", language)
    return value


def present_fields(slots: dict[str, Any]) -> list[str]:
    return [field for field in SUMMARY_FIELDS if slots.get(f"referral_{field}")]


def summary_reply(slots: dict[str, Any], language: str | None) -> Reply:
    """Everything the person gave, to check before sending, with send/change/cancel buttons."""
    lines = "\n".join(
        render(
            f"ref_summary_line_{field}",
            language,
            value=display_value(field, slots[f"referral_{field}"], language),
        )
        for field in present_fields(slots)
    )
    return Reply(
        render("ref_summary", language, lines=lines),
        (
            (render("ref_btn_send", language), "/affirm"),
            (render("ref_btn_change", language), "/correct_referral"),
            (render("ref_btn_cancel", language), "/cancel"),
        ),
    )


def which_field_reply(slots: dict[str, Any], language: str | None) -> Reply:
    """Buttons for each answer given so far, so one can be changed without starting over."""
    return Reply(
        render("ref_which_field", language),
        tuple(
            (
                render(f"ref_btn_field_{field}", language),
                f'/correct_referral{{"referral_field": "{field}"}}',
            )
            for field in present_fields(slots)
        ),
    )


def _team(site_id: str | None, language: str | None) -> str:
    site = load_directory().site(site_id) if site_id else None
    if site:
        return render("ref_team_site", language, site=site.name(language or "en"))
    if site_id == "business_relations":
        return render("ref_team_business_relations", language)
    return render("ref_team_triage", language)


def _nearest_site_id(area: str | None) -> str | None:
    if not area:
        return None
    directory = load_directory()
    found = directory.resolve(zip_code=area) if area.isdigit() else directory.resolve(place=area)
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
    try:
        reference = create_referral(
            kind=kind,
            name=slots["referral_name"],
            topic=topic,
            preferred_language=preferred,
            consent_text_version=form_config()["consent_version"],
            consented_at=consented_at,
            routing=routed,
            phone=None if "@" in contact else contact,
            email=contact if "@" in contact else None,
            zip_or_area=slots.get("referral_area"),
            preferred_time=slots.get("referral_time"),
            company=slots.get("referral_company"),
            hiring_need=slots.get("referral_hiring_need"),
            sector=sector,
            sender_id=sender_id,
            idempotency_key=idempotency_key,
        )
    except ReferralNotStored:
        return Reply(render("ref_not_stored", language))
    return Reply(
        render("ref_received", language, reference=reference, team=_team(routed.site_id, language))
    )
