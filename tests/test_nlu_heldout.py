"""The trained model on held-out sentences it never saw, per language."""

from __future__ import annotations

import pytest

from bot import PROJECT_ROOT
from bot.evaluation import Scores, load_examples, parse_with_model, score
from devtools.servers import model_path

MINIMUM_MACRO_F1 = 0.92
pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def heldout_scores() -> dict[str, Scores]:
    results = {}
    for language in ("en", "es", "other"):
        examples = load_examples(PROJECT_ROOT / "tests" / "nlu" / f"{language}.yml")
        parses = parse_with_model(model_path(), [example.text for example in examples])
        results[language] = score(examples, parses)
    return results


def test_other_languages_get_the_bilingual_reply_intent(heldout_scores: dict[str, Scores]) -> None:
    assert heldout_scores["other"].intent_accuracy >= 0.9


@pytest.mark.parametrize("language", ["en", "es"])
def test_intents_are_recognised_on_heldout_sentences(
    heldout_scores: dict[str, Scores], language: str
) -> None:
    scores = heldout_scores[language]
    assert scores.examples >= 300
    assert scores.intent_macro_f1 >= MINIMUM_MACRO_F1, (
        f"{language}: macro-F1 {scores.intent_macro_f1:.3f}; confusions {scores.confusions}"
    )


def test_location_entities_are_found_on_heldout_sentences(
    heldout_scores: dict[str, Scores],
) -> None:
    for language in ("en", "es"):
        scores = heldout_scores[language]
        assert scores.entity_f1 >= 0.85, f"{language}: entity F1 {scores.entity_f1:.3f}"
