"""The staff report, made from real conversations with the running assistant in both languages.

Nine conversations are driven through an assistant of this module's own (its own tracker and
referral stores), then ``python -m bot report`` is run and its figures are compared with what
was sent: conversations, messages, languages, lookups, "could not answer", "possibly
misunderstood" and referrals.

The HTML is rendered in Debian's Chromium; the screenshot goes to a temporary folder, or to
docs/screenshots/report.png with AJC_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import asyncio
import csv
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median

import pytest
import sqlalchemy
import yaml
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot import PROJECT_ROOT
from bot.__main__ import main
from bot.conversations.store import EVENTS
from bot.directory import load_directory
from bot.referrals import get_referral
from bot.replies.fallback import fallback_replies
from bot.report.cli import period_from
from bot.report.conversations import Message, conversations_of
from bot.report.events import Event
from bot.report.misread import (
    REPHRASED,
    SAID_NO,
    SOMETHING_ELSE,
    load_word_lists,
    similarity,
    why_misread,
)
from bot.report.period import STAFF_TIMEZONE
from bot.report.unanswered import group_messages, group_misread
from bot.tracker_store import MaskingSQLTrackerStore
from devtools.servers import Assistant, running_assistant
from tests.browsers import chromium

# The start of the fallback's reply ("not sure I understood, did you mean ...?").
SPANISH_REPHRASE, ENGLISH_REPHRASE = "No estoy seguro de haberle entendido", "not sure I understood"
REFERENCE = re.compile(r"AJC-[A-Z0-9]{4}-[A-Z0-9]{2}")
PHONE, EMAIL = "(773) 555-0123", "pepe.perez@example.com"
# Contact data given to the call-back form: none of it may reach the report.
FORM_SECRETS = ("312-555-0147", "3125550147", "Maria", "sam@lakeview-logistics.example", "Sam Lee")
# Messages the assistant could not answer. Whether a trained model gives up on a given odd
# sentence changes with every retraining, so these turns are written through the real tracker
# store exactly as Rasa writes a fallback turn (tests/stories and the NLU evaluation measure
# what the model does); everything else below goes through the running assistant.
SPANISH_NONSENSE = f"zxqv blorpp {PHONE} {EMAIL}"
ENGLISH_NONSENSE = "purple monkey dishwasher"
FALLBACK_ACTION = "action_did_you_mean"
# Confident wrong answers, and what the person wrote next, written through the store for the
# same reason: the examples of small talk winning over a request. A turn followed by a
# rephrase, by "no, that's not what I asked" or by the "Something else" button is possibly
# misunderstood; the rest of these turns are not.
SPANISH_MISREAD = f"me despidieron, mi cel es {PHONE}"
SPANISH_MISREAD_AGAIN = "me despidieron del trabajo, ¿qué hago?"
ENGLISH_MISREAD = "thanks to the pandemic I lost my job, where do I start?"
SOMETHING_ELSE_BUTTON = "/something_else"

SPANISH_REFERRAL = [
    "quiero que me llamen", "busco trabajo o capacitacion", "si", "Maria",
    "mi cel es 312-555-0147", "La Villita", "ayuda con TPS o permiso de trabajo", "ES",
    "en la mañana", "si",
]  # fmt: skip
ENGLISH_REFERRAL = [
    "can someone from your team call me", "I'm an employer", "yes", "Sam Lee",
    "Lakeview Logistics", "sam@lakeview-logistics.example", "60608", "5 forklift drivers", "EN",
    "afternoons", "yes",
]  # fmt: skip


def texts(messages: list[dict]) -> str:
    return "\n".join(message.get("text", "") for message in messages)


@dataclass(frozen=True)
class NotUnderstood:
    """A message whose "could not answer" turn is written through the tracker store."""

    text: str


@dataclass(frozen=True)
class Answered:
    """A message answered with confidence, right or wrong, written through the tracker store:
    the intent the model read and the response the assistant answered with."""

    text: str
    intent: str
    response: str


async def store_fallback_turn(tracker_db: Path, sender: str, text: str) -> str:
    """Append one fallback turn as Rasa stores it (see ``store_turn``); returns the reply."""
    ranking = [{"name": "nlu_fallback", "confidence": 0.3},
               {"name": "ask_work_permit", "confidence": 0.21}]  # fmt: skip
    return await store_turn(tracker_db, sender, text, ranking, FALLBACK_ACTION)


async def store_answered_turn(tracker_db: Path, sender: str, turn: Answered) -> str:
    """Append one confidently answered turn (a button press has confidence 1, as in Rasa)."""
    confidence = 1.0 if turn.text.startswith("/") else 0.96
    ranking = [{"name": turn.intent, "confidence": confidence}]
    if confidence < 1:
        ranking.append({"name": "out_of_scope", "confidence": 0.02})
    return await store_turn(tracker_db, sender, turn.text, ranking, turn.response)


async def store_turn(
    tracker_db: Path, sender: str, text: str, ranking: list[dict], response_name: str
) -> str:
    """Append one turn to ``sender``'s conversation as Rasa stores it; returns the reply.

    The events are those of a real turn (the user message with the model's intent ranking, the
    response action, its reply in the conversation's language (rendered from domain.yml, or the
    fallback action's replies from bot/replies), then listening), saved by the masking store
    the server uses.
    """
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tracker_db))
    try:
        tracker = await store.retrieve(sender)
        assert tracker is not None, "the conversation starts on the running assistant"
        parse_data = {"text": text, "intent": ranking[0], "entities": [],
                      "intent_ranking": ranking, "metadata": {}}  # fmt: skip
        tracker.update(UserUttered(text, ranking[0], [], parse_data, input_channel="rest"))
        tracker.update(ActionExecuted(response_name, policy="RulePolicy", confidence=1.0))
        if response_name == FALLBACK_ACTION:  # a custom action: its replies, from bot/replies
            language = tracker.get_slot("language")
            replies = fallback_replies(parse_data, False, language)
            for sent in replies:
                buttons = [{"title": title, "payload": payload} for title, payload in sent.buttons]
                tracker.update(BotUttered(sent.text, {"buttons": buttons}))
            reply = "\n".join(sent.text for sent in replies)
        else:
            generator = TemplatedNaturalLanguageGenerator(domain.responses)
            response = await generator.generate(response_name, tracker, "rest")
            assert response is not None
            reply = response.pop("text")
            tracker.update(BotUttered(reply, response, {"utter_action": response_name}))
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        await store.save(tracker)
    finally:
        store.engine.dispose()
    return reply


@dataclass
class Seeded:
    """What the test sent, and what the person saw, per conversation."""

    assistant: Assistant
    since: datetime
    sent: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    fallbacks: Counter = field(default_factory=Counter)
    references: list[str] = field(default_factory=list)

    def say(self, sender: str, message: str | NotUnderstood | Answered) -> str:
        db = self.assistant.tracker_db
        if isinstance(message, NotUnderstood):
            return asyncio.run(store_fallback_turn(db, sender, message.text))
        if isinstance(message, Answered):
            return asyncio.run(store_answered_turn(db, sender, message))
        return texts(self.assistant.say(sender, message))

    def conversation(
        self, language: str, messages: list[str | NotUnderstood | Answered]
    ) -> list[str]:
        """Send ``messages`` as one new person; returns the replies, one text per message."""
        sender = self.assistant.new_sender()
        replies = []
        for message in messages:
            reply = self.say(sender, message)
            replies.append(reply)
            self.fallbacks["es"] += SPANISH_REPHRASE in reply
            self.fallbacks["en"] += ENGLISH_REPHRASE in reply
            self.references += REFERENCE.findall(reply)
        self.sent[sender] = (language, [getattr(m, "text", m) for m in messages])
        return replies

    def messages_in(self, language: str) -> int:
        return sum(len(messages) for lang, messages in self.sent.values() if lang == language)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    with running_assistant(tmp_path_factory.mktemp("report-assistant")) as assistant:
        seeded = Seeded(assistant, datetime.now(STAFF_TIMEZONE))
        replies = seeded.conversation("es", ["hola", "oficina de empleo mas cercana", "60623"])
        assert "Pilsen" in replies[2]
        replies = seeded.conversation(
            "es",
            [
                "hola",
                NotUnderstood(SPANISH_NONSENSE),
                NotUnderstood(SPANISH_NONSENSE),
                "donde kda la oficina en la villita",
            ],
        )
        assert SPANISH_REPHRASE in replies[2] and "Pilsen" in replies[3], replies
        seeded.conversation("es", ["hola", *SPANISH_REFERRAL])
        replies = seeded.conversation("en", ["hi", "nearest job center to 60623", "ok"])
        assert "Pilsen" in replies[1]
        replies = seeded.conversation(
            "en",
            [
                '/greet{"language":"en"}',
                "any workforce center in Cicero?",
                NotUnderstood(ENGLISH_NONSENSE),
                "whats the weather",
            ],
        )
        assert "Cicero" in replies[1] and ENGLISH_REPHRASE in replies[2], replies
        assert "can't help with that" in replies[3], replies
        seeded.conversation("en", ENGLISH_REFERRAL)
        assert len(seeded.references) == 2, "both call-back forms must end with a reference"
        # Possibly misunderstood: a rephrase, then "no, that's not what I asked" (Spanish) ...
        replies = seeded.conversation(
            "es",
            [
                "hola",
                Answered(SPANISH_MISREAD, "goodbye", "utter_goodbye"),
                Answered(SPANISH_MISREAD_AGAIN, "capabilities", "utter_capabilities"),
                Answered("no, eso no es lo que pregunté", "deny", "utter_how_can_help"),
            ],
        )
        assert "suerte" in replies[1], replies
        # ... the same wrong answer once more, then a plain "no" (it had asked nothing) ...
        seeded.conversation(
            "es",
            [
                "hola",
                Answered(SPANISH_MISREAD, "goodbye", "utter_goodbye"),
                Answered("eso no", "deny", "utter_how_can_help"),
            ],
        )
        # ... and "Something else" in English, then a rephrase after the button (not flagged:
        # its answer was not the one that missed) and a new topic (not a rephrase).
        replies = seeded.conversation(
            "en",
            [
                '/greet{"language":"en"}',
                Answered(ENGLISH_MISREAD, "thank", "utter_youre_welcome"),
                Answered(SOMETHING_ELSE_BUTTON, "something_else", "utter_how_can_help"),
                Answered("I lost my job, where do I start", "capabilities", "utter_capabilities"),
                Answered("can I talk to a person", "human_handoff", "utter_human_handoff"),
            ],
        )
        assert "You're welcome" in replies[1], replies
        yield seeded


@dataclass(frozen=True)
class Output:
    html: str
    rows: list[dict[str, str]]
    html_path: Path

    def value(self, section: str, item: str, language: str = "", detail: str = "") -> float:
        """The summed ``count`` of matching CSV rows (0 when there is none)."""
        return sum(
            float(row["count"])
            for row in self.rows
            if row["section"] == section
            and row["item"] == item
            and (not language or row["language"] == language)
            and (not detail or row["detail"] == detail)
        )


def period_of(seeded: Seeded) -> tuple[str, ...]:
    """From the first seeded conversation to the end of tomorrow."""
    tomorrow = datetime.now(STAFF_TIMEZONE).date() + timedelta(days=1)
    return ("--since", seeded.since.isoformat(), "--until", tomorrow.isoformat())


def run_report(seeded: Seeded, out: Path, *options: str) -> int:
    """``python -m bot report`` on the seeded stores; later options win (e.g. another --db)."""
    return main(
        [
            "report",
            "--db", f"sqlite:///{seeded.assistant.tracker_db}",
            "--referrals-db", seeded.assistant.referral_settings.db_url,
            "--out", str(out),
            *options,
        ]
    )  # fmt: skip


@pytest.fixture(scope="module")
def output(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Output:
    out = tmp_path_factory.mktemp("report") / "weekly.html"
    assert run_report(seeded, out, *period_of(seeded)) == 0
    with out.with_suffix(".csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return Output(out.read_text(encoding="utf-8"), rows, out)


@pytest.mark.e2e
def test_conversations_and_messages_are_those_sent(seeded: Seeded, output: Output) -> None:
    sent = [messages for _, messages in seeded.sent.values()]
    assert output.value("summary", "conversations") == 9
    assert output.value("summary", "messages") == sum(len(m) for m in sent)
    buttons = sum(1 for m in sent for text in m if text.startswith("/"))
    assert buttons == 3, "two web-chat greetings and one Something else"
    assert output.value("summary", "typed_messages") == sum(len(m) for m in sent) - buttons
    assert output.value("summary", "median_messages_per_conversation") == median(
        len(m) for m in sent
    )
    per_day = [row for row in output.rows if row["section"] == "per_day"]
    days = (datetime.now(STAFF_TIMEZONE).date() - seeded.since.date()).days + 2
    assert len(per_day) == 2 * days, "every day of the period is listed, days without chats too"
    assert sum(int(r["count"]) for r in per_day if r["detail"] == "conversations") == 9


@pytest.mark.e2e
def test_language_share_counts_each_conversation_in_its_language(
    seeded: Seeded, output: Output
) -> None:
    for language, conversations in (("es", 5), ("en", 4)):
        assert output.value("language", "conversations", language) == conversations
        assert output.value("language", "messages", language) == seeded.messages_in(language)
    assert "Spanish (es)" in output.html and "English (en)" in output.html


@pytest.mark.e2e
def test_lookups_count_questions_not_form_answers(output: Output) -> None:
    lookups = {
        (row["item"], row["language"]): int(row["count"])
        for row in output.rows
        if row["section"] == "lookup"
    }
    # "La Villita" and "60608" were also typed as answers to the call-back form: not lookups.
    assert lookups == {
        ("60623", "es"): 1,
        ("60623", "en"): 1,
        ("Little Village", "es"): 1,
        ("Cicero", "en"): 1,
    }
    assert output.value("summary", "lookups") == 4


@pytest.mark.e2e
def test_could_not_answer_is_counted_grouped_and_masked(seeded: Seeded, output: Output) -> None:
    assert seeded.fallbacks == {"es": 2, "en": 1}
    assert output.value("summary", "could_not_answer") == 3
    groups = [row for row in output.rows if row["section"] == "could_not_answer"]
    assert [(g["language"], g["count"]) for g in groups] == [("es", "2"), ("en", "1")]
    masked = SPANISH_NONSENSE.replace(PHONE, "[phone]").replace(EMAIL, "[email]")
    assert groups[0]["item"] == masked, "the same message twice is one group of 2"
    assert groups[1]["item"] == ENGLISH_NONSENSE
    everything = output.html + "".join(str(row) for row in output.rows)
    for secret in (PHONE, EMAIL, *FORM_SECRETS):
        assert secret not in everything


@pytest.mark.e2e
def test_possibly_misunderstood_is_counted_grouped_and_masked(output: Output) -> None:
    assert output.value("summary", "possibly_misunderstood") == 4
    share = {
        row["language"]: (int(row["count"]), float(row["share"]))
        for row in output.rows
        if row["section"] == "language" and row["item"] == "possibly_misunderstood"
    }
    for language, count in (("es", 3), ("en", 1)):
        typed = output.value("language", "typed_messages", language)
        assert share[language] == (count, round(count / typed, 4))
    groups = [
        (row["language"], row["item"], row["detail"], row["count"])
        for row in output.rows
        if row["section"] == "possibly_misunderstood"
    ]
    masked = SPANISH_MISREAD.replace(PHONE, "[phone]")
    assert groups == [
        ("es", masked, "taken as: goodbye; why: said no, rephrased", "2"),
        ("en", ENGLISH_MISREAD, "taken as: thank; why: something else", "1"),
        ("es", SPANISH_MISREAD_AGAIN, "taken as: capabilities; why: said no", "1"),
    ]
    assert "Messages the assistant possibly misunderstood" in output.html
    assert masked in output.html and PHONE not in output.html


@pytest.mark.e2e
def test_out_of_scope_questions_are_listed_apart(output: Output) -> None:
    rows = [row for row in output.rows if row["section"] == "out_of_scope"]
    assert [(r["language"], r["item"], r["count"]) for r in rows] == [
        ("en", "whats the weather", "1")
    ]


@pytest.mark.e2e
def test_referrals_by_topic_and_site(seeded: Seeded, output: Output) -> None:
    stored = [
        get_referral(r, settings=seeded.assistant.referral_settings) for r in seeded.references
    ]
    assert output.value("summary", "referrals") == 2
    assert output.value("referral_topic", "immigration_help") == 1
    assert output.value("referral_topic", "employer_services") == 1
    directory = load_directory()
    for row in stored:
        site = directory.site(row.routed_to)
        name = site.name("en") if site else "Business Relations team"
        assert output.value("referral_site", name, detail=row.state) == 1, row.routed_to
    for reference in seeded.references:
        assert reference not in output.html, "references identify a person's request"


@pytest.mark.e2e
def test_html_needs_nothing_from_outside(output: Output) -> None:
    assert "<script" not in output.html
    sources = re.findall(r'(?:src|href)="([^"]*)"', output.html)
    assert sources and all(source.startswith("data:image/png;base64,") for source in sources)


@pytest.mark.e2e
def test_a_past_week_has_no_conversations(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "old.html"
    assert run_report(seeded, out, "--since", "2026-01-05", "--until", "2026-01-11") == 0
    with out.with_suffix(".csv").open(encoding="utf-8") as stream:
        summary = {row["item"]: row["count"] for row in csv.DictReader(stream)}
    assert summary["conversations"] == "0" and summary["referrals"] == "0"
    assert "None in this period." in out.read_text(encoding="utf-8")


def test_a_missing_store_is_an_error_not_an_empty_report(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    out = tmp_path / "report.html"
    assert main(["report", "--db", f"sqlite:///{missing}", "--out", str(out)]) == 2
    assert not missing.exists() and not out.exists()


def message(text: str, language: str) -> Message:
    return Message(timestamp=0.0, text=text, intent="nlu_fallback", language=language,
                   in_form=False, guess="ask_work_permit")  # fmt: skip


def test_grouping_joins_typos_and_keeps_languages_apart() -> None:
    groups = group_messages(
        [
            message("¿Dónde puedo sacar el permiso de trabajo?", "es"),
            message("donde saco permiso de trabajo", "es"),
            message("donde puedo sacar el permiso de trabajo", "es"),
            message("call me at (773) 555-0123", "en"),
            message("work permit where", "en"),
        ]
    )
    assert [(g.language, g.count) for g in groups] == [("es", 3), ("en", 1), ("en", 1)]
    assert groups[0].example == "¿Dónde puedo sacar el permiso de trabajo?"
    assert groups[0].variants == ("donde saco permiso de trabajo",)
    assert groups[0].closest_intent == "ask_work_permit"
    assert any(g.example == "call me at [phone]" for g in groups)


def turn(
    text: str,
    intent: str | None = "ask_tps",
    *,
    asked: bool = False,
    fallback: bool = False,
    in_form: bool = False,
    location: tuple[str, str] | None = None,
    misread: str | None = None,
) -> Message:
    """A message answered with confidence unless the keywords say otherwise."""
    return Message(timestamp=0.0, text=text, intent=intent, language="en", in_form=in_form,
                   location=location, fallback=fallback, asked=asked, misread=misread)  # fmt: skip


WORDS = load_word_lists()


@pytest.mark.parametrize(
    ("first", "following", "expected"),
    [
        # Rephrased: the same content words again, with typos, accents or a few more words.
        (turn("me despidieron", "goodbye"), turn("me despidieron, ¿qué hago?"), REPHRASED),
        (turn("necesito clases de inglés", "change_language"),
         turn("clases de ingles por favor"), REPHRASED),
        (turn("soy veterano", "goodbye"), turn("Soy veterano, hay ayuda?"), REPHRASED),
        # Said no: "not what I asked" anywhere, or a plain "no" when nothing was asked.
        (turn("x"), turn("That's NOT what I asked, I need a job"), SAID_NO),
        (turn("x"), turn("no, eso no es lo que pregunté", "deny"), SAID_NO),
        (turn("x", asked=True), turn("no me entendiste", "out_of_scope"), SAID_NO),
        (turn("x"), turn("no", "deny"), SAID_NO),
        (turn("x"), turn("eso no", "ask_hours"), SAID_NO),
        (turn("x", asked=True), turn("wrong answer", "deny"), SAID_NO),
        # Something else: the button, whatever was asked.
        (turn("x", asked=True), turn("/something_else", "something_else"), SOMETHING_ELSE),
        # Not flagged: a "no" that answers the assistant's question ...
        (turn("x", asked=True), turn("no", "deny"), None),
        (turn("x", asked=True), turn("no thanks", "deny"), None),
        # ... a new topic, even in the same sentence frame ...
        (turn("what is TPS"), turn("what is WIOA"), None),
        (turn("where is the job center in Cicero", "find_ajc"),
         turn("what are the hours of the job center", "ask_hours"), None),
        (turn("hola", "greet"), turn("oficina de empleo mas cercana", "find_ajc"), None),
        (turn("donde puedo aprender inglés"), turn("donde puedo sacar el permiso de trabajo"),
         None),
        # ... a button after an answer (the person picked what it offered) ...
        (turn("what is TPS"), turn('/ask_tps{"topic":"eligibility"}'), None),
        (turn("what is TPS"), turn("/deny", "deny"), None),
        # ... the question again with the ZIP code the assistant asked for ...
        (turn("where is the nearest job center", "find_ajc", asked=True),
         turn("where is the nearest job center to 60629", "find_ajc",
              location=("zip", "60629")), None),
        # ... and anything after a fallback, a button, or an answer to the call-back form.
        (turn("zxqv", "nlu_fallback", fallback=True), turn("zxqv blorp"), None),
        (turn("/find_ajc", "find_ajc"), turn("/find_ajc", "find_ajc"), None),
        (turn("Maria", "request_referral", in_form=True), turn("no", "deny"), None),
        # The next message may be inside the form that the misread message started.
        (turn("llámenme al [phone]", "request_referral"),
         turn("llámenme al [phone] por favor", in_form=True), REPHRASED),
    ],
)  # fmt: skip
def test_what_counts_as_possibly_misunderstood(
    first: Message, following: Message, expected: str | None
) -> None:
    assert why_misread(first, following, WORDS) == expected


def test_similarity_threshold_is_on_content_words() -> None:
    assert similarity("what is TPS", "whats TPS?", WORDS) == pytest.approx(1.0)
    assert similarity("hola", "hello", WORDS) == 0.0, "nothing but greetings: nothing to compare"
    masked = similarity("me despidieron mi cel es [phone]", "me despidieron [email]", WORDS)
    assert masked > 0.6, "masked contact data is not a word of the question"


def test_conversations_read_the_reply_and_the_did_you_mean_fallback() -> None:
    """From stored events: a "?" reply makes "no" an answer; "Did you mean" is a fallback."""

    def user(text: str, intent: str, at: float) -> Event:
        data = {"text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}
        return Event("user", at, data)

    def bot(text: str, at: float, buttons: list[dict] | None = None) -> Event:
        return Event("bot", at, {"text": text, "data": {"buttons": buttons or []}})

    yes_no = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    events = [
        user("me despidieron", "goodbye", 1), bot("¡Hasta luego y mucha suerte!", 2),
        user("no", "deny", 3), bot("¿En qué más le puedo ayudar?", 4),
        user("no", "deny", 5), bot("Está bien.", 6, buttons=yes_no),
        user("nel", "deny", 7), bot("Ok.", 8),
        user("algo raro", "ask_tps", 9), Event("action", 10, {"name": "action_did_you_mean"}),
        user(SOMETHING_ELSE_BUTTON, "something_else", 11),
    ]  # fmt: skip
    [conversation] = conversations_of("sender", events)
    flags = [(m.text, m.asked, m.fallback, m.misread) for m in conversation.messages]
    assert flags == [
        ("me despidieron", False, False, SAID_NO),
        ("no", True, False, None),
        ("no", True, False, None),
        ("nel", False, False, None),
        ("algo raro", False, True, None),
        (SOMETHING_ELSE_BUTTON, False, False, None),
    ], "after a fallback, Something else is already counted as could not answer"


def test_misunderstood_groups_are_apart_per_intent_and_say_why() -> None:
    messages = [
        turn("me despidieron", "goodbye", misread=REPHRASED),
        turn("me despidieron", "goodbye", misread=SAID_NO),
        turn("me despidieron!", "goodbye", misread=REPHRASED),
        turn("me despidieron", "thank", misread=SAID_NO),
        turn("llame al (773) 555-0123", "request_referral", misread=SOMETHING_ELSE),
    ]
    groups = group_misread(messages)
    assert [(g.closest_intent, g.count, g.example, g.why()) for g in groups] == [
        ("goodbye", 3, "me despidieron", "said no, rephrased ×2"),
        ("request_referral", 1, "llame al [phone]", "something else"),
        ("thank", 1, "me despidieron", "said no"),
    ]


def test_word_lists_have_both_languages() -> None:
    data = yaml.load(
        (PROJECT_ROOT / "content" / "report" / "misunderstood.yml").read_text(encoding="utf-8"),
        Loader=yaml.BaseLoader,
    )
    for key in ("not_what_i_asked", "plain_no", "ignored_words"):
        assert set(data[key]) == {"en", "es"} and all(data[key].values()), key
    assert "no es lo que pregunte" in WORDS.not_what_i_asked
    assert "eso no" in WORDS.plain_no and "wrong answer" in WORDS.not_what_i_asked


@pytest.mark.e2e
@pytest.mark.browser
def test_report_reads_well_in_a_browser(seeded: Seeded, output: Output, tmp_path: Path) -> None:
    folder = tmp_path
    if os.environ.get("AJC_UPDATE_SCREENSHOTS") == "1":
        folder = PROJECT_ROOT / "docs" / "screenshots"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(output.html_path.as_uri())
        widths = page.eval_on_selector_all("img", "images => images.map(i => i.naturalWidth)")
        assert len(widths) == 2 and all(width > 300 for width in widths), "charts must load"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        heading = page.get_by_role("heading", name="Messages the assistant could not answer")
        assert heading.is_visible()
        assert page.get_by_text(ENGLISH_NONSENSE).first.is_visible()
        name = "Messages the assistant possibly misunderstood"
        assert page.get_by_role("heading", name=name).is_visible()
        page.screenshot(path=str(folder / "report.png"), full_page=True)


@pytest.mark.e2e
def test_postgresql_store_gives_the_same_report(
    seeded: Seeded,
    output: Output,
    postgres_url: str,
    tmp_path: Path,
) -> None:
    """The events, copied as they are into a PostgreSQL table of Rasa's shape, give the same CSV."""
    columns = ("id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
    source = sqlalchemy.create_engine(f"sqlite:///{seeded.assistant.tracker_db}")
    with source.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(
            sqlalchemy.text(f"SELECT {', '.join(columns)} FROM events")
        )]  # fmt: skip
    source.dispose()
    target = sqlalchemy.create_engine(postgres_url)
    events = EVENTS  # the table Rasa's SQL tracker store writes
    with target.begin() as connection:
        events.drop(connection, checkfirst=True)
        events.create(connection)
        connection.execute(events.insert(), rows)
    target.dispose()

    out = tmp_path / "from-postgres.html"
    assert run_report(seeded, out, *period_of(seeded), "--db", postgres_url) == 0
    with out.with_suffix(".csv").open(encoding="utf-8") as stream:
        assert list(csv.DictReader(stream)) == output.rows


def test_a_week_across_the_clock_change_is_seven_chicago_days() -> None:
    """Clocks went back on Nov 1, 2026: the week still has 7 days and one more hour."""
    period = period_from(date(2026, 10, 29), date(2026, 11, 4))
    assert len(period.days) == 7 and period.end - period.start == (7 * 24 + 1) * 3600
    assert str(period) == "Thu Oct 29, 2026 to Wed Nov 4, 2026 (Chicago time)"
    default = period_from(None, date(2026, 11, 22))
    assert (default.first, default.last) == (date(2026, 11, 16), date(2026, 11, 22))
    morning = period_from(datetime(2026, 11, 24, 14, 0, tzinfo=STAFF_TIMEZONE), None)
    assert morning.days[0] == date(2026, 11, 24) and morning.start < morning.end
