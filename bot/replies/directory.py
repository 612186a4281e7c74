"""Replies about the job centers: nearest by ZIP or place, the full list, and the hours, phone
and address of one center a person named."""

from __future__ import annotations

import re
from typing import Any

from bot import content
from bot.directory import load_directory
from bot.directory.model import Fact, Location, LocationProblem, Nearby, Site
from bot.replies import Reply, payload
from bot.texts import render, reply_language

NEAREST_LIMIT = 3


def network_facts() -> dict[str, Any]:
    """Network-wide facts (AJC counts, LevelUpAJC) from content/network.yml."""
    return content.read(content.NETWORK)


def location_buttons(language: str | None) -> tuple[tuple[str, str], ...]:
    return ((render("btn_all_centers", language), "/list_ajcs"),)


def site_card(nearby: Nearby, language: str | None) -> Reply:
    """One site with what is known of it; unknown facts are said to be unknown, never guessed."""
    site = nearby.site
    lines = [
        render(
            "dir_site_heading",
            language,
            name=site.name(reply_language(language)),
            miles=f"{nearby.miles:.1f}",
        )
    ]
    lines.append(
        render("dir_site_address", language, address=site.address_line)
        if site.address_line
        else render("dir_site_address_unknown", language)
    )
    lines.append(
        render("dir_site_phone", language, phone=site.phone)
        if site.phone
        else render("dir_site_phone_unknown", language)
    )
    lines.append(
        render("dir_site_hours", language, hours=site.hours)
        if site.hours
        else render("dir_site_hours_unknown", language)
    )
    if site.spanish_staff:
        lines.append(render("dir_site_spanish", language))
    if site.map_url:
        lines.append(render("dir_site_map", language, url=site.map_url))
    return Reply("\n".join(lines))


def nearest_replies(location: Location, language: str | None) -> list[Reply]:
    """The nearest AJCs to ``location``, one message per site, then what we still do not know."""
    nearby = load_directory().nearest(location, limit=NEAREST_LIMIT)
    place = (
        location.place.display_name(reply_language(language)) if location.place else location.label
    )
    replies = [Reply(render("dir_nearest_intro", language, place=place))]
    replies += [site_card(item, language) for item in nearby]
    if any(not (item.site.phone and item.site.hours) for item in nearby):
        replies.append(Reply(render("dir_nearest_footer", language), location_buttons(language)))
    return replies


def problem_reply(problem: LocationProblem, language: str | None) -> Reply:
    """Why a ZIP or place can't be used, and what to send instead; never a wrong site."""
    if problem.reason == "outside_area":
        by_zip = problem.input.strip().isdigit()
        where = "zip" if by_zip else "place"
        region = "illinois" if problem.state == "IL" else "other_state"
        text = render(
            f"dir_outside_{where}_{region}",
            language,
            zip=problem.input,
            place=problem.input,
            county=problem.county,
            state=problem.state,
        )
    elif problem.reason == "invalid_zip":
        text = render("dir_invalid_zip", language, zip=problem.input)
    elif problem.reason == "too_broad":
        text = render("dir_too_broad", language, place=problem.input)
    else:
        suggestions = load_directory().suggest_places(problem.input)
        if suggestions:
            names = [place.display_name(reply_language(language)) for place in suggestions]
            return Reply(
                render("dir_unknown_place_suggest", language, place=problem.input),
                tuple((name, place_payload(name)) for name in names),
            )
        text = render("dir_unknown_place", language, place=problem.input)
    return Reply(text, location_buttons(language))


def place_payload(name: str) -> str:
    """A button payload that answers "where?" with this place, whatever the language."""
    return payload("inform_location", {"place": name})


def location_replies(text: str, language: str | None) -> tuple[list[Reply], bool]:
    """Replies for a ZIP code or place name as the user gave it, and whether it was usable."""
    found = load_directory().locate(text)
    if isinstance(found, LocationProblem):
        return [problem_reply(found, language)], False
    return nearest_replies(found, language), True


