"""The assistant's intents, read from domain.yml: the one list every other part checks against."""

from __future__ import annotations

from functools import cache

import yaml

from bot import PROJECT_ROOT


@cache
def domain_intents() -> frozenset[str]:
    """Every intent the domain declares (buttons and answers may only use these)."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return frozenset(domain["intents"])
