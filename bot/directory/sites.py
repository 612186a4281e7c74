"""Read ``content/sites.yml`` into ``Site`` objects, refusing entries that break the fact rules.

The checks run at start-up so a staff edit that drops a source or invents a value without one
fails loudly in tests and logs instead of reaching a user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot import content
from bot.content import FactStatus
from bot.directory.geo import lookup_zip, map_search_url
from bot.directory.model import SITE_KINDS, Fact, Service, Site
from bot.textnorm import fold_words

STRUCTURAL_KEYS = {"id", "kind", "sector", "facts_ref", "names", "services", "verify"}
REQUIRED_FACTS = (
    "listing",
    "name",
    "area",
    "operator",
    "address",
    "city",
    "zip",
    "phone",
    "email",
    "website",
    "hours",
    "spanish_staff",
    "appointments",
)
AREAS = ("chicago", "suburban")
# Of content.FACT_STATUSES, those a site's fact may have.
SITE_STATUSES: tuple[FactStatus, ...] = (
    "confirmed",
    "dated",
    "unconfirmed",
    "unknown",
    "translation",
)


class SiteDataError(ValueError):
    """A site entry in content/sites.yml that does not follow the rules in its header."""


def parse_fact(raw: Any, where: str) -> Fact:
    """One fact block; a known value needs a source, an unknown one needs a note."""
    if not isinstance(raw, dict) or "value" not in raw:
        raise SiteDataError(f"{where}: expected a block with 'value', got {raw!r}")
    status = raw.get("status")
    if status not in SITE_STATUSES:
        raise SiteDataError(f"{where}: status must be one of {SITE_STATUSES}, got {status!r}")
    if not raw.get("checked"):
        raise SiteDataError(f"{where}: 'checked' date is required")
    value = raw["value"]
    if value is not None and not raw.get("source"):
        raise SiteDataError(f"{where}: a value needs a 'source'")
    if value is None and (status != "unknown" or not raw.get("note")):
        raise SiteDataError(f"{where}: a null value needs status 'unknown' and a 'note'")
    return Fact(
        value=value,
        status=status,
        checked=str(raw["checked"]),
        source=raw.get("source"),
        as_of=str(raw["as_of"]) if raw.get("as_of") is not None else None,
        note=raw.get("note"),
        check_at=raw.get("check_at"),
    )


def _check_values(site_id: str, facts: dict[str, Fact]) -> None:
    names = facts["name"].value
    if not isinstance(names, dict) or not names.get("en") or not names.get("es"):
        raise SiteDataError(f"{site_id}.name: value needs both 'en' and 'es'")
    area = facts["area"].value
    if area is not None and area not in AREAS:
        raise SiteDataError(f"{site_id}.area: must be one of {AREAS} or null")
    zip_code = facts["zip"].value
    if zip_code is not None and lookup_zip(str(zip_code)) is None:
        raise SiteDataError(f"{site_id}.zip: {zip_code!r} is not a real 5-digit ZIP")


def parse_names(raw: Any, site_id: str) -> tuple[str, ...]:
    """The phrases people use for a site, folded the way messages are ("Richard J. Daley" ->
    "richard j daley"); an empty or non-text name is an error, a missing list means none."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise SiteDataError(f"{site_id}.names: expected a list of phrases, got {raw!r}")
    names: list[str] = []
    for name in raw:
        folded = fold_words(name) if isinstance(name, str) else ""
        if not folded:
            raise SiteDataError(f"{site_id}.names: {name!r} is not a name")
        if folded not in names:
            names.append(folded)
    return tuple(names)


def parse_site(raw: dict[str, Any]) -> Site:
    """One site entry, with coordinates from its ZIP centroid and a map link from its address."""
    site_id = raw.get("id")
    if not site_id:
        raise SiteDataError(f"site without an id: {raw!r}")
    if raw.get("kind") not in SITE_KINDS:
        raise SiteDataError(f"{site_id}: kind must be one of {SITE_KINDS}")
    missing = [name for name in REQUIRED_FACTS if name not in raw]
    if missing:
        raise SiteDataError(f"{site_id}: missing fields {missing} (write null with a note)")
    facts = {
        key: parse_fact(value, f"{site_id}.{key}")
        for key, value in raw.items()
        if key not in STRUCTURAL_KEYS
    }
    _check_values(site_id, facts)
    services = tuple(
        Service(tag=item["tag"], fact=parse_fact(item, f"{site_id}.services.{item.get('tag')}"))
        for item in raw.get("services") or ()
    )
    zip_code = str(facts["zip"].value) if facts["zip"].known else None
    record = lookup_zip(zip_code) if zip_code else None
    address = facts["address"].value
    return Site(
        id=site_id,
        kind=raw["kind"],
        facts=facts,
        services=services,
        verify=tuple(raw.get("verify") or ()),
        sector=raw.get("sector"),
        facts_ref=raw.get("facts_ref"),
        names=parse_names(raw.get("names"), site_id),
        lat=record.lat if record else None,
        lon=record.lon if record else None,
        map_url=map_search_url(address, facts["city"].value, zip_code) if address else None,
    )


def load_sites(path: Path) -> list[Site]:
    """All sites in file order; duplicate ids, and a name claimed by two sites, are errors."""
    data = content.read(path)
    sites = [parse_site(raw) for raw in data.get("sites") or ()]
    ids = [site.id for site in sites]
    duplicates = sorted({site_id for site_id in ids if ids.count(site_id) > 1})
    if duplicates:
        raise SiteDataError(f"duplicate site ids: {duplicates}")
    owners: dict[str, str] = {}
    for site in sites:
        for name in site.names:
            if owners.setdefault(name, site.id) != site.id:
                raise SiteDataError(f"name {name!r} is claimed by {owners[name]} and {site.id}")
    return sites
