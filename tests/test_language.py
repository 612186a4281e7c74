"""The assistant answers in the language the person writes or asks for, and short or ambiguous
messages ("ok", "60608", "Pilsen") never flip a conversation."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.language import (
    START_CONFIDENCE,
    SWITCH_CONFIDENCE,
    decide,
    detect,
    explicit_request,
    normalize_language_tag,
)

CHAT_MESSAGES = Path(__file__).parent / "langid" / "chat_messages.tsv"


def _labelled() -> list[tuple[str, str]]:
    with CHAT_MESSAGES.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["text"], row["label"]) for row in reader]


LABELLED = _labelled()


def _items(label: str) -> list[str]:
    return [text for text, item_label in LABELLED if item_label == label]


def test_labelled_file_is_big_enough_and_well_formed():
    labels = {label for _, label in LABELLED}
    assert labels == {"en", "es", "other", "unsure"}
    assert len(LABELLED) >= 400
    assert len(_items("other")) >= 60


@pytest.mark.parametrize("label", ["en", "es"])
def test_english_and_spanish_chat_messages_are_recognised(label):
    items = _items(label)
    wrong = [(text, detect(text)) for text in items if detect(text).language != label]
    assert len(wrong) <= 0.01 * len(items), wrong


def test_other_languages_are_not_taken_for_english_or_spanish():
    items = _items("other")
    wrong = [(text, detect(text)) for text in items if detect(text).language != "other"]
    assert len(wrong) <= 0.05 * len(items), wrong


@pytest.mark.parametrize("text", _items("unsure"))
def test_ambiguous_messages_never_switch_a_conversation(text):
    found = detect(text)
    assert found.language == "unsure" or found.confidence < SWITCH_CONFIDENCE, found
    for current in ("en", "es", "other"):
        assert decide(current, text) is None, (current, found)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hola", "es"),
        ("ayuda", "es"),
        ("help", "en"),
        ("no tengo papeles", "es"),
        ("necesito un job", "es"),
        ("donde aplico pa trabajar", "es"),
        ("não tenho documentos", "other"),
        ("je cherche du travail", "other"),
        ("mwen bezwen travay", "other"),
        ("Шукаю роботу", "other"),
        ("找工作", "other"),
    ],
)
def test_short_messages_that_raw_detectors_get_wrong(text, language):
    assert detect(text).language == language


@pytest.mark.parametrize("text", ["", "   ", "60608", "👍🙏", "?!", "https://levelupajc.org"])
def test_text_without_words_is_unsure_and_does_not_crash(text):
    assert detect(text).language == "unsure"


def test_non_latin_script_is_a_strong_cue():
    found = detect("мені потрібна робота")
    assert (found.language, found.reason) == ("other", "script")
    assert found.confidence >= SWITCH_CONFIDENCE


@pytest.mark.parametrize(
    "text",
    [
        "en español",
        "En Español por favor",
        "habla espanol?",
        "¿Hablan español?",
        "can we speak spanish",
        "do you speak Spanish?",
        "spanish",
        "Español",
        "spanish please",
        "respond in spanish",
        "prefiero español",
        "cambiar a español",
        "no hablo ingles",
        "I don't speak English",
        "hablo muy poco inglés",
        "say that in Spanish",
        "repitelo en español porfa",
        "entiendo un poco de ingles",
        "Hi. Can we speak in Spanish? I need help with my resume",
    ],
)
def test_requests_for_spanish(text):
    assert explicit_request(text) == "es"


@pytest.mark.parametrize(
    "text",
    [
        "english please",
        "in english",
        "ingles por favor",
        "English",
        "en inglés por favor",
        "can you speak english",
        "do you speak english?",
        "switch to english",
        "i don't speak spanish",
        "I only speak a little Spanish",
        "dimelo en ingles",
        "no spanish",
    ],
)
def test_requests_for_english(text):
    assert explicit_request(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "clases de ingles",
        "quiero aprender ingles",
        "english classes near me",
        "my mom only speaks spanish",
        "necesitan hablar ingles para el trabajo?",
        "does the job require english",
        "hola",
        "I need a job",
        "en français s'il vous plaît",
    ],
)
def test_mentions_of_a_language_that_are_not_requests(text):
    assert explicit_request(text) is None


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("es", "es"),
        ("es-MX", "es"),
        ("ES", "es"),
        ("es_US", "es"),
        ("es-419", "es"),
        ("spanish", "es"),
        ("Español", "es"),
        ("spa", "es"),
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ({"language": "es"}, "es"),
        ("en-US", "en"),
        ("EN", "en"),
        ("english", "en"),
        ({"locale": "en_GB"}, "en"),
        ("fr", None),
        ("pt-BR", None),
        ("", None),
        ("xx", None),
        (None, None),
        (42, None),
        (["es"], None),
        ({"page": "es"}, None),
    ],
)
def test_website_language_tags(tag, language):
    assert normalize_language_tag(tag) == language


def _run(current: str | None, messages: list[str], metadata: object = None) -> str | None:
    """Apply decide() over a conversation, as the assistant does on every message."""
    for message in messages:
        current = decide(current, message, metadata) or current
    return current


def test_spanish_conversation_stays_spanish_on_ok():
    assert _run(None, ["hola, busco trabajo", "ok"]) == "es"


def test_english_please_switches_a_spanish_conversation():
    assert _run("es", ["English please"]) == "en"


def test_website_language_sets_the_first_uninformative_message():
    assert decide(None, "60608", {"language": "es"}) == "es"
    assert decide(None, "60608", "es-MX") == "es"
    assert decide(None, "60608") is None


def test_website_language_does_not_override_what_the_person_writes():
    assert _run(None, ["I need a job", "ok"], {"language": "es"}) == "en"


def test_other_language_then_english():
    current = _run(None, ["Bonjour, je cherche du travail à Chicago"])
    assert current == "other"
    assert _run(current, ["Sorry, can you help me find a job?"]) == "en"


@pytest.mark.parametrize(
    ("current", "message"),
    [("en", "sí"), ("es", "yes"), ("en", "Pilsen"), ("es", "Cicero"), ("es", "60623 please")],
)
def test_replies_and_places_keep_the_language(current, message):
    assert decide(current, message) is None


def test_the_answer_does_not_depend_on_which_language_the_conversation_has():
    """A caller that cannot read the slot may pass any language and still never flip on "ok"."""
    for text, _ in LABELLED:
        assert decide("en", text) == decide("es", text) == decide("other", text), text


def test_a_clear_spanish_message_switches_an_english_conversation():
    assert _run("en", ["necesito trabajo"]) == "es"


def test_a_single_unknown_word_does_not_switch_but_can_start():
    assert decide("en", "reposaba") is None
    assert decide(None, "reposaba") == "es"


def test_names_never_set_the_language():
    for text in ["Yulimar", "Yulimar Carolina Mendoza", "Humboldt"]:
        assert decide(None, text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        # accents skipped: newcomers rarely type them
        "electricista",
        "despidieron",
        "guarderia",
        "albanil",
        "mecanico",
        # accented letters lost on the way (keyboard, SMS gateway, broken encoding)
        "cdula",
        "dueo",
        "albail",
        "sbado",
        "mircoles",
        "guardera",
        "soy mecnico",
    ],
)
def test_spanish_words_without_their_accents_are_spanish(text):
    assert detect(text).language == "es"


def test_words_with_lost_accented_letters_are_not_gibberish():
    from bot.language.gibberish import is_gibberish

    assert not is_gibberish("mircoles")
    assert not is_gibberish("cdula")
    assert is_gibberish("zxqv blorp")


@pytest.mark.parametrize("text", ["cashier", "quiz", "vase", "tiles", "hiring event", "forklift"])
def test_english_words_stay_english(text):
    """Also English words that read like Spanish ones with a lost letter (quizá, véase, útiles):
    a word is looked up as typed first."""
    assert detect(text).language == "en"


def test_spanish_words_a_neighbour_also_writes_still_count_for_spanish():
    assert detect("mucha gente").language == "es"
    assert detect("a gente precisa de trabalho").language == "other"
    assert decide("en", "informacion") == "es"


@pytest.mark.parametrize("text", ["Teresa Rojas", "Joseph", "Pilsen", "Little Village", "ok"])
def test_names_and_places_hint_at_a_language_but_never_decide(text):
    found = detect(text)
    assert found.language == "unsure" or found.confidence < START_CONFIDENCE, found
    for current in (None, "en", "es", "other"):
        assert decide(current, text) is None, (current, found)


# Part of lingua's public test data, copied in (see tests/fixtures/lingua/SOURCE.md).
LINGUA_DATA = Path(__file__).parent / "fixtures" / "lingua"


def test_the_lexicon_holds_nothing_from_the_benchmark_files():
    """The benchmark measures the detector; its items must not be learned by heart: no word pair
    of lingua's files in the lexicon, and none of the accent-less non-words of its Spanish files
    ("divisin"), which only come from there."""
    from bot.language.lexicon import load
    from bot.language.wordlists import dropped_letter_frequencies, word_frequencies

    lexicon_text = (PROJECT_ROOT / "content" / "language" / "lexicon.yml").read_text("utf-8")
    lexicon = load()
    listed = set(lexicon.exact) | set(lexicon.bare) | set(lexicon.neutral_words)
    for path in sorted(LINGUA_DATA.glob("*/*.txt")):
        lines = [line.strip().casefold() for line in path.read_text("utf-8").splitlines()]
        if path.parent.name == "word-pairs":
            assert not [line for line in lines if line and line in lexicon_text], path
        if path.name == "es.txt" and path.parent.name != "sentences":
            artefacts = {
                word
                for line in lines
                for word in line.split()
                if word_frequencies(word) is None and dropped_letter_frequencies(word)
            }
            assert not artefacts & listed, (path, sorted(artefacts & listed))


def _cli(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot.language", *args],
        cwd=PROJECT_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_cli_prints_the_decision_for_a_message():
    out = _cli("no tengo papeles")
    assert "detect: es (confidence" in out
    assert "explicit request: none" in out
    assert "decide: new->es, en->es, es->es" in out


def test_cli_shows_explicit_requests_and_reads_lines_from_stdin():
    out = _cli(stdin="english please\nok\n")
    assert "explicit request: en" in out
    assert "'ok'\n  detect: unsure" in out
    assert "decide: new->keep, en->keep, es->keep" in out


@pytest.mark.parametrize(
    ("text", "language"),
    [("sí", "es"), ("si", "es"), ("si por favor", "es"), ("Qué es el TPS?", "es"),
     ("ayuda", "es"), ("dale", "es"), ("yes", "en"), ("yep", "en")],
)  # fmt: skip
def test_a_short_first_message_only_one_language_types_starts_that_language(text, language):
    assert decide(None, text) == language


@pytest.mark.parametrize("text", ["sí", "si", "dale", "jaja"])
def test_a_spanish_short_reply_never_turns_an_english_conversation(text):
    assert decide("en", text) is None
    assert START_CONFIDENCE <= detect(text).confidence < SWITCH_CONFIDENCE


@pytest.mark.parametrize("text", ["ok", "no", "60629", "Maria Lopez", "yes sí", "Pilsen"])
def test_neutral_first_messages_start_no_language(text):
    assert decide(None, text) is None
