"""Which site calls back, by the rules in content/routing.yml, and mistakes in that file caught."""

from __future__ import annotations

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.referrals import RoutingError, load_routing, route
from bot.referrals.routing import parse_routing


@pytest.mark.parametrize(
    ("topic", "language", "kind", "sector", "nearest", "site"),
    [
        ("immigration_help", "es", "career_seeker", None, "truman", "pilsen"),
        ("immigration_help", "en", "career_seeker", None, "truman", "truman"),
        ("employer_services", "en", "employer", None, "daley", "business_relations"),
        ("employer_services", "es", "career_seeker", None, None, "business_relations"),
        ("other", "es", "employer", "healthcare", None, "sector_healthcare"),
        ("training", "en", "career_seeker", "tdl", "daley", "sector_tdl"),
        ("job_search", "en", "career_seeker", "tdl", "daley", "daley"),
        ("job_search", "es", "career_seeker", None, None, "pilsen"),
        ("job_search", "en", "career_seeker", None, None, "triage"),
    ],
)
def test_routing_rules(topic, language, kind, sector, nearest, site) -> None:
    decided = route(topic, nearest_site_id=nearest, language=language, kind=kind, sector=sector)
    assert decided.site_id == site
    assert decided.why


def test_routing_names_only_sites_the_directory_knows() -> None:
    sites_file = PROJECT_ROOT / "content" / "sites.yml"
    if not sites_file.exists():
        pytest.skip("content/sites.yml (bot/directory) is not in this checkout")
    directory = yaml.safe_load(sites_file.read_text(encoding="utf-8"))["sites"]
    known = {site["id"] for site in directory}
    sectors = {site["sector"]: site["id"] for site in directory if site.get("sector")}
    table = load_routing()
    assert table.sites <= known
    assert dict(table.sector_sites) == sectors


@pytest.mark.parametrize(
    ("rules", "complaint"),
    [
        ([{"id": "a", "when": {}, "route_to": "pilsne", "why": "typo"}], "pilsne"),
        ([{"id": "a", "when": {"topic": "jobs"}, "route_to": "pilsen", "why": "x"}], "jobs"),
        ([{"id": "a", "when": {"language": "es"}, "route_to": "pilsen", "why": "x"}], "last"),
        ([{"id": "a", "when": {}, "route_to": "pilsen", "why": ""}], "why"),
    ],
)
def test_mistakes_in_the_routing_file_are_caught(rules: list, complaint: str) -> None:
    with pytest.raises(RoutingError, match=complaint):
        parse_routing({"sites": ["pilsen"], "rules": rules})
