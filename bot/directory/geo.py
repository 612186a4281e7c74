"""ZIP lookups, distances and map links, all offline.

ZIP data come from the ``zipcodes`` package (bundled in its wheel; coordinates from GeoNames,
CC BY 4.0). A ZIP's coordinates are its centroid, not a street address, so every distance here
is an approximation good to a mile or two, which is enough to rank job centers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote_plus

import zipcodes

EARTH_RADIUS_MILES = 3958.8
MAPS_SEARCH = "https://www.google.com/maps/search/?api=1&query="
_ZIP_FORMAT = re.compile(r"^(\d{5})(?:-\d{4})?$")


@dataclass(frozen=True)
class ZipRecord:
    """The fields of one ``zipcodes`` entry that the directory uses."""

    zip: str
    city: str
    county: str
    state: str
    lat: float
    lon: float
    zip_type: str
    active: bool
    acceptable_cities: tuple[str, ...]

    @classmethod
    def from_package(cls, row: dict) -> ZipRecord:
        return cls(
            zip=row["zip_code"],
            city=row["city"],
            county=row["county"],
            state=row["state"],
            lat=float(row["lat"]),
            lon=float(row["long"]),
            zip_type=row["zip_code_type"],
            active=bool(row["active"]),
            acceptable_cities=tuple(row.get("acceptable_cities") or ()),
        )


def clean_zip(text: str) -> str | None:
    """The 5-digit ZIP in '60623' or '60623-1234' (spaces around allowed); None if malformed."""
    match = _ZIP_FORMAT.match(text.strip())
    return match.group(1) if match else None


def lookup_zip(text: str) -> ZipRecord | None:
    """The package's record for a ZIP, or None when it is malformed or not a real ZIP.

    ``zipcodes.matching`` raises ValueError/TypeError on malformed input; we check the format
    first and still guard the call so no user text can crash a conversation.
    """
    code = clean_zip(text)
    if code is None:
        return None
    try:
        rows = zipcodes.matching(code)
    except (ValueError, TypeError):
        return None
    return ZipRecord.from_package(rows[0]) if rows else None


def records(state: str, county: str) -> list[ZipRecord]:
    """Every ZIP the package assigns to ``county`` in ``state`` (a ZIP has a single county)."""
    return [ZipRecord.from_package(row) for row in zipcodes.filter_by(state=state, county=county)]


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def mean_point(points: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    """The average of a few nearby centroids (fine at city scale; not for far-apart points)."""
    pts = list(points)
    if not pts:
        return None
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def map_search_url(street: str, city: str | None, zip_code: str | None) -> str:
    """A Google Maps search link for a street address.

    Only the first part of the street line is used ('1145 W. Wilson Ave' without 'Suite 1917'),
    because suite and building names make map searches fail more often than they help.
    """
    first = street.split(",")[0].strip()
    parts = [first, city or "", f"IL {zip_code}" if zip_code else "IL"]
    return MAPS_SEARCH + quote_plus(", ".join(part for part in parts if part))
