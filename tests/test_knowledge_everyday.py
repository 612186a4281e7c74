"""The everyday questions a job center hears (issue 12), answered from sourced facts in both
languages, each ending with a next step; the group of people or the Partnership program a
message names picks its own answer."""

from __future__ import annotations

import re

import pytest

from bot.knowledge import answer, resolve
from bot.replies import Reply

LANGS = ("en", "es")
NOT_LEGAL_ADVICE = {"en": "not legal advice", "es": "no es asesoría legal"}
CALL_ME = "/request_referral"


def payloads(reply: Reply) -> list[str]:
    return [payload for _, payload in reply.buttons]


def test_each_answer_is_written_in_the_language_asked() -> None:
    for topic in ("career_services", "ask_cost_access", "ask_other_needs", "ask_legal_help"):
        english, spanish = (answer(topic, language) for language in LANGS)
        assert english.text != spanish.text
        assert english.sources == spanish.sources, "both languages show the same facts"


@pytest.mark.parametrize("language", LANGS)
def test_free_legal_help_gives_the_confirmed_lines_and_is_not_legal_advice(language: str) -> None:
    reply = answer("ask_legal_help", language)
    for line in ("1-855-435-7693", "312-660-1370", "312-603-0636"):
        assert line in reply.text
    assert "24" in reply.text, "the ICIRR hotline answers 24 hours a day"
    assert NOT_LEGAL_ADVICE[language] in reply.text
    assert "https://cookcountypublicdefender.org/resources/immigration-division" in reply.sources


@pytest.mark.parametrize("language", LANGS)
def test_needs_beyond_work_say_so_and_refer_to_211(language: str) -> None:
    reply = answer("ask_other_needs", language)
    first_line = reply.text.splitlines()[0]
    assert {"en": "can't help", "es": "no puedo ayudarle"}[language] in first_line
    assert "2-1-1" in reply.text and "898-211" in reply.text and "24/7" in reply.text
    assert "just-arrived-to-chicago" in reply.text, "the city's newcomer page"


@pytest.mark.parametrize("language", LANGS)
def test_english_classes_and_ged_start_at_city_colleges(language: str) -> None:
    reply = answer("ask_adult_education", language)
    assert "GED" in reply.text and "ESL" in reply.text and "www.ccc.edu/ae" in reply.text
    assert all(not url.endswith("%20") for url in reply.sources)


@pytest.mark.parametrize("language", LANGS)
def test_cost_and_walk_ins_are_not_promised_where_no_source_says(language: str) -> None:
    reply = answer("ask_cost_access", language)
    assert {"en": "haven't found", "es": "No encontré"}[language] in reply.text
    assert "LevelUpAJC.org" in reply.text
    assert any(payload.startswith(CALL_ME) for payload in payloads(reply))
    documents = answer("ask_cost_access", language, detail="documents")
    assert documents.text != reply.text


@pytest.mark.parametrize("language", LANGS)
def test_career_services_point_to_the_center_for_its_own_list(language: str) -> None:
    reply = answer("career_services", language)
    assert {"en": "résumé", "es": "currículum"}[language] in reply.text
    assert "/find_ajc" in payloads(reply)


@pytest.mark.parametrize(
    ("message", "group"),
    [
        ("soy veterano y busco trabajo", "veterans"),
        ("I served in the army, can you help me", "veterans"),
        ("I have a felony, can I still get help?", "record"),
        ("tengo antecedentes penales", "record"),
        ("programas para jovenes", "youth"),
        ("my son is 17 and wants a summer job", "youth"),
        ("tengo una discapacidad", "disability"),
        ("I'm on SSDI and want to work", "disability"),
        ("tengo 60 años, soy adulto mayor", "older"),
        ("is there help for seniors", "older"),
    ],
)
def test_the_group_a_message_names_gets_its_own_answer(message: str, group: str) -> None:
    assert resolve("groups", message) == group
    language = "es" if re.search(r"tengo|soy|programas", message) else "en"
    named = answer("ask_group_services", language, message=message)
    assert named.text == answer("ask_group_services", language, detail=group).text
    assert named.text != answer("ask_group_services", language).text


@pytest.mark.parametrize("language", LANGS)
def test_veterans_have_priority_of_service(language: str) -> None:
    text = answer("ask_group_services", language, message="veteran").text
    assert {"en": "priority", "es": "prioridad"}[language] in text


@pytest.mark.parametrize("language", LANGS)
def test_ticket_to_work_is_explained_with_its_ages_and_link(language: str) -> None:
    text = answer("ask_group_services", language, detail="disability").text
    assert "Ticket to Work" in text and "18" in text and "64" in text
    assert "socialsecurity.gov/work" in text


@pytest.mark.parametrize(
    ("message", "program"),
    [
        ("when is Techapalooza?", "techapalooza"),
        ("tell me about ConstructionWorks", "constructionworks"),
        ("que es el programa level up bridge", "level_up_bridge"),
        ("what is QUEST", "quest"),
    ],
)
def test_the_program_a_message_names_gets_its_own_answer(message: str, program: str) -> None:
    reply = answer("ask_partnership_programs", "en", message=message)
    assert reply.text == answer("ask_partnership_programs", "en", detail=program).text
    assert "2024 Annual Report" in reply.text
    assert "don't have upcoming dates or a sign-up link" in reply.text
    assert reply.sources == ("https://chicookworks.org/?p=6957",)


def test_program_words_do_not_fire_on_ordinary_questions() -> None:
    for message in ("I need a job", "how do I get a work permit", "busco trabajo en construccion"):
        assert resolve("programs", message) is None
