"""Program knowledge read from ``content/knowledge/*.yml``: facts with their sources, the gaps we
know about, which texts answer which question, and the words people use for each sector, group
of people and Partnership program.

Staff edit the YAML, not this module. Loading checks everything an edit can break (a missing
source, a dated fact without its year, an answer naming a fact or intent that does not exist) so
a bad edit fails when the action server starts, not in front of a user.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import content
from bot.content import STATED_STATUSES, FactStatus
from bot.directory import Site, load_directory
from bot.intents import domain_intents

# Of content.FACT_STATUSES, those a knowledge fact may have ("dated" needs source_year).
KNOWLEDGE_STATUSES: tuple[FactStatus, ...] = ("confirmed", "dated", "official_link", "general")

DEFAULT_VARIANT = "default"
# Sections of a knowledge file that list the words people use for things an answer can be about:
# a variant named after an entry is the answer when a message names that entry.
WORD_LISTS = ("sectors", "groups", "programs")


class KnowledgeError(ValueError):
    """A knowledge file breaks a rule; the message names the file and the entry."""


@dataclass(frozen=True)
class Fact:
    """One fact as the assistant may state it, with where it comes from."""

    id: str
    statement: str
    status: FactStatus
    sources: tuple[str, ...]
    checked: dt.date
    value: Any = None
    source_year: int | None = None

    @property
    def urls(self) -> tuple[str, ...]:
        """Links a user can follow to check the fact: the cited pages, or the official link."""
        cited = tuple(s for s in self.sources if s.startswith(("http://", "https://")))
        if cited:
            return cited
        if isinstance(self.value, str) and self.value.startswith("https://"):
            return (self.value,)
        return ()


@dataclass(frozen=True)
class Unknown:
    """Something we looked for and did not find, kept so nobody fills the gap by guessing."""

    id: str
    note: str
    looked_in: str
    checked: dt.date


@dataclass(frozen=True)
class ButtonSpec:
    """A follow-up button: a text key for its title and the intent (plus entities) it sends."""

    title_key: str
    intent: str
    entities: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Variant:
    """One reply: texts shown in order, facts behind their wording, buttons to go deeper."""

    text_keys: tuple[str, ...]
    fact_ids: tuple[str, ...]
    buttons: tuple[ButtonSpec, ...]


@dataclass(frozen=True)
class Named:
    """A sector, group or program id with the words that name it (``exact_only`` ones only as
    a whole message)."""

    id: str
    synonyms: tuple[str, ...]
    exact_only: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    """Everything in ``content/knowledge``, merged across topic files."""

    facts: dict[str, Fact]
    unknowns: dict[str, Unknown]
    answers: dict[str, dict[str, Variant]]
    word_lists: dict[str, dict[str, Named]]

    @property
    def sectors(self) -> dict[str, Named]:
        return self.word_lists["sectors"]

    @property
    def topics(self) -> tuple[str, ...]:
        """The intents these files answer (the knowledge action's topics)."""
        return tuple(self.answers)


@content.cached
def knowledge() -> Knowledge:
    """The shipped knowledge, read once per process."""
    return load(content.KNOWLEDGE_DIR)


def _shipped_site(site_id: str) -> Site | None:
    return load_directory().site(site_id)


def load(directory: Path, site: Callable[[str], Site | None] = _shipped_site) -> Knowledge:
    """Read and check every ``*.yml`` in ``directory``; ids must be unique across files.

    Facts about a site (``from_site``) come from ``site(id)``, the directory's checked sites,
    so a site's address is written once, in content/sites.yml, and checked once.
    """
    facts: dict[str, Fact] = {}
    unknowns: dict[str, Unknown] = {}
    answers: dict[str, dict[str, Variant]] = {}
    word_lists: dict[str, dict[str, Named]] = {kind: {} for kind in WORD_LISTS}
    for path in content.yaml_files(directory):
        data = content.read(path)
        where = path.name
        _merge(facts, _facts(data.get("facts") or {}, site, where), where)
        _merge(unknowns, _unknowns(data.get("unknowns") or {}, where), where)
        _merge(answers, _answers(data.get("answers") or {}, where), where)
        for kind in WORD_LISTS:
            _merge(word_lists[kind], _named(data.get(kind) or {}, kind, where), where)
    _check_references(facts, answers)
    return Knowledge(facts, unknowns, answers, word_lists)


def _merge(into: dict[str, Any], new: dict[str, Any], where: str) -> None:
    for key, value in new.items():
        if key in into:
            raise KnowledgeError(f"{where}: {key!r} is defined in two files")
        into[key] = value


def _date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as error:
        raise KnowledgeError(f"{where}: 'checked' must be a date like 2026-11-24") from error


def _from_site(
    entry: Mapping[str, Any], site: Callable[[str], Site | None], here: str
) -> dict[str, Any]:
    """Value, status, sources, date and year of a fact taken from a site's checked facts."""
    ref = entry["from_site"]
    found = site(ref.get("site"))
    sites_file = content.SITES.name
    if found is None:
        raise KnowledgeError(f"{here}: site {ref.get('site')!r} is not in {sites_file}")
    facts = []
    for name in ref.get("fields") or ():
        fact = found.facts.get(name)
        if fact is None or not fact.known:
            raise KnowledgeError(f"{here}: {ref['site']}.{name} has no value in {sites_file}")
        if fact.status not in STATED_STATUSES:
            raise KnowledgeError(f"{here}: {ref['site']}.{name} is not confirmed")
        facts.append(fact)
    if not facts:
        raise KnowledgeError(f"{here}: from_site names no fields")
    years = [int(m[0]) for f in facts if (m := re.search(r"\d{4}", f.as_of or ""))]
    return {
        **entry,
        "value": ", ".join(str(f.value) for f in facts),
        "status": "dated" if any(f.status == "dated" for f in facts) else "confirmed",
        "source": list(dict.fromkeys(f.source for f in facts)),
        "checked": min(f.checked for f in facts),
        "source_year": min(years) if years else None,
    }


def _facts(
    raw: Mapping[str, Any], site: Callable[[str], Site | None], where: str
) -> dict[str, Fact]:
    facts = {}
    for fact_id, entry in raw.items():
        here = f"{where}: fact {fact_id!r}"
        if "from_site" in entry:
            entry = _from_site(entry, site, here)
        missing = [k for k in ("statement", "status", "source", "checked") if not entry.get(k)]
        if missing:
            raise KnowledgeError(f"{here} lacks {', '.join(missing)}")
        if entry["status"] not in KNOWLEDGE_STATUSES:
            raise KnowledgeError(f"{here}: status must be one of {KNOWLEDGE_STATUSES}")
        source_year = entry.get("source_year")
        if entry["status"] == "dated" and not isinstance(source_year, int):
            raise KnowledgeError(f"{here}: a dated fact needs source_year (the source's year)")
        source = entry["source"]
        facts[fact_id] = Fact(
            id=fact_id,
            statement=" ".join(str(entry["statement"]).split()),
            status=entry["status"],
            sources=tuple(source) if isinstance(source, list) else (str(source),),
            checked=_date(entry["checked"], here),
            value=entry.get("value"),
            source_year=source_year,
        )
    return facts


def _unknowns(raw: Mapping[str, Any], where: str) -> dict[str, Unknown]:
    unknowns = {}
    for unknown_id, entry in raw.items():
        here = f"{where}: unknown {unknown_id!r}"
        missing = [k for k in ("note", "looked_in", "checked") if not entry.get(k)]
        if missing:
            raise KnowledgeError(f"{here} lacks {', '.join(missing)}")
        if "value" in entry:
            raise KnowledgeError(f"{here} has a value: move it to facts with a source, or drop it")
        unknowns[unknown_id] = Unknown(
            unknown_id,
            " ".join(entry["note"].split()),
            entry["looked_in"],
            _date(entry["checked"], here),
        )
    return unknowns


def _answers(raw: Mapping[str, Any], where: str) -> dict[str, dict[str, Variant]]:
    answers: dict[str, dict[str, Variant]] = {}
    for topic, variants in raw.items():
        if topic not in domain_intents():
            raise KnowledgeError(f"{where}: answers for {topic!r}, which is not an intent")
        if DEFAULT_VARIANT not in variants:
            raise KnowledgeError(f"{where}: {topic!r} has no {DEFAULT_VARIANT!r} answer")
        answers[topic] = {
            name: _variant(spec, f"{where}: {topic}.{name}") for name, spec in variants.items()
        }
    return answers


def _variant(spec: Mapping[str, Any], here: str) -> Variant:
    if not spec.get("texts"):
        raise KnowledgeError(f"{here} shows no texts")
    if not spec.get("buttons"):
        raise KnowledgeError(f"{here} offers no buttons")
    buttons = []
    for button in spec["buttons"]:
        if button.get("intent") not in domain_intents():
            raise KnowledgeError(f"{here}: button intent {button.get('intent')!r} is not an intent")
        buttons.append(
            ButtonSpec(button["title"], button["intent"], dict(button.get("entities") or {}))
        )
    return Variant(tuple(spec["texts"]), tuple(spec.get("facts") or ()), tuple(buttons))


def _named(raw: Mapping[str, Any], kind: str, where: str) -> dict[str, Named]:
    named = {}
    for entry_id, entry in raw.items():
        if not entry.get("synonyms"):
            raise KnowledgeError(f"{where}: {kind} entry {entry_id!r} has no synonyms")
        named[entry_id] = Named(
            entry_id,
            tuple(str(s) for s in entry["synonyms"]),
            tuple(str(s) for s in entry.get("exact_only") or ()),
        )
    return named


def _check_references(facts: dict[str, Fact], answers: dict[str, dict[str, Variant]]) -> None:
    for topic, variants in answers.items():
        for name, variant in variants.items():
            for fact_id in variant.fact_ids:
                if fact_id not in facts:
                    raise KnowledgeError(f"answer {topic}.{name} cites unknown fact {fact_id!r}")
