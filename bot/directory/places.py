"""Build the list of places: Chicago areas from ``content/places.yml``, towns from ``zipcodes``.

Suburbs are derived rather than hand-written so that every Cook County town the USPS knows is
covered and nobody has to keep a second list in sync with the ZIP data.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot import content
from bot.content import FactStatus
from bot.directory.geo import ZipRecord, lookup_zip, mean_point, records
from bot.directory.model import Place, PlaceKind
from bot.textnorm import place_key

ZIP_DATA_SOURCE = "https://pypi.org/project/zipcodes/"


class PlaceDataError(ValueError):
    """An entry in content/places.yml that the loader cannot use."""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", place_key(text)).strip("-")


def _point(zips: Iterable[str], where: str) -> tuple[float, float]:
    found = [lookup_zip(code) for code in zips]
    if not found or any(record is None for record in found):
        raise PlaceDataError(f"{where}: ZIP {list(zips)} is not a real ZIP code")
    point = mean_point((record.lat, record.lon) for record in found if record)
    if point is None:
        raise PlaceDataError(f"{where}: no ZIP code given")
    return point


def _listed(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value or ())


def chicago_places(data: dict[str, Any]) -> list[Place]:
    """The community areas and neighborhoods written in places.yml."""
    block = data["community_areas"]
    by_number: dict[int, str] = {}
    places = []
    for raw in block["areas"]:
        by_number[int(raw["number"])] = raw["name"]
        places.append(_chicago_place(raw, "community_area", block, community_area=raw["name"]))
    hoods = data.get("neighborhoods") or {}
    for raw in hoods.get("places") or ():
        area = by_number.get(int(raw["community_area"]))
        if area is None:
            raise PlaceDataError(f"{raw['name']}: unknown community_area {raw['community_area']}")
        places.append(_chicago_place(raw, "neighborhood", hoods, community_area=area))
    if len(by_number) != 77:
        raise PlaceDataError(f"expected the 77 community areas, found {len(by_number)}")
    _check_unique_names(places)
    return places


def _check_unique_names(places: list[Place]) -> None:
    """Two hand-written Chicago places must not share a name or alias (which one would win?)."""
    owner: dict[str, str] = {}
    for place in places:
        for form in place.surface_forms():
            first = owner.setdefault(place_key(form), place.id)
            if first != place.id:
                raise PlaceDataError(f"{form!r} names both {first} and {place.id}")


def _chicago_place(
    raw: dict[str, Any], kind: PlaceKind, block: dict[str, Any], community_area: str
) -> Place:
    name = raw["name"]
    zip_code = str(raw["zip"])
    lat, lon = _point([zip_code], name)
    names_es = _listed(raw.get("es"))
    if raw.get("display_es"):
        names_es = (raw["display_es"], *(n for n in names_es if n != raw["display_es"]))
    return Place(
        id=f"chicago/{slug(name)}",
        kind=kind,
        name=name,
        zips=(zip_code,),
        lat=lat,
        lon=lon,
        source=block["source"],
        status=block["status"],
        names_es=names_es,
        aliases=_listed(raw.get("aliases")),
        county="Cook County",
        state="IL",
        community_area=community_area,
        note="; ".join(part for part in (block.get("note"), raw.get("note")) if part) or None,
    )


def broad_places(data: dict[str, Any]) -> list[Place]:
    """Names too wide to measure from (Chicago, Cook County): they carry no coordinates."""
    return [
        Place(
            id=f"broad/{raw['id']}",
            kind="broad",
            name=raw["name"],
            zips=(),
            lat=None,
            lon=None,
            source="content/places.yml",
            status="confirmed",
            names_es=_listed(raw.get("es")),
            aliases=_listed(raw.get("aliases")),
            county="Cook County",
            state="IL",
        )
        for raw in data.get("broad") or ()
    ]


def _town_zips(
    rows: list[ZipRecord], exclude: set[str]
) -> tuple[dict[str, list[ZipRecord]], set[str]]:
    """Town name -> its ZIP records: primary names from every active row, accepted names from
    active STANDARD rows (PO-box rows carry names such as 'South Suburban' that are no town).
    Also returns which names are primary."""
    primary: dict[str, list[ZipRecord]] = defaultdict(list)
    accepted: dict[str, list[ZipRecord]] = defaultdict(list)
    for row in rows:
        if not row.active:
            continue
        primary[row.city].append(row)
        if row.zip_type == "STANDARD":
            for name in row.acceptable_cities:
                accepted[name].append(row)
    towns = {name: found for name, found in primary.items() if place_key(name) not in exclude}
    for name, found in accepted.items():
        if place_key(name) not in exclude and name not in towns:
            towns[name] = found
    return towns, set(primary)


def _spaceless(name: str) -> str:
    return place_key(name).replace(" ", "")


def _abbreviates(short: str, full: str) -> bool:
    """True when ``short`` is ``full`` with letters left out ('Arlington Hts', 'Montgmry')."""
    if len(short) >= len(full) or short[:1] != full[:1]:
        return False
    letters = iter(full)
    return all(char in letters for char in short)


def _merge_abbreviations(
    towns: dict[str, list[ZipRecord]], primary: set[str], exclude: set[str]
) -> tuple[dict[str, list[str]], set[str]]:
    """Fold the USPS's abbreviated accepted names into the full name of the same town.

    Returns full name -> its abbreviations, and the abbreviations to drop because their full
    name belongs to an earlier place ('Jefferson Pk' is Chicago's Jefferson Park). Only
    accepted names are folded, and only into a town sharing a ZIP with them: two primary
    names are always two towns, and 'Argo' is no abbreviation of 'Arlington Heights'.
    """
    keys = {name: _spaceless(name) for name in towns}
    excluded = {key.replace(" ", "") for key in exclude}
    aliases: dict[str, list[str]] = defaultdict(list)
    dropped: set[str] = set()
    for name in towns:
        if name in primary:
            continue
        zips = {row.zip for row in towns[name]}
        targets = [
            other
            for other in towns
            if _abbreviates(keys[name], keys[other]) and zips & {row.zip for row in towns[other]}
        ]
        if targets:
            aliases[max(targets, key=lambda other: len(keys[other]))].append(name)
        elif any(_abbreviates(keys[name], key) for key in excluded):
            dropped.add(name)
    return aliases, dropped


def _town_point(found: list[ZipRecord]) -> tuple[tuple[str, ...], tuple[float, float]]:
    """Mean of the STANDARD ZIP centroids; the first active ZIP when there is no STANDARD one."""
    standard = sorted((r for r in found if r.zip_type == "STANDARD"), key=lambda r: r.zip)
    used = standard or sorted(found, key=lambda r: r.zip)[:1]
    point = mean_point((r.lat, r.lon) for r in used)
    if point is None:
        raise PlaceDataError("a town needs at least one active ZIP code")
    return tuple(r.zip for r in used), point


def _with_joined_mc(name: str, aliases: Iterable[str]) -> tuple[str, ...]:
    """USPS writes 'Mc Cook'; people write 'McCook'. Keep both."""
    forms = set(aliases)
    if re.search(r"\bMc ", name):
        forms.add(re.sub(r"\bMc ", "Mc", name))
    return tuple(sorted(forms))


def towns(
    state: str,
    counties: Iterable[str],
    kind: PlaceKind,
    source: str,
    status: FactStatus,
    exclude: set[str],
    note: str | None = None,
) -> list[Place]:
    """Every town of ``counties`` (one place per name) with abbreviations folded into aliases."""
    rows = [row for county in counties for row in records(state, county)]
    by_name, primary = _town_zips(rows, exclude)
    abbreviations, dropped = _merge_abbreviations(by_name, primary, exclude)
    merged = dropped | {alias for group in abbreviations.values() for alias in group}
    places = []
    for name, found in sorted(by_name.items()):
        if name in merged:
            continue
        zips, (lat, lon) = _town_point(found)
        county = Counter(r.county for r in found if r.zip in zips).most_common(1)[0][0]
        prefix = "suburb" if kind == "suburb" else f"outside/{state.lower()}"
        places.append(
            Place(
                id=f"{prefix}/{slug(name)}",
                kind=kind,
                name=name,
                zips=zips,
                lat=lat,
                lon=lon,
                source=source,
                status=status,
                aliases=_with_joined_mc(name, abbreviations.get(name, ())),
                county=county,
                state=state,
                note=note,
            )
        )
    return places


def load_places(path: Path) -> tuple[list[Place], set[str], tuple[str, ...]]:
    """All places (Chicago first, then suburbs, then outside towns), the common-word keys and
    the names that contain a place name but are no place (organisations, events, colleges).

    A name used by an earlier place is not reused by a later one, so Chicago's "Riverdale"
    community area wins over the suburb of the same name, and Cook County over its neighbours.
    """
    data = content.read(path)
    places = chicago_places(data) + broad_places(data)
    taken = {place_key(form) for place in places for form in place.surface_forms()}
    suburbs = data["suburbs"]
    exclude = taken | {place_key(name) for name in suburbs.get("exclude_cities") or ()}
    cook = towns(
        suburbs["state"], [suburbs["county"]], "suburb", suburbs["source"], suburbs["status"],
        exclude, suburbs.get("note"),
    )  # fmt: skip
    places += cook
    taken |= {place_key(form) for place in cook for form in place.surface_forms()}
    for region in data.get("outside_region") or ():
        outside = towns(
            region["state"], [region["county"]], "outside", ZIP_DATA_SOURCE, "confirmed", taken
        )
        places += outside
        taken |= {place_key(form) for place in outside for form in place.surface_forms()}
    _check_unique_ids(places)
    common = {place_key(word) for word in data.get("common_words") or ()}
    return places, common, _not_places(data, taken)


def _not_places(data: dict[str, Any], taken: set[str]) -> tuple[str, ...]:
    """The ``not_places`` names; one that is itself a place name would hide that place."""
    names = _listed(data.get("not_places"))
    clashing = sorted(name for name in names if place_key(name) in taken)
    if clashing:
        raise PlaceDataError(f"not_places names that are places: {clashing}")
    return names


def _check_unique_ids(places: list[Place]) -> None:
    counts = Counter(place.id for place in places)
    duplicates = sorted(place_id for place_id, count in counts.items() if count > 1)
    if duplicates:
        raise PlaceDataError(f"duplicate place ids: {duplicates}")
