"""NLU quality measures shared by `make eval` and the held-out test in `make test`.

Scores are computed per language on what the whole pipeline returns (including the language
tagger and the fallback), because that is what decides the reply a person gets.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

SCORED_ENTITIES = ("zip", "place", "sector")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: frozenset[tuple[str, int, int]]


@dataclass(frozen=True)
class Scores:
    """Intent macro-F1, entity F1 and the most frequent confusions (gold, predicted, count)."""

    examples: int
    intent_macro_f1: float
    intent_accuracy: float
    per_intent_f1: dict[str, float]
    entity_f1: float
    confusions: list[tuple[str, str, int]]


def load_examples(path: str | Path) -> list[Example]:
    """Examples from a Rasa NLU YAML file, with their annotated location and sector entities."""
    data = load_data(str(path))
    return [
        Example(
            text=message.get("text"),
            intent=message.get("intent"),
            entities=frozenset(
                (e["entity"], e["start"], e["end"])
                for e in message.get("entities") or []
                if e["entity"] in SCORED_ENTITIES
            ),
        )
        for message in data.intent_examples
    ]


def predicted_entities(parse: dict[str, Any]) -> frozenset[tuple[str, int, int]]:
    return frozenset(
        (e["entity"], e["start"], e["end"])
        for e in parse.get("entities") or []
        if e["entity"] in SCORED_ENTITIES
    )


def f1(true_positive: int, false_positive: int, false_negative: int) -> float:
    denominator = 2 * true_positive + false_positive + false_negative
    return 2 * true_positive / denominator if denominator else 1.0


def score(examples: list[Example], parses: list[dict[str, Any]]) -> Scores:
    """Compare gold examples with the pipeline's parses of their text."""
    gold = [example.intent for example in examples]
    predicted = [(parse.get("intent") or {}).get("name") or "none" for parse in parses]
    per_intent = {}
    for intent in sorted(set(gold)):
        tp = sum(g == p == intent for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == intent and g != intent for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == intent and p != intent for g, p in zip(gold, predicted, strict=True))
        per_intent[intent] = f1(tp, fp, fn)
    tp = fp = fn = 0
    for example, parse in zip(examples, parses, strict=True):
        found = predicted_entities(parse)
        tp += len(example.entities & found)
        fp += len(found - example.entities)
        fn += len(example.entities - found)
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return Scores(
        examples=len(examples),
        intent_macro_f1=sum(per_intent.values()) / len(per_intent) if per_intent else 0.0,
        intent_accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold),
        per_intent_f1=per_intent,
        entity_f1=f1(tp, fp, fn),
        confusions=[(g, p, n) for (g, p), n in confusions.most_common(8)],
    )


@lru_cache(maxsize=1)
def _loaded(model: str) -> Agent:
    """The model last parsed with, kept loaded: a measurement parses several sets in a row."""
    return Agent.load(model)


def parse_with_model(model: str | Path, texts: list[str]) -> list[dict[str, Any]]:
    """Parse ``texts`` with a trained model (NLU only, no tracker), as the server would."""
    agent = _loaded(str(model))

    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse_all())
