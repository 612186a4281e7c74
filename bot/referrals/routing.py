"""Which site calls a person back, decided by the rules in ``content/routing.yml``.

``route`` is a pure function of its arguments and the rules: the caller (a form action) looks up
the nearest AJC with bot/directory and passes its id in, so routing needs no geography here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot import content
from bot.referrals.fields import KINDS, TOPICS
from bot.texts import LANGUAGES

CONDITION_KEYS = ("kind", "topic", "language", "sector", "nearest_site")
PLACEHOLDERS = ("{nearest_site}", "{sector}")
WHY_MAX = 200


class RoutingError(ValueError):
    """``content/routing.yml`` is wrong; the message names the rule so staff can fix it."""


@dataclass(frozen=True)
class Route:
    """Where a referral goes and the rule's reason, stored with the referral for staff."""

    site_id: str
    rule_id: str
    why: str

    @property
    def reason(self) -> str:
        return f"{self.rule_id}: {self.why}"


@dataclass(frozen=True)
class Rule:
    id: str
    when: Mapping[str, object]
    route_to: str
    why: str


@dataclass(frozen=True)
class RoutingTable:
    sites: frozenset[str]
    queues: frozenset[str]
    sector_sites: Mapping[str, str]
    rules: tuple[Rule, ...]


def _check_condition(rule_id: str, key: str, value: object, sectors: Mapping[str, str]) -> None:
    allowed = {"kind": KINDS, "topic": TOPICS, "language": LANGUAGES, "sector": tuple(sectors)}
    if key not in CONDITION_KEYS:
        raise RoutingError(f"rule {rule_id}: unknown condition {key!r}")
    if isinstance(value, bool):
        return
    values = value if isinstance(value, list) else [value]
    for item in values:
        if key in allowed and item not in allowed[key]:
            raise RoutingError(f"rule {rule_id}: {key} {item!r} is not one of {allowed[key]}")


def parse_routing(data: Mapping) -> RoutingTable:
    """Check and build a routing table, so a typo fails the tests instead of losing a referral."""
    sites = frozenset(data.get("sites") or ())
    queues = frozenset(data.get("queues") or ())
    sector_sites = dict(data.get("sector_sites") or {})
    for sector, site in sector_sites.items():
        if site not in sites:
            raise RoutingError(f"sector {sector}: site {site!r} is not listed under sites")
    rules = []
    for raw in data.get("rules") or ():
        rule = Rule(
            id=str(raw.get("id") or ""),
            when=dict(raw.get("when") or {}),
            route_to=str(raw.get("route_to") or ""),
            why=" ".join(str(raw.get("why") or "").split()),
        )
        if not rule.id or not rule.why or len(rule.why) > WHY_MAX:
            raise RoutingError(f"rule {rule.id or '?'}: needs an id and a why of 1-{WHY_MAX} chars")
        if rule.route_to not in sites | queues and rule.route_to not in PLACEHOLDERS:
            raise RoutingError(f"rule {rule.id}: route_to {rule.route_to!r} is not a site or queue")
        for key, value in rule.when.items():
            _check_condition(rule.id, key, value, sector_sites)
        rules.append(rule)
    if not rules or rules[-1].when or rules[-1].route_to in PLACEHOLDERS:
        raise RoutingError("the last rule must match everything (when: {}) and name a site")
    return RoutingTable(sites=sites, queues=queues, sector_sites=sector_sites, rules=tuple(rules))


def load_routing() -> RoutingTable:
    """The routing table of ``content/routing.yml`` (read once by bot.content; checking the
    dozen rules again is cheap and follows ``content.clear_caches()``)."""
    return parse_routing(content.read(content.ROUTING))


def _matches(expected: object, actual: str | None) -> bool:
    if expected is True:
        return actual is not None
    if expected is False:
        return actual is None
    if isinstance(expected, list):
        return actual in expected
    return actual == expected


def route(
    topic: str,
    *,
    nearest_site_id: str | None = None,
    language: str = "en",
    kind: str = "career_seeker",
    sector: str | None = None,
    table: RoutingTable | None = None,
) -> Route:
    """The first rule whose conditions all hold decides; the last rule always matches."""
    table = table or load_routing()
    facts = {
        "kind": kind,
        "topic": topic,
        "language": language,
        "sector": sector,
        "nearest_site": nearest_site_id or None,
    }
    for rule in table.rules:
        if not all(_matches(value, facts[key]) for key, value in rule.when.items()):
            continue
        if rule.route_to == "{nearest_site}":
            site = facts["nearest_site"]
        elif rule.route_to == "{sector}":
            site = table.sector_sites.get(sector or "")
        else:
            site = rule.route_to
        if site:
            return Route(site_id=site, rule_id=rule.id, why=rule.why)
    raise RoutingError("no routing rule matched (a table not built by parse_routing)")
