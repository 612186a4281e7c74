"""The assistant's intents, read from domain.yml: the one list every other part checks against."""

from __future__ import annotations

from bot import content


@content.cached
def domain_intents() -> frozenset[str]:
    """Every intent the domain declares (buttons and answers may only use these)."""
    return frozenset(content.read(content.DOMAIN)["intents"])


# Conversation, not a request: what a greeting, thanks, yes/no or "are you a bot?" says. The
# small-talk rule, the topic router and the did-you-mean fallback all start from this list.
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge"})

# Intents only a button sends, never typed: "Something else" under a "did you mean" reply
# (bot/replies/fallback.py). They have no training examples on purpose: trained, the classifier
# would pick them for real messages. tests/test_nlu_data.py accepts exactly these without
# examples; `rasa data validate` (Rasa 3.6) prints a warning for them that does not fail it.
BUTTON_ONLY_INTENTS = frozenset({"something_else"})
