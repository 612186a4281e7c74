"""Language-ID benchmark: how often each detector picks English / Spanish / other correctly.

Run: ``.venv/bin/python benchmarks/language_id.py`` (about 2-3 minutes on 2 cores).

Detectors compared, each reduced to the project's question "English, Spanish or other?":
- langdetect (raw): seeded, all 55 profiles;
- langdetect (restricted): seeded, only the candidate languages of bot.language.models;
- lingua high / lingua low: lingua 2.1.1 restricted to the same candidates, each accuracy mode;
- cues only: script, word list, character and word-ending cues of bot.language, no statistics
  (no lingua, langdetect or wordfreq);
- project: bot.language.detect, the detector the assistant uses.

Data: tests/langid/chat_messages.tsv (ours) and ../shared/benchmarks/langid/ (lingua's single
words, word pairs and sentences in en/es/pt/fr/it/ca; NJ workforce-site strings in en/es).
For lingua's pt/fr/it/ca files the right answer is "other". "unsure" counts as wrong for en/es
items and is also reported on its own. For our "unsure" items the right answer is to leave the
conversation's language alone (the project detector: ``decide`` keeps it).
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable

from bot import PROJECT_ROOT as ROOT
from bot.language import decide, detect, models, wordlists
from bot.language.detector import detect_cues_only
from bot.texts import LANGUAGES

SHARED = ROOT.parent / "shared" / "benchmarks" / "langid"
CHAT = ROOT / "tests" / "langid" / "chat_messages.tsv"
LINGUA_KINDS = ("single-words", "word-pairs", "sentences")
LINGUA_LANGS = ("en", "es", "pt", "fr", "it", "ca")
BUCKETS = ("1", "2-3", "4-6", "7+")

Detector = Callable[[str], str]


def to_class(code: str | None) -> str:
    """A detector's language code as the project's class."""
    if not code:
        return "unsure"
    return code if code in LANGUAGES else "other"


def top(probabilities: dict[str, float]) -> str:
    return to_class(max(probabilities, key=probabilities.get)) if probabilities else "unsure"


DETECTORS: dict[str, Detector] = {
    "langdetect raw": lambda t: top(models.langdetect_probabilities(t, None)),
    "langdetect restricted": lambda t: top(models.langdetect_probabilities(t)),
    "lingua high": lambda t: top(models.lingua_probabilities(t, high_accuracy=True)),
    "lingua low": lambda t: top(models.lingua_probabilities(t, high_accuracy=False)),
    "cues only": lambda t: detect_cues_only(t).language,
    "project": lambda t: detect(t).language,
}


def bucket(text: str) -> str:
    n = len(text.split())
    return "1" if n <= 1 else "2-3" if n <= 3 else "4-6" if n <= 6 else "7+"


def load_chat() -> list[tuple[str, str]]:
    with CHAT.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["text"], row["label"]) for row in reader]


def load_lingua(kind: str, lang: str) -> list[str]:
    path = SHARED / "lingua" / kind / f"{lang}.txt"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_workforce() -> list[tuple[str, str]]:
    path = SHARED / "workforce_nj" / "nj_training_explorer_en_es.tsv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(row[lang], lang) for row in rows for lang in LANGUAGES]


def pct(hits: int, total: int) -> str:
    return f"{100 * hits / total:.1f}" if total else "-"


def leaves_alone(text: str) -> bool:
    """An ambiguous message must not switch an established conversation language."""
    return all(decide(current, text) is None for current in ("en", "es", "other"))


def chat_report(rows: list[tuple[str, str]]) -> None:
    print("\n## (a) tests/langid/chat_messages.tsv")
    counts = defaultdict(int)
    for text, label in rows:
        counts[label] += 1
        counts[(label, bucket(text))] += 1
    print(f"items: {dict((k, v) for k, v in counts.items() if isinstance(k, str))}")
    header = ["detector", "en", "es", "other", "en+es"]
    header += [f"en+es {b} w (n={counts[('en', b)] + counts[('es', b)]})" for b in BUCKETS]
    header += ["en/es unsure", "unsure items left alone"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, detector in DETECTORS.items():
        hits, undecided, by_bucket = defaultdict(int), 0, defaultdict(int)
        left_alone = 0
        for text, label in rows:
            guess = detector(text)
            if label == "unsure":
                if name == "project":
                    left_alone += leaves_alone(text)
                else:
                    left_alone += guess == "unsure"
                continue
            correct = guess == label
            hits[label] += correct
            if label in LANGUAGES:
                by_bucket[bucket(text)] += correct
                undecided += guess == "unsure"
        enes = counts["en"] + counts["es"]
        cells = [name, pct(hits["en"], counts["en"]), pct(hits["es"], counts["es"])]
        cells += [pct(hits["other"], counts["other"]), pct(hits["en"] + hits["es"], enes)]
        cells += [pct(by_bucket[b], counts[("en", b)] + counts[("es", b)]) for b in BUCKETS]
        cells += [pct(undecided, enes), pct(left_alone, counts["unsure"])]
        print("| " + " | ".join(cells) + " |")


def first_message_report(rows: list[tuple[str, str]]) -> None:
    """What a new conversation's first message sets (decide with no language yet), for the
    English and Spanish messages of at most three words, and which unsure items start one."""
    print("\n## (a2) first messages: decide(None, text) on chat items of 1-3 words")
    short = [(text, label) for text, label in rows if len(text.split()) <= 3]
    for label in LANGUAGES:
        items = [text for text, item_label in short if item_label == label]
        right = [text for text in items if decide(None, text) == label]
        missed = [text for text in items if text not in right]
        print(f"- {label}: {len(right)}/{len(items)} ({pct(len(right), len(items))} %)", end="")
        print(f"; missed: {', '.join(repr(t) for t in missed) or 'none'}")
    starts = [(text, decide(None, text)) for text, label in short if label == "unsure"]
    started = [f"{text!r} -> {language}" for text, language in starts if language]
    print(f"- unsure items that start a language: {len(started)}/{len(starts)}:", end=" ")
    print(", ".join(started))


def lingua_report() -> None:
    print("\n## (b1) lingua test data (right answer: en, es, or other for pt/fr/it/ca)")
    print("Cells: % correct; for pt/fr/it/ca also '% taken for Spanish'; en/es '% unsure'.")
    header = ["detector"] + [f"{k} {lang}" for k in LINGUA_KINDS for lang in LINGUA_LANGS]
    data = {(k, lang): load_lingua(k, lang) for k in LINGUA_KINDS for lang in LINGUA_LANGS}
    for kind in LINGUA_KINDS:
        print(f"\n### {kind}")
        print("| detector | " + " | ".join(LINGUA_LANGS) + " |")
        print("|" + "---|" * (len(LINGUA_LANGS) + 1))
        for name, detector in DETECTORS.items():
            cells = [name]
            for lang in LINGUA_LANGS:
                guesses = [detector(item) for item in data[(kind, lang)]]
                want = lang if lang in LANGUAGES else "other"
                cell = pct(sum(g == want for g in guesses), len(guesses))
                if want == "other":
                    cell += f" (es {pct(sum(g == 'es' for g in guesses), len(guesses))})"
                else:
                    unsure = sum(g == "unsure" for g in guesses)
                    cell += f" (u {pct(unsure, len(guesses))})" if unsure else ""
                cells.append(cell)
            print("| " + " | ".join(cells) + " |")
    del header


def spanish_miss_report() -> None:
    """Sort the project's misses on lingua's Spanish files by what is in the item."""
    from bot.language.lexicon import load
    from bot.textnorm import strip_accents

    lexicon = load()
    print("\n## (b1') what the project's misses on lingua's Spanish files contain")
    print("| file | misses | has an English word | has a listed name | has a non-word | rest |")
    print("|---|---|---|---|---|---|")
    for kind in ("single-words", "word-pairs"):
        tally = defaultdict(int)
        for item in load_lingua(kind, "es"):
            if detect(item).language == "es":
                continue
            tally["misses"] += 1
            words = [strip_accents(w.casefold()) for w in item.split()]
            frequencies = [wordlists.word_frequencies(w) for w in words]
            if any(f and f[0] > f[1] + 0.5 for f in frequencies):
                tally["english"] += 1
            elif any(lexicon.is_neutral(w, w) for w in words):
                tally["name"] += 1
            elif any(
                f is None and lexicon.lookup(w, w) is None
                for w, f in zip(words, frequencies, strict=True)
            ):
                tally["non-word"] += 1
            else:
                tally["rest"] += 1
        print(
            f"| {kind} es | {tally['misses']} | {tally['english']} | {tally['name']} "
            f"| {tally['non-word']} | {tally['rest']} |"
        )
    print("(English word: wordfreq finds it 3x more often in English; non-word: in no Spanish")
    print("word list, as when the file's accented letters were deleted: 'visin', 'ncleo'.)")


def workforce_report(rows: list[tuple[str, str]]) -> None:
    print("\n## (b2) NJ workforce site strings (en/es)")
    counts = defaultdict(int)
    for text, label in rows:
        counts[label] += 1
        counts[bucket(text)] += 1
    header = ["detector", "en", "es"] + [f"{b} w (n={counts[b]})" for b in BUCKETS]
    print("| " + " | ".join(header + ["unsure"]) + " |")
    print("|" + "---|" * (len(header) + 1))
    for name, detector in DETECTORS.items():
        hits, by_bucket, undecided = defaultdict(int), defaultdict(int), 0
        for text, label in rows:
            guess = detector(text)
            hits[label] += guess == label
            by_bucket[bucket(text)] += guess == label
            undecided += guess == "unsure"
        cells = [name, pct(hits["en"], counts["en"]), pct(hits["es"], counts["es"])]
        cells += [pct(by_bucket[b], counts[b]) for b in BUCKETS]
        print("| " + " | ".join(cells + [pct(undecided, len(rows))]) + " |")


def timing_report(rows: list[tuple[str, str]]) -> None:
    print("\n## Time per call (chat messages, after warm-up; microseconds)")
    texts = [text for text, _ in rows]
    long_texts = load_lingua("sentences", "es")[:200]
    print("| detector | median (chat) | mean (chat) | p95 (chat) | mean (lingua sentences) |")
    print("|---|---|---|---|---|")
    for name, detector in DETECTORS.items():
        for text in texts[:20]:
            detector(text)
        samples = []
        for text in texts:
            start = time.perf_counter()
            detector(text)
            samples.append((time.perf_counter() - start) * 1e6)
        start = time.perf_counter()
        for text in long_texts:
            detector(text)
        long_mean = (time.perf_counter() - start) * 1e6 / len(long_texts)
        samples.sort()
        p95 = samples[int(0.95 * (len(samples) - 1))]
        print(
            f"| {name} | {statistics.median(samples):.0f} | {statistics.mean(samples):.0f} "
            f"| {p95:.0f} | {long_mean:.0f} |"
        )


PROBES = {
    "langdetect raw": "models.langdetect_probabilities('hola amigos', None)",
    "langdetect restricted": "models.langdetect_probabilities('hola amigos')",
    "lingua high": "models.lingua_probabilities('hola amigos', high_accuracy=True)",
    "lingua low": "models.lingua_probabilities('hola amigos', high_accuracy=False)",
    "wordfreq table": "wordlists.word_frequencies('hola')",
    "project": "detect('hola amigos'); detect('hola que tal como estas amigos, busco trabajo')",
}


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096 / 2**20


def memory_probe(name: str) -> None:
    """Run in a fresh process: resident memory added by the first call, and the time it took."""
    before = rss_mib()
    start = time.perf_counter()
    exec(PROBES[name])  # noqa: S102 - fixed statements from PROBES above
    print(f"{rss_mib() - before:.0f} {time.perf_counter() - start:.2f}")


def memory_report() -> None:
    print("\n## Load: memory added and time of the first call (fresh process each)")
    print("| detector | memory added (MiB) | first call (s) |")
    print("|---|---|---|")
    for name in PROBES:
        out = subprocess.run(
            [sys.executable, __file__, "--probe", name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(f"| {name} | {out[0]} | {out[1]} |")


def main() -> None:
    chat = load_chat()
    print("# Language-ID benchmark (answer: en / es / other)")
    print(f"candidates for restricted detectors: {', '.join(models.CANDIDATES)}")
    chat_report(chat)
    first_message_report(chat)
    lingua_report()
    spanish_miss_report()
    workforce_report(load_workforce())
    timing_report(chat)
    memory_report()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        memory_probe(sys.argv[2])
    else:
        main()
