"""Real people's questions (../shared/eval/real_questions_dev.yml) through a trained model.

Each question has a hand label (topic); benchmarks/real_question_topics.yml says which intents
answer it. Per language and topic: the share answered on topic, the share sent to the fallback
(nlu_fallback) and the share answered confidently on another topic. The set is for measuring
only: its texts are never copied into data/nlu or tests/nlu, and the table below shows figures
and intent names, not the questions.

    .venv/bin/python -m benchmarks.real_questions --model models/xyz.tar.gz [--out table.md]
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from bot.texts import LANGUAGES

REAL_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "real_questions_dev.yml"
# Next to this file, so a git worktree reads its own mapping whichever checkout `bot` comes from.
TOPICS = Path(__file__).resolve().parent / "real_question_topics.yml"
FALLBACK = "nlu_fallback"


@dataclass
class Tally:
    on_topic: int = 0
    fallback: int = 0
    wrong: int = 0
    wrong_intents: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.on_topic + self.fallback + self.wrong

    def add(self, predicted: str, answers: set[str]) -> None:
        if predicted in answers:
            self.on_topic += 1
        elif predicted == FALLBACK:
            self.fallback += 1
        else:
            self.wrong += 1
            self.wrong_intents[predicted] += 1


def load_topics(path: Path | None = None) -> dict[str, set[str]]:
    raw = yaml.safe_load((path or TOPICS).read_text(encoding="utf-8"))
    return {topic: set(intents) for topic, intents in raw.items()}


def load_questions(path: Path | None = None) -> list[dict] | None:
    """The questions, or None (with a message) when the shared set is not on this machine."""
    path = path or REAL_QUESTIONS
    if not path.exists():
        print(f"real questions: {path} not found, table skipped", flush=True)
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def measure(
    model: Path, questions: list[dict], topics: dict[str, set[str]]
) -> dict[str, dict[str, Tally]]:
    """Tallies by language, then by topic ('all' is the language's total)."""
    from bot.evaluation import parse_with_model  # Rasa is slow to import: only when measuring

    unknown = sorted({q["topic"] for q in questions} - set(topics))
    if unknown:
        raise SystemExit(f"topics without intents in {TOPICS.name}: {unknown}")
    parses = parse_with_model(model, [q["text"] for q in questions])
    tallies: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for question, parse in zip(questions, parses, strict=True):
        predicted = (parse.get("intent") or {}).get("name") or "none"
        answers = topics[question["topic"]]
        tallies[question["lang"]][question["topic"]].add(predicted, answers)
        tallies[question["lang"]]["all"].add(predicted, answers)
    return tallies


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def table(tallies: dict[str, dict[str, Tally]], label: str) -> list[str]:
    """Markdown: a summary per language, then every topic with its most frequent wrong intents."""
    lines = [
        f"## Real questions ({label})",
        "",
        "`../shared/eval/real_questions_dev.yml`, real people's questions never trained on "
        "(benchmarks/real_questions.py; topics mapped to intents in "
        "benchmarks/real_question_topics.yml). On topic: one of the topic's intents; "
        "fallback: nlu_fallback; wrong: a confident answer about something else.",
        "",
        "| language | questions | on topic | fallback | wrong |",
        "|---|---|---|---|---|",
    ]
    for language in sorted(tallies, key=lambda code: (code not in LANGUAGES, code)):
        t = tallies[language]["all"]
        lines.append(
            f"| {language} | {t.total} | {share(t.on_topic, t.total)} | "
            f"{share(t.fallback, t.total)} | {share(t.wrong, t.total)} |"
        )
    lines += [
        "",
        "| language | topic | n | on topic | fallback | wrong | wrong answers |",
        "|---|---|---|---|---|---|---|",
    ]
    for language in sorted(tallies, key=lambda code: (code not in LANGUAGES, code)):
        for topic, t in sorted(tallies[language].items()):
            if topic == "all":
                continue
            wrong = ", ".join(f"{intent} ({n})" for intent, n in t.wrong_intents.most_common(3))
            lines.append(
                f"| {language} | {topic} | {t.total} | {share(t.on_topic, t.total)} | "
                f"{share(t.fallback, t.total)} | {share(t.wrong, t.total)} | "
                f"{wrong or ''} |"
            )
    return lines + [""]


def report(model: Path, label: str = "shipped model") -> list[str]:
    """The markdown lines for ``model``, or a one-line note when the set is missing."""
    questions = load_questions()
    if questions is None:
        return [
            f"## Real questions ({label})",
            "",
            f"Skipped: {REAL_QUESTIONS} is not on this machine.",
            "",
        ]
    return table(measure(model, questions, load_topics()), label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="trained model (.tar.gz)")
    parser.add_argument("--label", default="shipped model", help="name of the run in the title")
    parser.add_argument("--out", type=Path, help="also write the markdown table here")
    args = parser.parse_args()
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    text = "\n".join(report(args.model, args.label)) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
