"""Choose the small-talk rule's floor by measurement (bot/nlu/small_talk.py).

With one trained model, parse the held-out sets (tests/nlu) and the real questions
(../shared/eval, never trained on) with the rule switched off and with several floors, and print
held-out intent macro-F1 per language and the real questions' share on topic / fallback / wrong:

    .venv/bin/python -m benchmarks.nlu_rules --model models/xyz.tar.gz
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks import real_questions
from bot import PROJECT_ROOT
from bot.evaluation import Example, load_examples, parse_with_model, score
from bot.nlu import small_talk
from bot.texts import LANGUAGES

FLOORS = (0.05, 0.1, 0.2, 0.3, 0.5)


@contextmanager
def rule(floor: float | None) -> Iterator[None]:
    """The small-talk rule with ``floor``, or switched off (None)."""
    saved = small_talk.REQUEST_FLOOR, small_talk.carries_request
    if floor is None:
        small_talk.carries_request = lambda text: False
    else:
        small_talk.REQUEST_FLOOR = floor
    try:
        yield
    finally:
        small_talk.REQUEST_FLOOR, small_talk.carries_request = saved


def row(
    label: str,
    model: Path,
    held_out: dict[str, list[Example]],
    questions: list[dict],
    topics: dict[str, set[str]],
) -> str:
    cells = [label]
    for language in LANGUAGES:
        examples = held_out[language]
        parses = parse_with_model(model, [example.text for example in examples])
        cells.append(f"{score(examples, parses).intent_macro_f1:.3f}")
    for language in LANGUAGES:
        asked = [q for q in questions if q["lang"] == language]
        tally = real_questions.Tally()
        parses = parse_with_model(model, [question["text"] for question in asked])
        for question, parsed in zip(asked, parses, strict=True):
            tally.add((parsed.get("intent") or {}).get("name") or "none", topics[question["topic"]])
        total = len(asked)
        cells += [f"{100 * n / total:.0f}%" for n in (tally.on_topic, tally.fallback, tally.wrong)]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--model", type=Path, required=True)
    model = arguments.parse_args().model
    questions = real_questions.load_questions()
    if questions is None:
        return
    topics = real_questions.load_topics()
    held_out = {
        language: load_examples(PROJECT_ROOT / "tests" / "nlu" / f"{language}.yml")
        for language in LANGUAGES
    }

    print(
        "| small-talk rule | en macro-F1 | es macro-F1 | en on topic | en fallback | en wrong "
        "| es on topic | es fallback | es wrong |\n|" + "---|" * 9
    )
    for floor in (None, *FLOORS):
        with rule(floor):
            label = "off" if floor is None else f"floor {floor}"
            print(row(label, model, held_out, questions, topics), flush=True)


if __name__ == "__main__":
    main()
