"""What the person sees of the call-back form: the summary, the which-answer buttons, and the
received / not-stored replies. Understanding and storing the answers is bot.referrals.form."""

from __future__ import annotations

from typing import Any

from bot.directory import load_directory
from bot.replies import Reply, payload
from bot.texts import render, reply_language

# The answers the summary shows, in order; each can be changed by its own button.
SUMMARY_FIELDS = ("name", "company", "contact", "area", "need", "hiring_need", "language", "time")


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
            (render("ref_btn_send", language), payload("affirm")),
            (render("ref_btn_change", language), payload("correct_referral")),
            (render("ref_btn_cancel", language), payload("cancel")),
        ),
    )


def which_field_reply(slots: dict[str, Any], language: str | None) -> Reply:
    """Buttons for each answer given so far, so one can be changed without starting over."""
    return Reply(
        render("ref_which_field", language),
        tuple(
            (
                render(f"ref_btn_field_{field}", language),
                payload("correct_referral", {"referral_field": field}),
            )
            for field in present_fields(slots)
        ),
    )


def _team(site_id: str | None, language: str | None) -> str:
    site = load_directory().site(site_id) if site_id else None
    if site:
        return render("ref_team_site", language, site=site.name(reply_language(language)))
    if site_id == "business_relations":
        return render("ref_team_business_relations", language)
    return render("ref_team_triage", language)


def received_reply(reference: str, site_id: str | None, language: str | None) -> Reply:
    """Said only after the referral is committed: its reference and who will call back."""
    return Reply(
        render("ref_received", language, reference=reference, team=_team(site_id, language))
    )


def not_stored_reply(language: str | None) -> Reply:
    """The store refused or was down: nothing was received, so say so and offer other ways."""
    return Reply(render("ref_not_stored", language))
