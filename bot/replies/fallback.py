"""The reply when the assistant did not understand: "did you mean ...?", then a way to a person.

First miss: the two or three topics the classifier found most likely (Rasa's FallbackClassifier
keeps the classifier's ranking below its ``nlu_fallback`` entry) as buttons, each re-sending
its intent, plus "Something else" and "Talk to a person". When the ranking holds no likely
topic (a component decided the fallback, or a payload), the main topics are offered instead.
Second miss in a row, or "Something else" pressed: no more guessing; the call-back form and
LevelUpAJC.org.

Which intents can be offered is the text catalog: an intent is a topic when it has a
``topic_<intent>`` title in content/texts/<lang>/fallback.yml. Small talk and the other intents
that make no sense as a button are listed in ``NOT_TOPICS``; a test checks every intent of the
domain is in exactly one of the two, so a new intent needs a decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.intents import SMALL_TALK
from bot.replies import Reply, payload
from bot.texts import catalog, render

FALLBACK_INTENT = "nlu_fallback"
# Sent only by the "Something else" button (a person saying none of the guesses fits). The
# staff report reads it as "possibly misunderstood"; it has no training examples on purpose.
SOMETHING_ELSE_INTENT = "something_else"
HANDOFF_INTENT = "human_handoff"
REFERRAL_INTENT = "request_referral"
# Intents never offered as a "did you mean" topic: small talk, conversation control, replies
# inside the call-back form, and the fallback's own buttons.
NOT_TOPICS = SMALL_TALK | {
    "capabilities",
    "out_of_scope",
    "change_language",
    "unsupported_language",
    "cancel",
    "correct_referral",
    HANDOFF_INTENT,
    SOMETHING_ELSE_INTENT,
}
# An intent whose button would be another's: a location without the location is "find a center".
TOPIC_ALIASES = {"inform_location": "find_ajc"}
# Offered when the ranking holds no likely topic (as the old utter_ask_rephrase did).
MAIN_TOPICS = ("find_ajc", "ask_training_funding", "new_arrival_services", "employer_contact")
MAX_TOPICS = 3
# Ranking entries below this confidence are not offered. Chosen on held-out data
# (benchmarks/fallback_curve.py, threshold 0.75): at 0.02 the right topic is among the buttons
# in 91% (en) and 88% (es) of the fallbacks whose topic has a button, against 88% and 88% at
# 0.05 and 88% and 78% at 0.10.
MIN_TOPIC_CONFIDENCE = 0.02
TITLE_PREFIX = "topic_"


def topic_of(intent: str) -> str:
    return TOPIC_ALIASES.get(intent, intent)


def is_topic(intent: str) -> bool:
    """An intent with a button title (in English; tests/test_texts.py keeps Spanish in step)."""
    return f"{TITLE_PREFIX}{topic_of(intent)}" in catalog("en")


def topic_title(intent: str, language: str | None) -> str:
    return render(f"{TITLE_PREFIX}{topic_of(intent)}", language)


def likely_topics(
    parse_data: Mapping[str, Any], min_confidence: float = MIN_TOPIC_CONFIDENCE
) -> list[str]:
    """The topics to offer, most likely first: ranking entries that are topics, at least
    ``min_confidence`` sure, one button per topic, at most ``MAX_TOPICS``."""
    topics: list[str] = []
    for entry in parse_data.get("intent_ranking") or []:
        name = entry.get("name") or ""
        if name == FALLBACK_INTENT or name in NOT_TOPICS or not is_topic(name):
            continue
        if float(entry.get("confidence") or 0.0) < min_confidence:
            break
        if topic_of(name) not in topics:
            topics.append(topic_of(name))
        if len(topics) == MAX_TOPICS:
            break
    return topics


def did_you_mean_replies(topics: list[str], language: str | None) -> list[Reply]:
    """First miss: the likely topics (or the main ones), "Something else", "Talk to a person"."""
    if topics:
        text, choices = render("fallback_did_you_mean", language), topics
    else:
        text, choices = render("fallback_pick_topic", language), list(MAIN_TOPICS)
    buttons = [(topic_title(topic, language), payload(topic)) for topic in choices]
    buttons.append(
        (render("fallback_btn_something_else", language), payload(SOMETHING_ELSE_INTENT))
    )
    buttons.append((render("fallback_btn_person", language), payload(HANDOFF_INTENT)))
    return [Reply(text, tuple(buttons))]


def second_miss_replies(language: str | None) -> list[Reply]:
    """Second miss in a row, or "Something else": a person at a center, not another guess."""
    buttons = (
        (render("contact_btn_call_me", language), payload(REFERRAL_INTENT)),
        (topic_title("find_ajc", language), payload("find_ajc")),
    )
    return [Reply(render("fallback_second_miss", language), buttons)]


def fallback_replies(
    parse_data: Mapping[str, Any], missed_before: bool, language: str | None
) -> list[Reply]:
    """The reply to the latest message (its Rasa parse data) when it was not understood.

    ``missed_before``: the previous message also fell back (or was "Something else").
    """
    intent = (parse_data.get("intent") or {}).get("name")
    if missed_before or intent == SOMETHING_ELSE_INTENT:
        return second_miss_replies(language)
    return did_you_mean_replies(likely_topics(parse_data), language)
