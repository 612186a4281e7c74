"""The assistant's intents, read from domain.yml: the one list every other part checks against."""

from __future__ import annotations

from bot import content


@content.cached
def domain_intents() -> frozenset[str]:
    """Every intent the domain declares (buttons and answers may only use these)."""
    return frozenset(content.read(content.DOMAIN)["intents"])