def _list_lines(sites: list[Site], language: str | None) -> list[str]:
    return [
        render(
            "dir_list_item",
            language,
            name=site.name(reply_language(language)),
            address=site.address_line,
        )
        if site.address_line
        else render("dir_list_item_no_address", language, name=site.name(reply_language(language)))
        for site in sites
    ]


def list_replies(language: str | None) -> list[Reply]:
    """Every AJC in the data, Chicago first, with the network's official count."""
    counts = network_facts()["ajc_count"]
    ajcs = load_directory().ajcs()
    chicago = [site for site in ajcs if site.area == "chicago"]
    suburban = [site for site in ajcs if site.area != "chicago"]
    body = [
        render("dir_list_heading_chicago", language),
        *_list_lines(chicago, language),
        "",
        render("dir_list_heading_suburban", language),
        *_list_lines(suburban, language),
    ]
    return [
        Reply(
            render(
                "dir_list_intro",
                language,
                count=counts["total"],
                chicago=counts["chicago"],
                suburban=counts["suburban"],
            )
        ),
        Reply("\n".join(body)),
        Reply(
            render("dir_list_footer", language),
            ((render("btn_nearest_center", language), "/find_ajc"),),
        ),
    ]


# ------------------------------------------------------------------ one named center
# Facts shown to a person: "unconfirmed" ones (inferred, third-party) never are.
SHOWN_STATUSES = ("confirmed", "dated")


def callback_payload() -> str:
    """The call-back form for a career seeker, as the knowledge answers' button starts it."""
    return payload("request_referral", {"referral_kind": "career_seeker"})


def _year(fact: Fact, old_source_counts: bool) -> str | None:
    """The year to show with a fact: for a 'dated' one, and (phones) for any from an old page."""
    if fact.status != "dated" and not (old_source_counts and fact.as_of):
        return None
    found = re.search(r"\d{4}", fact.as_of or fact.checked)
    return found.group(0) if found else None


def _fact_line(
    site: Site, field: str, language: str | None, value: Any = None, always_year: bool = False
) -> str | None:
    """'Phone: ...' for a fact people may rely on, with its year when old; None when unknown."""
    fact = site.fact(field)
    if not fact.known or fact.status not in SHOWN_STATUSES:
        return None
    shown = fact.value if value is None else value
    year = _year(fact, always_year)
    if year:
        return render(f"contact_{field}_dated", language, value=shown, year=year)
    return render(f"contact_{field}", language, value=shown)


def site_contact_replies(site: Site, language: str | None) -> list[Reply]:
    """Hours, phone and address of one center, each only as far as content/sites.yml confirms it,
    then the next step: the call-back form or the nearest centers.

    Only the site's own facts are read, so another organisation's number (an IDES hotline in a
    note) can never be shown as the center's.
    """
    lines = [render("contact_intro", language, site=site.name(reply_language(language)))]
    phone = _fact_line(site, "phone", language, always_year=True)
    hours = _fact_line(site, "hours", language)
    if phone is None and hours is None:
        lines.append(render("contact_phone_hours_unknown", language))
    else:
        lines.append(phone or render("contact_phone_unknown", language))
        lines.append(hours or render("contact_hours_unknown", language))
    address = _fact_line(site, "address", language, value=site.address_line)
    lines.append(address or render("contact_address_unknown", language))
    website = _fact_line(site, "website", language)
    if website:
        lines.append(website)
    if site.fact("spanish_staff").status in SHOWN_STATUSES and site.spanish_staff is not None:
        lines.append(render(f"contact_spanish_{'yes' if site.spanish_staff else 'no'}", language))
    if address and site.map_url:
        lines.append(render("contact_map", language, value=site.map_url))
    buttons = (
        (render("contact_btn_call_me", language), callback_payload()),
        (render("btn_nearest_center", language), "/find_ajc"),
    )
    return [Reply("\n".join(lines)), Reply(render("contact_next", language), buttons)]
