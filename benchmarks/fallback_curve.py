"""Where the fallback should start: share right / sent to the fallback / wrong on held-out data.

Parses tests/nlu/<lang>.yml (never trained on) with a trained model and reads the classifier's
own top intent and confidence: the first intent_ranking entry that is not ``nlu_fallback``
(Rasa's FallbackClassifier puts its entry first and keeps the classifier's ranking below it).
Whether the FallbackClassifier fires is decided on those; when it does not, the answer is the
intent the whole pipeline returned (components after it may change it). For each
FallbackClassifier ``threshold`` and ``ambiguity_threshold`` (the margin between the top two)
it counts, per language, what a person would get:

- right: the top intent is the gold intent and the message is not sent to the fallback;
- fallback: the top confidence is below the threshold, or the top two are closer than the margin;
- wrong: answered confidently with another intent.

A ranking with one entry is a decision of one of our components (bot.nlu: a named program or
group, gibberish, another language), taken after the FallbackClassifier whatever its threshold,
so it counts the same at every threshold. For the messages sent to the fallback it also says
whether the gold intent is among the topics the "did you mean" reply offers
(bot.replies.fallback.likely_topics), and counts "one click": right at once, or sent to the
fallback with the right topic among its buttons. When ../shared/eval/real_questions_dev.yml is
on this machine, the same curve is shown for real people's questions as a check.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/fallback_curve.py --model models/xyz.tar.gz \
        [--parses /tmp/parses.json]   # keeps the parses, to re-read them without the model

The recommendation minimises, over the grid and the worse of the two languages,
``WRONG_COST * wrong + fallback``: a confident wrong answer ("Goodbye!" to "I lost my job")
costs a person more than being asked "did you mean ...?".
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_ROOT
from bot.replies.fallback import (
    FALLBACK_INTENT,
    MIN_TOPIC_CONFIDENCE,
    is_topic,
    likely_topics,
    topic_of,
)
from bot.texts import LANGUAGES

HELD_OUT = {language: PROJECT_ROOT / "tests" / "nlu" / f"{language}.yml" for language in LANGUAGES}
THRESHOLDS = [round(0.2 + 0.05 * step, 2) for step in range(15)]  # 0.20 .. 0.90
MARGINS = [round(0.02 * step, 2) for step in range(11)]  # 0.00 .. 0.20
WRONG_COST = 3.0


def configured() -> tuple[float, float]:
    """config.yml's FallbackClassifier threshold and ambiguity_threshold."""
    pipeline = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    step = next(step for step in pipeline if step["name"] == "FallbackClassifier")
    return float(step["threshold"]), float(step["ambiguity_threshold"])


CURRENT = configured()


@dataclass(frozen=True)
class Parsed:
    gold: frozenset[str]  # the intents that answer it (held-out: its one intent)
    top: str  # the answer when the FallbackClassifier does not fire
    confidence: float  # the classifier's own top confidence
    second: float
    fixed: bool  # one component's decision: the threshold does not apply
    ranking: tuple[tuple[str, float], ...]


def classifier_view(answers: str | list[str], parse: dict[str, Any]) -> Parsed:
    gold = frozenset([answers] if isinstance(answers, str) else answers)
    ranking = [
        (entry["name"], float(entry.get("confidence") or 0.0))
        for entry in parse.get("intent_ranking") or []
    ]
    own = [entry for entry in ranking if entry[0] != FALLBACK_INTENT]
    fixed = len(ranking) <= 1
    if fixed or not own:
        name = (parse.get("intent") or {}).get("name") or FALLBACK_INTENT
        return Parsed(gold, name, 1.0, 0.0, True, tuple(own))
    second = own[1][1] if len(own) > 1 else 0.0
    # When the FallbackClassifier did not fire, components after it may have changed the intent
    # (a request wrapped in small talk, or "not sure"): that is the answer at any threshold at
    # or above the model's. When it fired, the classifier's top is the best estimate.
    final = (parse.get("intent") or {}).get("name") or FALLBACK_INTENT
    answer = own[0][0] if ranking[0][0] == FALLBACK_INTENT else final
    return Parsed(gold, answer, own[0][1], second, False, tuple(own))


def falls_back(item: Parsed, threshold: float, margin: float) -> bool:
    if item.fixed or item.top == FALLBACK_INTENT:
        return item.top == FALLBACK_INTENT
    return item.confidence < threshold or item.confidence - item.second < margin


def outcome(item: Parsed, threshold: float, margin: float) -> str:
    if falls_back(item, threshold, margin):
        return "right" if FALLBACK_INTENT in item.gold else "fallback"
    return "right" if item.top in item.gold else "wrong"


