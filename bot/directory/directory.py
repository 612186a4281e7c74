"""The directory service: turn a ZIP or place name into a point and rank job centers by distance.

Everything is read from ``content/`` once per process (``load_directory`` is cached), so a staff
edit takes effect on the next restart without retraining.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from bot import CONTENT_DIR, content
from bot.directory.geo import clean_zip, haversine_miles, lookup_zip, records
from bot.directory.model import Location, LocationProblem, Nearby, Place, Site
from bot.directory.places import load_places
from bot.directory.sites import SiteDataError, load_sites
from bot.textnorm import expand_abbreviations, fold, fold_words, place_key

SERVICE_COUNTY = ("IL", "Cook County")  # (state, county) the Partnership serves
# Place kind -> Location kind ("town" only appears inside an outside_area LocationProblem).
_LOCATION_KIND = {
    "community_area": "neighborhood",
    "neighborhood": "neighborhood",
    "suburb": "suburb",
    "outside": "town",
}
# Words around a place name that people add in an answer: "en la Villita", "Cicero, IL".
_LEADING_FILLERS = {
    "la", "el", "los", "las", "the", "en", "in", "de", "del", "barrio", "vecindario", "colonia",
    "zona", "area", "neighborhood", "city", "ciudad", "village", "town", "pueblo", "of", "near",
    "cerca",
}  # fmt: skip
_TRAILING_FILLERS = {"il", "ill", "illinois", "chicago", "usa", "us", "area", "neighborhood"}


class Directory:
    """Sites and places with the lookups the assistant needs; build it with ``load_directory``."""

    def __init__(
        self,
        sites: list[Site],
        places: list[Place],
        common_words: set[str],
        not_places: tuple[str, ...] = (),
    ) -> None:
        self.sites = sites
        self.places = places
        self._common_words = common_words
        self._not_places = not_places
        self._sites_by_id = {site.id: site for site in sites}
        self._places_by_id = {place.id: place for place in places}
        self._area_points = [
            (row.lat, row.lon)
            for row in records(*SERVICE_COUNTY)
            if row.active and row.zip_type == "STANDARD"
        ]
        self._places_by_key: dict[str, Place] = {}
        for place in places:
            for form in place.surface_forms():
                self._places_by_key.setdefault(place_key(form), place)
        self._site_names = self._index_site_names()
        self._not_place_phrases = [f" {fold_words(name)} " for name in not_places]

    # ------------------------------------------------------------------ sites
    def ajcs(self) -> list[Site]:
        return [site for site in self.sites if site.kind == "ajc"]

    def sector_centers(self) -> list[Site]:
        return [site for site in self.sites if site.kind == "sector_center"]

    def site(self, site_id: str) -> Site | None:
        return self._sites_by_id.get(site_id)

    def _index_site_names(self) -> list[tuple[str, Site]]:
        """(" name ", site), longest name first; a bare place name may not name a site."""
        entries = []
        for site in self.sites:
            for name in site.names:
                place = self._places_by_key.get(place_key(name))
                if place is not None:
                    raise SiteDataError(
                        f"{site.id}.names: {name!r} is the place {place.name!r} in places.yml;"
                        " a site name must say which center ('pilsen center', 'ajc de pilsen')"
                    )
                entries.append((f" {name} ", site))
        entries.sort(key=lambda entry: (-len(entry[0].split()), -len(entry[0])))
        return entries

    def site_named(self, text: str) -> Site | None:
        """The site a whole message names ("what are the hours of the Pilsen center",
        "teléfono de Daley"), or None.

        Names (content/sites.yml ``names``) match as whole words, ignoring accents, case and
        punctuation; the longest name wins. A bare place name ("Pilsen") names no site, and a
        name inside an organisation's or college's name ("Olive-Harvey") does not count.
        """
        folded = f" {fold_words(text)} "
        for phrase in self._not_place_phrases:
            folded = folded.replace(phrase, " | ")
        for name, site in self._site_names:
            if name in folded:
                return site
        return None

    def nearest(self, location: Location, limit: int = 3, kind: str = "ajc") -> list[Nearby]:
        """Sites of ``kind`` ('ajc', 'sector_center' or 'any') by straight-line distance.

        Sites without a ZIP have no position and are skipped; list them separately if needed.
        """
        ranked = [
            Nearby(site, haversine_miles(location.lat, location.lon, site.lat, site.lon))
            for site in self.sites
            if (kind == "any" or site.kind == kind)
            and site.lat is not None
            and site.lon is not None
        ]
        ranked.sort(key=lambda nearby: (nearby.miles, nearby.site.id))
        return ranked[:limit]

    # ------------------------------------------------------------------ places
    def place(self, place_id: str) -> Place | None:
        return self._places_by_id.get(place_id)

    def find_place(self, text: str) -> Place | None:
        """The place named by ``text`` (a name, alias or place id), ignoring accents and case.

        Filler words around the name are tolerated ("en La Villita", "Cicero, IL").
        """
        if text in self._places_by_id:
            return self._places_by_id[text]
        for key in _candidate_keys(place_key(text)):
            if key in self._places_by_key:
                return self._places_by_key[key]
        return None

    def suggest_places(self, text: str, limit: int = 3) -> list[Place]:
        """Places whose names are spelled close to ``text`` ('Pilsem', 'litle village')."""
        keys = difflib.get_close_matches(place_key(text), self._places_by_key, n=limit, cutoff=0.8)
        suggestions: list[Place] = []
        for key in keys:
            place = self._places_by_key[key]
            if place not in suggestions:
                suggestions.append(place)
        return suggestions

    def gazetteer(self, include_common_words: bool = False) -> list[tuple[str, str]]:
        """(surface form, place id) for every name and alias in both languages.

        Forms that are everyday words ('worth', 'hermosa') are left out unless asked for,
        because a phrase matcher would find them inside ordinary sentences.
        """
        seen: set[str] = set()
        entries = []
        for place in self.places:
            for form in place.surface_forms():
                folded = fold(form)
                if folded in seen:
                    continue
                if not include_common_words and place_key(form) in self._common_words:
                    continue
                seen.add(folded)
                entries.append((form, place.id))
        return entries

    def not_place_names(self) -> list[str]:
        """Organisation, event and college names that contain a place name but are no place
        ("Hospitality Hires Chicago", "Olive-Harvey College").

        A phrase matcher should match these alongside ``gazetteer()`` and drop any place that
        lies inside one, so "Olive-Harvey" never sends someone to Harvey.
        """
        return list(self._not_places)

    # ------------------------------------------------------------------ resolving
    def locate(self, text: str) -> Location | LocationProblem:
        """Where a ZIP or place name typed by a person points.

        All digits are read as a ZIP, so "606" is an invalid ZIP rather than an unknown place.
        """
        value = text.strip()
        return self.resolve(zip_code=value) if value.isdigit() else self.resolve(place=value)

    def resolve(
        self, zip_code: str | None = None, place: str | None = None
    ) -> Location | LocationProblem:
        """A point to measure from, or the reason there is none.

        A ZIP wins when both are given. A place answer that is really a ZIP ("60623") is
        treated as a ZIP; an empty answer is an unknown place rather than an error.
        """
        if zip_code is not None and zip_code.strip():
            return self._resolve_zip(zip_code)
        if place is None or not place.strip():
            return LocationProblem("unknown_place", place or zip_code or "")
        if clean_zip(place):
            return self._resolve_zip(place)
        return self._resolve_place(place)

    def _outside(self, text: str, location: Location) -> LocationProblem:
        edge = min(
            haversine_miles(location.lat, location.lon, lat, lon) for lat, lon in self._area_points
        )
        return LocationProblem(
            "outside_area",
            text,
            county=location.county,
            state=location.state,
            city=location.city,
            location=location,
            miles_to_area=edge,
        )

    def _resolve_zip(self, text: str) -> Location | LocationProblem:
        code = clean_zip(text)
        if code is None:
            return LocationProblem("invalid_zip", text, detail="format")
        record = lookup_zip(code)
        if record is None:
            return LocationProblem("invalid_zip", text, detail="not_found")
        if not record.active:
            return LocationProblem("invalid_zip", text, detail="inactive")
        location = Location(
            label=code,
            lat=record.lat,
            lon=record.lon,
            zip=code,
            kind="zip",
            zip_type=record.zip_type,
            city=record.city,
            county=record.county,
            state=record.state,
        )
        if (record.state, record.county) != SERVICE_COUNTY:
            return self._outside(text, location)
        return location

    def _resolve_place(self, text: str) -> Location | LocationProblem:
        found = self.find_place(text)
        if found is None:
            return LocationProblem("unknown_place", text)
        if found.kind == "broad":
            return LocationProblem("too_broad", text, county=found.county, state=found.state)
        if found.lat is None or found.lon is None:
            return LocationProblem("unknown_place", text)
        record = lookup_zip(found.zip) if found.zip else None
        location = Location(
            label=found.name,
            lat=found.lat,
            lon=found.lon,
            zip=found.zip,
            kind=_LOCATION_KIND[found.kind],
            place=found,
            zip_type=record.zip_type if record else "STANDARD",
            city="Chicago" if _LOCATION_KIND[found.kind] == "neighborhood" else found.name,
            county=found.county,
            state=found.state,
        )
        if found.kind == "outside":
            return self._outside(text, location)
        return location


def _candidate_keys(key: str) -> list[str]:
    """The key itself, then with filler words stripped from the front and the back, then all of
    those with USPS abbreviations spelled out ('Mt Prospect')."""
    candidates = [key]
    words = key.split()
    while words and words[0] in _LEADING_FILLERS:
        words = words[1:]
        candidates.append(" ".join(words))
    while len(words) > 1 and words[-1] in _TRAILING_FILLERS:
        words = words[:-1]
        candidates.append(" ".join(words))
    candidates += [expand_abbreviations(candidate) for candidate in candidates]
    return [candidate for candidate in candidates if candidate]


@content.cached
def _load(content_dir: Path) -> Directory:
    sites = load_sites(content_dir / content.SITES.name)
    places, common_words, not_places = load_places(content_dir / content.PLACES.name)
    return Directory(sites, places, common_words, not_places)


def load_directory(content_dir: Path | str | None = None) -> Directory:
    """The directory built from ``content_dir`` (default: the project's content/), cached."""
    return _load(Path(content_dir or CONTENT_DIR).resolve())
