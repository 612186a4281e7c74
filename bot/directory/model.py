"""The directory's data types: facts with their sources, sites, places and resolved locations.

Plain frozen dataclasses so actions, tests and the NLU component share one vocabulary and
nothing can change a fact after it was loaded from ``content/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from bot.content import FactStatus
from bot.texts import Language

SiteKind = Literal["ajc", "sector_center"]
SITE_KINDS: tuple[SiteKind, ...] = get_args(SiteKind)
PlaceKind = Literal["community_area", "neighborhood", "suburb", "outside", "broad"]
ProblemReason = Literal["invalid_zip", "outside_area", "unknown_place", "too_broad"]


@dataclass(frozen=True)
class Fact:
    """One value with where it came from, so every reply can be traced to a public page.

    ``value`` is None when the fact is unknown; ``note`` then says what is missing and where
    ``check_at`` (a URL) might answer it. ``as_of`` keeps the source's own date when it is old.
    """

    value: Any
    status: FactStatus
    checked: str
    source: str | None = None
    as_of: str | None = None
    note: str | None = None
    check_at: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Service:
    """A service note on a site; the stable ``tag`` lets content/texts key replies on it."""

    tag: str
    fact: Fact


@dataclass(frozen=True)
class Site:
    """An American Job Center or sector center, every field backed by a ``Fact``.

    Attribute access (``site.phone``) gives the plain value; ``site.fact("phone")`` gives the
    value with its source, status and dates.
    """

    id: str
    kind: SiteKind
    facts: dict[str, Fact]
    services: tuple[Service, ...] = ()
    verify: tuple[str, ...] = ()
    sector: str | None = None
    facts_ref: str | None = None
    names: tuple[str, ...] = ()  # what people call it, folded ("pilsen center", "daley")
    lat: float | None = None
    lon: float | None = None
    map_url: str | None = None

    def fact(self, name: str) -> Fact:
        return self.facts[name]

    def name(self, language: Language = "en") -> str:
        names = self.facts["name"].value
        return names.get(language) or names["en"]

    def _value(self, name: str) -> Any:
        fact = self.facts.get(name)
        return fact.value if fact else None

    @property
    def area(self) -> str | None:
        return self._value("area")

    @property
    def operator(self) -> str | None:
        return self._value("operator")

    @property
    def address(self) -> str | None:
        """The street line exactly as the source gives it (suite included), without city or ZIP."""
        return self._value("address")

    @property
    def city(self) -> str | None:
        return self._value("city")

    @property
    def zip(self) -> str | None:
        return self._value("zip")

    @property
    def phone(self) -> str | None:
        return self._value("phone")

    @property
    def email(self) -> str | None:
        return self._value("email")

    @property
    def website(self) -> str | None:
        return self._value("website")

    @property
    def hours(self) -> str | None:
        return self._value("hours")

    @property
    def spanish_staff(self) -> bool | None:
        return self._value("spanish_staff")

    @property
    def status(self) -> str:
        """'dated' when the site's listing itself is old (re-check before relying on it)."""
        return self.facts["listing"].status

    @property
    def address_line(self) -> str | None:
        """'1700 W. 18th St, Chicago, IL 60608'; None when the street address is unknown."""
        if not self.address:
            return None
        place = ", ".join(part for part in (self.city, "IL") if part)
        return f"{self.address}, {place} {self.zip}" if self.zip else f"{self.address}, {place}"

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None

    def unknown_fields(self) -> list[str]:
        """Names of the facts nobody has confirmed yet (to say what we do not know)."""
        return [name for name, fact in self.facts.items() if not fact.known]


@dataclass(frozen=True)
class Place:
    """A named area a user may mention: a Chicago community area or neighborhood, a suburb...

    ``zips`` are representative ZIP codes; ``lat``/``lon`` are their centroids (averaged when
    several), so distances from a place are approximate by construction.
    """

    id: str
    kind: PlaceKind
    name: str
    zips: tuple[str, ...]
    lat: float | None
    lon: float | None
    source: str
    status: FactStatus
    names_es: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    county: str | None = None
    state: str | None = None
    community_area: str | None = None
    note: str | None = None

    def display_name(self, language: Language = "en") -> str:
        if language == "es" and self.names_es:
            return self.names_es[0]
        return self.name

    def surface_forms(self) -> tuple[str, ...]:
        """Every way of writing this place that we know, English and Spanish."""
        return (self.name, *self.names_es, *self.aliases)

    @property
    def zip(self) -> str | None:
        return self.zips[0] if self.zips else None


@dataclass(frozen=True)
class Location:
    """A point to measure distances from: a ZIP centroid or a place's representative centroid.

    Always approximate (ZIP centroids, not addresses). ``zip_type`` is 'PO BOX' or 'UNIQUE' for
    ZIPs without streets, whose centroid says little about where the person lives.
    """

    label: str
    lat: float
    lon: float
    zip: str | None
    kind: str
    place: Place | None = None
    zip_type: str = "STANDARD"
    city: str | None = None
    county: str | None = None
    state: str | None = None

    @property
    def precise_zip(self) -> bool:
        return self.zip_type == "STANDARD"


@dataclass(frozen=True)
class LocationProblem:
    """Why a ZIP or place could not be used, with what we did learn (county, state, point).

    For 'outside_area', ``location`` lets a caller still measure distances, and
    ``miles_to_area`` is how far that point is from the nearest Cook County ZIP centroid: a
    small value means a town on the county line (the ZIP data file each ZIP under one county).
    """

    reason: ProblemReason
    input: str
    county: str | None = None
    state: str | None = None
    city: str | None = None
    location: Location | None = None
    detail: str | None = None
    miles_to_area: float | None = None


@dataclass(frozen=True)
class Nearby:
    """A site and its straight-line distance in miles from the user's location."""

    site: Site
    miles: float