def shares(items: list[Parsed], threshold: float, margin: float) -> dict[str, float]:
    counts = {"right": 0, "fallback": 0, "wrong": 0}
    for item in items:
        counts[outcome(item, threshold, margin)] += 1
    return {key: value / max(len(items), 1) for key, value in counts.items()}


def offered(item: Parsed, min_confidence: float = MIN_TOPIC_CONFIDENCE) -> list[str]:
    ranking = [{"name": FALLBACK_INTENT, "confidence": 1.0}] + [
        {"name": name, "confidence": confidence} for name, confidence in item.ranking
    ]
    return likely_topics({"intent_ranking": ranking}, min_confidence)


def gold_offered(item: Parsed, min_confidence: float = MIN_TOPIC_CONFIDENCE) -> bool:
    return bool({topic_of(intent) for intent in item.gold} & set(offered(item, min_confidence)))


def one_click(items: list[Parsed], threshold: float, margin: float) -> float:
    """Right at once, or sent to the fallback with the right topic among its buttons."""
    reached = sum(
        outcome(item, threshold, margin) == "right"
        or (falls_back(item, threshold, margin) and gold_offered(item))
        for item in items
    )
    return reached / max(len(items), 1)


def cost(row: dict[str, float], wrong_cost: float) -> float:
    return wrong_cost * row["wrong"] + row["fallback"]


def best_setting(parsed: dict[str, list[Parsed]], wrong_cost: float) -> tuple[float, float]:
    """The grid point with the lowest cost in the worse language; of equal ones, the highest
    threshold and then the smallest margin (a margin that changes nothing is not needed)."""
    return min(
        ((t, m) for t in THRESHOLDS for m in MARGINS),
        key=lambda tm: (
            round(max(cost(shares(items, *tm), wrong_cost) for items in parsed.values()), 9),
            -tm[0],
            tm[1],
        ),
    )


def parse_all(model: Path) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    from bot.evaluation import load_examples, parse_with_model

    result: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for language, path in HELD_OUT.items():
        examples = load_examples(path)
        parses = parse_with_model(model, [example.text for example in examples])
        result[language] = [
            (example.intent, parse) for example, parse in zip(examples, parses, strict=True)
        ]
    return result


def parse_real(model: Path) -> dict[str, list[tuple[list[str], dict[str, Any]]]] | None:
    """The real-question dev set (benchmarks/real_questions.py), if it is on this machine."""
    from benchmarks import real_questions
    from bot.evaluation import parse_with_model

    questions = real_questions.load_questions()
    if questions is None:
        return None
    topics = real_questions.load_topics()
    parses = parse_with_model(model, [question["text"] for question in questions])
    result: dict[str, list[tuple[list[str], dict[str, Any]]]] = {}
    for question, parse in zip(questions, parses, strict=True):
        answers = sorted(topics[question["topic"]])
        result.setdefault(question["lang"], []).append((answers, parse))
    return {language: result[language] for language in LANGUAGES if language in result}


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def row_cells(parsed: dict[str, list[Parsed]], threshold: float, margin: float) -> str:
    cells = []
    for items in parsed.values():
        row = shares(items, threshold, margin)
        cells += [pct(row["right"]), pct(row["fallback"]), pct(row["wrong"])]
        cells.append(pct(one_click(items, threshold, margin)))
    return " | ".join(cells)


def columns(parsed: dict[str, list[Parsed]]) -> tuple[str, str, str]:
    """The per-language column titles, the table rule, and the sizes of the sets."""
    languages = list(parsed)
    head = " | ".join(
        f"{lang} right | {lang} fallback | {lang} wrong | {lang} one click" for lang in languages
    )
    rule = "|---" * (1 + 4 * len(languages)) + "|"
    sizes = ", ".join(f"{len(items)} {lang}" for lang, items in parsed.items())
    return head, rule, sizes


