"""Compose the reply to a program question from the knowledge data and the text catalog.

Texts carry the wording per language; facts (numbers, names, URLs) are filled in from the
knowledge YAML by their id, so a fact changes in one place and both languages follow. The
sources listed with an answer are worked out from the facts it actually shows.
"""

from __future__ import annotations

import re

from bot import texts
from bot.knowledge.store import DEFAULT_VARIANT, WORD_LISTS, Fact, Variant, knowledge
from bot.knowledge.words import resolve, resolve_sector
from bot.replies import Reply, payload

UNKNOWN_SECTOR_VARIANT = "unknown_sector"
YEAR_SUFFIX = "_year"
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def answer(
    topic: str,
    language: str | None,
    detail: str | None = None,
    sector: str | None = None,
    message: str | None = None,
) -> Reply:
    """The reply to ``topic`` (an intent name) in ``language``.

    ``detail`` picks a deeper answer (e.g. "eligibility", "customized"); ``sector`` may be an id
    or any word for a sector ("cdl", "almacen"); the person's ``message`` may name a group of
    people ("soy veterano") or a program ("Techapalooza") that has its own answer. Unknown
    details fall back to the plain answer.
    """
    topics = knowledge().answers
    if topic not in topics:
        raise ValueError(f"no knowledge answer for topic {topic!r}; topics are {tuple(topics)}")
    variant = _pick(topics[topic], detail, sector, message)
    lang = texts.reply_language(language)
    values = fact_values(lang)
    body = "\n".join(texts.render(key, lang, **values) for key in variant.text_keys)
    buttons = tuple(
        (texts.render(b.title_key, lang), payload(b.intent, dict(b.entities)))
        for b in variant.buttons
    )
    return Reply(body, buttons, _sources(variant, lang))


def fact_values(language: str) -> dict[str, object]:
    """Every fact's value as a text placeholder, plus ``<id>_year`` for dated facts."""
    values: dict[str, object] = {}
    for fact in knowledge().facts.values():
        if fact.value is not None:
            values[fact.id] = _display(fact.value, language)
        if fact.source_year is not None:
            values[fact.id + YEAR_SUFFIX] = fact.source_year
    return values


def facts_shown(variant: Variant, language: str) -> list[Fact]:
    """The facts behind a reply: those its texts fill in, then those it cites for its wording."""
    facts = knowledge().facts
    ids: list[str] = []
    for key in variant.text_keys:
        for name in sorted(texts.placeholders(texts.catalog(language)[key])):
            base = name.removesuffix(YEAR_SUFFIX) if name not in facts else name
            if base in facts:
                ids.append(base)
    ids.extend(variant.fact_ids)
    return [facts[i] for i in dict.fromkeys(ids)]


def _pick(
    variants: dict[str, Variant], detail: str | None, sector: str | None, message: str | None
) -> Variant:
    """The answer for the sector given, else for what the message names (a sector, group or
    program the topic has an answer for), else the detail asked for, else the plain answer."""
    sector_id = resolve_sector(sector)
    if sector_id in variants:
        return variants[sector_id]
    for kind in WORD_LISTS:
        named = resolve(kind, message)
        if named in variants:
            return variants[named]
    wanted = (detail or "").strip().lower()
    if wanted in variants:
        return variants[wanted]
    if sector and sector_id is None and UNKNOWN_SECTOR_VARIANT in variants:
        return variants[UNKNOWN_SECTOR_VARIANT]
    return variants[DEFAULT_VARIANT]


def _display(value: object, language: str) -> object:
    """Month facts ("2023-07") read as "July 2023" / "julio de 2023"; others as stored."""
    match = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if not match:
        return value
    months = [m.strip() for m in texts.render("kn_months", language).split(",")]
    year, month = match.groups()
    return texts.render("kn_month_year", language, month=months[int(month) - 1], year=year)


def _sources(variant: Variant, language: str) -> tuple[str, ...]:
    urls = [url for fact in facts_shown(variant, language) for url in fact.urls]
    return tuple(dict.fromkeys(urls))
