"""`make eval`: how well the assistant understands English and Spanish, measured.

1. Held-out: the trained model on tests/nlu/<lang>.yml (never trained on).
2. 5-fold cross-validation of the joint model, scored per language.
3. Pipelines compared: config.yml and each candidate in benchmarks/configs/ (config.yml with
   the edits it names, benchmarks/pipelines.py) trained once on all data: held-out scores,
   real questions (on topic / fallback / wrong), training time and CPU time per parse.
4. Real questions (with --model): ../shared/eval/real_questions_dev.yml per language and topic,
   on topic / fallback / wrong (benchmarks/real_questions.py); skipped when the set is missing.
5. Fallback thresholds (with --model): right / fallback / wrong on the held-out sets at each
   FallbackClassifier setting (benchmarks/fallback_curve.py).
Writes docs/nlu-evaluation.md and prints the same tables. With --real-questions-only, only table 4
is printed (and written to --out when given), e.g. to paste a before/after figure.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from rasa.model_training import train_nlu
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.log_utils import configure_structlog

from benchmarks import fallback_curve, pipelines, real_questions
from bot import PROJECT_ROOT
from bot.evaluation import Example, Scores, load_examples, parse_with_model, score
from bot.texts import LANGUAGES

HELD_OUT = {language: PROJECT_ROOT / "tests" / "nlu" / f"{language}.yml" for language in LANGUAGES}


def training_folders() -> dict[str, Path]:
    """Training data by language folder (en, es, and any other folder such as 'other')."""
    return {p.name: p for p in sorted((PROJECT_ROOT / "data" / "nlu").iterdir()) if p.is_dir()}


def train(config: Path, data: TrainingData, workdir: Path, name: str) -> tuple[Path, float, float]:
    """Train an NLU-only model on ``data``; returns the model path, wall and CPU seconds."""
    data_file = workdir / f"{name}.yml"
    data_file.write_text(data.nlu_as_yaml(), encoding="utf-8")
    started, started_cpu = time.perf_counter(), time.process_time()
    model = train_nlu(
        str(config),
        str(data_file),
        str(workdir),
        fixed_model_name=name,
        domain=str(PROJECT_ROOT / "domain.yml"),
    )
    return Path(model), time.perf_counter() - started, time.process_time() - started_cpu


def evaluate(model: Path, examples: dict[str, list[Example]]) -> tuple[dict[str, Scores], float]:
    """Scores per language and the mean CPU milliseconds per parse (all threads of this process,
    so the figure does not depend on what else the shared machine runs)."""
    first = next(item.text for items in examples.values() for item in items)
    parse_with_model(model, [first])  # load the model and build its graph outside the timing
    results, cpu, count = {}, 0.0, 0
    for language, items in examples.items():
        started = time.process_time()
        parses = parse_with_model(model, [item.text for item in items])
        cpu += time.process_time() - started
        count += len(items)
        results[language] = score(items, parses)
    return results, 1000 * cpu / max(count, 1)


def folds(messages: list, k: int, seed: int = 7) -> list[list]:
    """Stratified by intent: each fold gets its share of every intent."""
    by_intent: dict[str, list] = defaultdict(list)
    for message in messages:
        by_intent[message.get("intent")].append(message)
    result: list[list] = [[] for _ in range(k)]
    rng = random.Random(seed)
    for intent in sorted(by_intent):
        group = by_intent[intent][:]
        rng.shuffle(group)
        for index, message in enumerate(group):
            result[index % k].append(message)
    return result


def cross_validate(config: Path, k: int, workdir: Path) -> dict[str, Scores]:
    """k-fold cross-validation of the joint model, each language scored on its own test folds."""
    per_language = {}
    messages = {
        lang: load_data(str(folder)).intent_examples for lang, folder in training_folders().items()
    }
    split = {lang: folds(items, k) for lang, items in messages.items()}
    gold: dict[str, list[Example]] = defaultdict(list)
    parses: dict[str, list[dict]] = defaultdict(list)
    for fold in range(k):
        train_messages = [
            m for lang in split for i, part in enumerate(split[lang]) if i != fold for m in part
        ]
        model, _, _ = train(
            config, TrainingData(training_examples=train_messages), workdir, f"fold{fold}"
        )
        for language in LANGUAGES:
            test_file = workdir / f"fold{fold}-{language}.yml"
            test_file.write_text(
                TrainingData(training_examples=split[language][fold]).nlu_as_yaml(),
                encoding="utf-8",
            )
            items = load_examples(test_file)
            gold[language] += items
            parses[language] += parse_with_model(model, [item.text for item in items])
        print(f"  fold {fold + 1}/{k} done", flush=True)
    for language in LANGUAGES:
        per_language[language] = score(gold[language], parses[language])
    return per_language


def compare_pipelines(heldout: dict[str, list[Example]], workdir: Path) -> list[str]:
    """Train config.yml and every candidate once on all data; one table row each, printed as
    it is measured so a long run shows its progress."""
    # Rasa's training cache, here private to this run: nothing trained before the run is reused,
    # and a step that is the same as an earlier config's (a candidate that changes only the
    # FallbackClassifier) is not trained twice on a small shared machine; its "train s" is short.
    os.environ["RASA_CACHE_DIRECTORY"] = str(workdir / "rasa-cache")
    questions, topics = real_questions.load_questions(), real_questions.load_topics()
    all_data = load_data(str(PROJECT_ROOT / "data" / "nlu"))
    header = (
        "| config | train s | train CPU s | parse CPU ms | en macro-F1 | es macro-F1 "
        "| en entity F1 | es entity F1 | en real: on topic / fallback / wrong "
        "| es real: on topic / fallback / wrong |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    print(lines[0], flush=True)
    configs = [(pipelines.BASE.name, pipelines.BASE)] + [
        (candidate.stem, pipelines.write_candidate(candidate, workdir))
        for candidate in pipelines.CANDIDATES
    ]
    for name, config in configs:
        print(f"training {name}", flush=True)
        model, seconds, cpu_seconds = train(config, all_data, workdir, name.removesuffix(".yml"))
        results, ms = evaluate(model, heldout)
        real = {language: "-" for language in LANGUAGES}
        if questions is not None:
            tallies = real_questions.measure(model, questions, topics)
            for language in LANGUAGES:
                t = tallies[language]["all"]
                real[language] = " / ".join(
                    real_questions.share(n, t.total) for n in (t.on_topic, t.fallback, t.wrong)
                )
        lines.append(
            f"| {name} | {seconds:.0f} | "
            f"{cpu_seconds:.0f} | {ms:.1f} | "
            f"{results['en'].intent_macro_f1:.3f} | {results['es'].intent_macro_f1:.3f} | "
            f"{results['en'].entity_f1:.3f} | {results['es'].entity_f1:.3f} | "
            f"{real['en']} | {real['es']} |"
        )
        print(lines[-1], flush=True)
    return lines + [""]


def scores_table(rows: list[tuple[str, dict[str, Scores]]]) -> list[str]:
    lines = [
        "| run | language | examples | intent macro-F1 | intent accuracy | entity F1 |",
        "|---|---|---|---|---|---|",
    ]
    for label, results in rows:
        for language, s in results.items():
            lines.append(
                f"| {label} | {language} | {s.examples} | {s.intent_macro_f1:.3f} | "
                f"{s.intent_accuracy:.3f} | {s.entity_f1:.3f} |"
            )
    return lines


def confusions(label: str, results: dict[str, Scores]) -> list[str]:
    lines = [f"Top confusions ({label}):", ""]
    for language, s in results.items():
        pairs = ", ".join(f"{g} → {p} ({n})" for g, p, n in s.confusions[:6]) or "none"
        lines.append(f"- {language}: {pairs}")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="trained model for the held-out run")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--skip-configs", action="store_true")
    parser.add_argument(
        "--real-questions-only",
        action="store_true",
        help="only the real-question table for --model; writes --out if given",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    configure_structlog(logging.WARNING)
    if args.real_questions_only:
        if not args.model:
            parser.error("--real-questions-only needs --model")
        text = "\n".join(real_questions.report(args.model)) + "\n"
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        print(text)
        return
    args.out = args.out or PROJECT_ROOT / "docs" / "nlu-evaluation.md"
    heldout = {language: load_examples(path) for language, path in HELD_OUT.items()}
    report = [
        "# NLU evaluation",
        "",
        "Generated by `make eval` (benchmarks/nlu_eval.py) on 2 CPU cores. Intent scores "
        "are for the whole pipeline (language tagger and fallback included); entity F1 "
        "counts zip, place and sector spans.",
        "",
    ]
    rows = []
    if args.model:
        results, ms = evaluate(args.model, heldout)
        rows.append(("held-out, shipped model", results))
        report += [
            "## Held-out test sets",
            "",
            *scores_table([rows[-1]]),
            "",
            f"Mean parse CPU time: {ms:.1f} ms per message.",
            "",
            *confusions("held-out", results),
        ]
        gap = results["en"].intent_macro_f1 - results["es"].intent_macro_f1
        report += [f"Spanish macro-F1 minus English: {-gap:+.3f}.", ""]
        report += real_questions.report(args.model)
        report += fallback_curve.report_for_model(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if not args.skip_cv:
            print(f"cross-validation, {args.folds} folds", flush=True)
            cv = cross_validate(PROJECT_ROOT / "config.yml", args.folds, workdir)
            report += [
                f"## {args.folds}-fold cross-validation (config.yml)",
                "",
                *scores_table([("cross-validation", cv)]),
                "",
                *confusions("cross-validation", cv),
            ]
        if not args.skip_configs:
            report += ["## Pipelines compared", "", *compare_pipelines(heldout, workdir)]
    text = "\n".join(report) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