def report(
    parsed: dict[str, list[Parsed]], current: tuple[float, float], wrong_cost: float
) -> list[str]:
    languages = list(parsed)
    best = best_setting(parsed, wrong_cost)
    head, rule, sizes = columns(parsed)
    lines = [
        "## Fallback thresholds (held-out)",
        "",
        f"Generated by `benchmarks/fallback_curve.py` on tests/nlu/{{en,es}}.yml ({sizes}): the "
        "classifier's own top intent and confidence at each FallbackClassifier setting. "
        "*right*: answered with the gold intent; *fallback*: sent to the fallback; *wrong*: "
        "answered with another intent; *one click*: right, or sent to the fallback with the "
        "gold topic among the did-you-mean buttons.",
        "",
        "Threshold alone (ambiguity margin 0):",
        "",
        f"| threshold | {head} |",
        rule,
    ]
    lines += [f"| {t:.2f} | {row_cells(parsed, t, 0.0)} |" for t in THRESHOLDS]
    for threshold in sorted({current[0], best[0]}):
        lines += [
            "",
            f"Ambiguity margin (top minus second confidence) at threshold {threshold:.2f}:",
            "",
            f"| margin | {head} |",
            rule,
        ]
        lines += [f"| {m:.2f} | {row_cells(parsed, threshold, m)} |" for m in MARGINS]
    lines += [
        "",
        "Best setting by what a wrong answer costs, counted in fallbacks (lowest "
        "cost x wrong + fallback in the worse language):",
        "",
        "| wrong costs | threshold | margin | " + head + " |",
        "|---" * (3 + 4 * len(languages)) + "|",
    ]
    for factor in (1.0, 2.0, 3.0, 4.0):
        t, m = best_setting(parsed, factor)
        lines.append(f"| {factor:g} | {t:.2f} | {m:.2f} | {row_cells(parsed, t, m)} |")
    lines.append(
        f"| current | {current[0]:.2f} | {current[1]:.2f} | {row_cells(parsed, *current)} |"
    )
    lines += [
        "",
        f"Did-you-mean buttons at threshold {best[0]:.2f}, margin {best[1]:.2f}, by the lowest "
        "confidence a ranking entry needs to be offered (messages that fall back and whose "
        "gold intent has a button):",
        "",
        "| language | entry at least | fell back | gold topic offered | 0 / 1 / 2 / 3 buttons |",
        "|---|---|---|---|---|",
    ]
    for lang, items in parsed.items():
        fell = [i for i in items if falls_back(i, *best) and any(map(is_topic, i.gold))]
        for floor in (0.0, 0.02, 0.05, 0.1):
            hit = sum(gold_offered(i, floor) for i in fell)
            counts = [sum(len(offered(i, floor)) == n for i in fell) for n in range(4)]
            lines.append(
                f"| {lang} | {floor:.2f} | {len(fell)} | {hit} ({pct(hit / max(len(fell), 1))}) "
                f"| {' / '.join(map(str, counts))} |"
            )
    lines += [
        "",
        f"Recommended (a wrong answer costs {wrong_cost:g} fallbacks): threshold {best[0]:.2f}, "
        f"ambiguity_threshold {best[1]:.2f}.",
    ]
    return lines


def real_report(
    parsed: dict[str, list[Parsed]], current: tuple[float, float], best: tuple[float, float]
) -> list[str]:
    """The same curve on real people's questions (dev set, never trained on): a check that the
    setting chosen on held-out data also holds on messages written by others."""
    head, rule, sizes = columns(parsed)
    lines = [
        "## Fallback thresholds (real questions, dev set)",
        "",
        f"The same measure on ../shared/eval/real_questions_dev.yml ({sizes}; right: one of the "
        "topic's intents, and for out-of-scope questions the fallback is right too), at "
        "ambiguity margin 0:",
        "",
        f"| threshold | {head} |",
        rule,
    ]
    lines += [f"| {t:.2f} | {row_cells(parsed, t, 0.0)} |" for t in THRESHOLDS]
    lines += ["", f"| setting | {head} |", rule]
    for label, (t, m) in (("current", current), ("recommended", best)):
        lines.append(f"| {label} ({t:.2f}, {m:.2f}) | {row_cells(parsed, t, m)} |")
    return lines


def views(raw: dict[str, list]) -> dict[str, list[Parsed]]:
    return {
        language: [classifier_view(gold, parse) for gold, parse in items]
        for language, items in raw.items()
    }


def report_for_model(
    model: Path, current: tuple[float, float] = CURRENT, wrong_cost: float = WRONG_COST
) -> list[str]:
    """The sections `make eval` writes into docs/nlu-evaluation.md."""
    held_out, real = views(parse_all(model)), parse_real(model)
    lines = report(held_out, current, wrong_cost)
    if real:
        lines += ["", *real_report(views(real), current, best_setting(held_out, wrong_cost))]
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="trained model (.tar.gz)")
    parser.add_argument("--parses", type=Path, help="JSON cache of the parses: read or written")
    parser.add_argument("--current", type=float, nargs=2, default=CURRENT)
    parser.add_argument("--wrong-cost", type=float, default=WRONG_COST)
    args = parser.parse_args()
    if args.parses and args.parses.exists():
        raw = json.loads(args.parses.read_text(encoding="utf-8"))
    else:
        if not args.model:
            parser.error("--model is needed unless --parses names an existing file")
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)
        raw = {"held_out": parse_all(args.model), "real": parse_real(args.model)}
        if args.parses:
            args.parses.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    current = (args.current[0], args.current[1])
    held_out = views(raw["held_out"])
    lines = report(held_out, current, args.wrong_cost)
    if raw.get("real"):
        best = best_setting(held_out, args.wrong_cost)
        lines += ["", *real_report(views(raw["real"]), current, best)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
