"""Program answers: every question answered in both languages, with the facts from the data."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT, content, texts
from bot.intents import domain_intents
from bot.knowledge import KnowledgeError, answer, knowledge, resolve_sector
from bot.knowledge.answers import YEAR_SUFFIX, facts_shown
from bot.knowledge.store import KNOWLEDGE_STATUSES, load

LANGS = ("en", "es")
MAX_CHARS = 700
IMMIGRATION_TOPICS = ("new_arrival_services", "ask_work_permit", "ask_tps", "ask_legal_help")
NOT_LEGAL_ADVICE = {"en": "not legal advice", "es": "no es asesoría legal"}


def _variant_calls() -> list[tuple[str, str, dict[str, str]]]:
    """Every answer variant with the arguments that reach it."""
    calls = []
    for topic, variants in knowledge().answers.items():
        for name in variants:
            if name == "default":
                kwargs = {}
            elif name == "unknown_sector":
                kwargs = {"sector": "retail"}
            elif name in knowledge().sectors:
                kwargs = {"sector": name}
            else:
                kwargs = {"detail": name}
            calls.append((topic, name, kwargs))
    return calls


VARIANTS = _variant_calls()


def _kn_keys(language: str) -> dict[str, str]:
    return {k: v for k, v in texts.catalog(language).items() if k.startswith("kn_")}


# ---------------------------------------------------------------- every answer, both languages


def test_every_intent_routed_to_the_knowledge_action_has_an_answer_and_back():
    rules = content.read(PROJECT_ROOT / "data" / "rules.yml")["rules"]
    routed = {
        step["intent"]
        for rule in rules
        if {"action": "action_answer_program"} in rule["steps"]
        for step in rule["steps"]
        if "intent" in step
    }
    assert routed == set(knowledge().topics)


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize(
    ("topic", "name", "kwargs"), VARIANTS, ids=[f"{t}.{n}" for t, n, _ in VARIANTS]
)
def test_answer_is_short_with_buttons_and_sources(topic, name, kwargs, language):
    reply = answer(topic, language, **kwargs)
    assert reply.text.strip()
    assert "{" not in reply.text and "None" not in reply.text
    assert len(reply.text) <= MAX_CHARS, f"{topic}.{name} [{language}] is {len(reply.text)} chars"
    assert reply.buttons
    assert all(title.strip() for title, _ in reply.buttons)
    assert all(url.startswith(("http://", "https://")) for url in reply.sources)


@pytest.mark.parametrize(
    ("topic", "name", "kwargs"), VARIANTS, ids=[f"{t}.{n}" for t, n, _ in VARIANTS]
)
def test_spanish_and_english_differ(topic, name, kwargs):
    assert answer(topic, "es", **kwargs).text != answer(topic, "en", **kwargs).text


def test_every_answer_names_its_sources():
    sourceless = [(t, n) for t, n, kw in VARIANTS if not answer(t, "en", **kw).sources]
    assert sourceless == []


def test_other_or_missing_language_gets_english():
    english = answer("employer_ojt", "en").text
    assert answer("employer_ojt", "other").text == english
    assert answer("employer_ojt", None).text == english


def test_unknown_detail_falls_back_to_the_plain_answer():
    plain = answer("ask_training_funding", "es")
    assert answer("ask_training_funding", "es", detail="something else") == plain


def test_unknown_topic_is_refused():
    with pytest.raises(ValueError):
        answer("greet", "en")


# ---------------------------------------------------------------- the facts users must get


@pytest.mark.parametrize("language", LANGS)
def test_ojt_gives_the_reimbursement_range(language):
    text = answer("employer_ojt", language).text
    assert "50%" in text and "75%" in text and "6" in text
    assert "90%" not in text  # the waiver ended in 2022


@pytest.mark.parametrize("language", LANGS)
def test_iwt_gives_employer_shares_by_size(language):
    text = answer("employer_iwt", language).text
    for share in ("10%", "25%", "50%"):
        assert share in text
    assert "50" in text and "99" in text and "100" in text


@pytest.mark.parametrize("language", LANGS)
def test_customized_training_share(language):
    assert "50%" in answer("employer_ojt", language, detail="customized").text


@pytest.mark.parametrize("language", LANGS)
def test_employer_contact(language):
    text = answer("employer_contact", language).text
    assert "Phaedra M. Leslie" in text and "(312) 603-7066" in text


@pytest.mark.parametrize("language", LANGS)
def test_new_arrivals_point_to_pilsen_and_national_able(language):
    text = answer("new_arrival_services", language).text
    assert "Pilsen" in text and "National Able Network" in text and "1700 W. 18th St" in text
    assert NOT_LEGAL_ADVICE[language] in text


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("topic", IMMIGRATION_TOPICS)
def test_immigration_answers_never_ask_about_status(topic, language):
    text = answer(topic, language).text
    assert "?" not in text and "¿" not in text
    lowered = text.lower()
    for phrase in (
        "a-number",
        "número a",
        "numero a",
        "alien number",
        "your status",
        "su estatus",
        "estatus migratorio",
        "immigration status",
        "your documents",
        "sus documentos",
    ):
        assert phrase not in lowered
    assert NOT_LEGAL_ADVICE[language] in text


@pytest.mark.parametrize("language", LANGS)
def test_tps_is_history_with_its_date_and_points_to_uscis(language):
    reply = answer("ask_tps", language)
    assert {"en": "July 2023", "es": "julio de 2023"}[language] in reply.text
    assert "https://www.uscis.gov/humanitarian/temporary-protected-status" in reply.text
    assert "https://chicookworks.org/?p=6957" in reply.sources


@pytest.mark.parametrize("language", LANGS)
def test_work_permit_links_the_official_uscis_page(language):
    text = answer("ask_work_permit", language).text
    assert "EAD" in text and "https://www.uscis.gov/" in text


@pytest.mark.parametrize("language", LANGS)
def test_legal_help_admits_the_gap_and_offers_a_referral(language):
    reply = answer("ask_legal_help", language)
    assert (
        "https://www.uscis.gov/scams-fraud-and-misconduct/avoid-scams/find-legal-services"
        in reply.text
    )
    assert "/request_referral" in [payload for _, payload in reply.buttons]


@pytest.mark.parametrize("language", LANGS)
def test_losing_a_job_gives_ides_the_dated_phone_with_its_year_and_laid_off_worker_lines(
    language,
):
    reply = answer("ask_unemployment", language)
    assert "https://ides.illinois.gov" in reply.text
    assert "800-244-5631" in reply.text and "2021" in reply.text, "a dated phone shows its year"
    assert "WIOA" in reply.text
    assert "312.565.9431" in reply.text and "708.344.3539" in reply.text
    assert "/find_ajc" in [payload for _, payload in reply.buttons]


@pytest.mark.parametrize("language", LANGS)
def test_job_sites_are_named_with_their_dates(language):
    text = answer("ask_unemployment", language, detail="job_sites").text
    for name in (
        "illinoisworknet.com",
        "www.illinois.gov/gethired",
        "2020",
        "IllinoisJobLink",
        "LevelUpAJC.org",
    ):
        assert name in text


@pytest.mark.parametrize("language", LANGS)
def test_training_answer_names_the_provider_list_and_admits_no_cap(language):
    text = answer("ask_training_funding", language).text
    assert "Eligible Training Provider List" in text and "illinoisworknet.com" in text
    assert "14" in text and "24" in text
    assert "$" not in text
    assert {"en": "don't have a confirmed maximum", "es": "No tengo confirmado un monto"}[
        language
    ] in text


@pytest.mark.parametrize("language", LANGS)
def test_hiring_events_are_dated(language):
    text = answer("employer_hiring_events", language).text
    assert "Hospitality Hires Chicago" in text and "$200" in text and "2023" in text
    assert "chicookworks.org/HHC" in text and "cookcountycareerconnect.org" in text


@pytest.mark.parametrize("language", LANGS)
def test_techapalooza_is_told_from_the_annual_report_without_dates(language):
    reply = answer("employer_hiring_events", language, detail="techapalooza")
    assert "Techapalooza" in reply.text and "2024" in reply.text
    assert reply.sources == ("https://chicookworks.org/?p=6957",)
    assert not re.search(r"\b(19|20)\d\d-\d\d-\d\d\b|https?://(?!chicookworks)", reply.text)


@pytest.mark.parametrize("language", LANGS)
def test_hospitality_center_contact_comes_with_its_year(language):
    text = answer("ask_sector_programs", language, sector="hotel").text
    assert "218 S. Wabash Ave" in text and "490-8757" in text and "2022" in text


@pytest.mark.parametrize("language", LANGS)
def test_sector_overview_offers_each_sector(language):
    reply = answer("ask_sector_programs", language)
    payloads = [payload for _, payload in reply.buttons]
    assert '/ask_sector_programs{"sector":"healthcare"}' in payloads
    assert '/ask_sector_programs{"sector":"tdl"}' in payloads


@pytest.mark.parametrize("language", LANGS)
def test_manufacturing_has_no_sector_center(language):
    text = answer("ask_sector_programs", language, sector="fabrica").text
    assert "Cook County Bureau of Economic Development" in text


def test_a_field_without_a_center_lists_the_four_centers():
    reply = answer("ask_sector_programs", "es", sector="ventas al por menor")
    assert "cuatro centros sectoriales" in reply.text


@pytest.mark.parametrize("language", LANGS)
def test_job_search_names_where_to_see_openings_and_offers_next_steps(language):
    reply = answer("job_search", language)
    for name in (
        "American Job Center",
        "Get Hired Illinois",
        "www.illinois.gov/gethired",
        "2020",
        "IllinoisJobLink",
        "LevelUpAJC.org",
    ):
        assert name in reply.text
    assert [payload for _, payload in reply.buttons] == [
        "/find_ajc",
        "/ask_training_funding",
        "/request_referral",
        "/new_arrival_services",
    ]


@pytest.mark.parametrize("language", LANGS)
def test_job_search_promises_nothing_the_sources_do_not_say(language):
    text = answer("job_search", language).text.lower()
    for claim in ("free", "no cost", "gratis", "gratuito", "sin costo"):
        assert claim not in text
    assert not re.search(r"\d{3}-\d{4}", text)
    assert {"career_services_cost", "ajc_type_by_site"} <= set(knowledge().unknowns)


# ---------------------------------------------------------------- sectors people type


@pytest.mark.parametrize(
    ("typed", "sector"),
    [
        ("CDL", "tdl"),
        ("trucking", "tdl"),
        ("warehouse", "tdl"),
        ("almacen", "tdl"),
        ("Almacén", "tdl"),
        ("quiero trabajar en un almacen", "tdl"),
        ("nursing", "healthcare"),
        ("enfermeria", "healthcare"),
        ("Enfermería", "healthcare"),
        ("CNA", "healthcare"),
        ("hotel", "hospitality"),
        ("restaurant", "hospitality"),
        ("cocina", "hospitality"),
        ("IT", "it"),
        ("programacion", "it"),
        ("soldadura", "manufacturing"),
        ("electricista", "construction"),
    ],
)
def test_sector_words_resolve(typed, sector):
    assert resolve_sector(typed) == sector


@pytest.mark.parametrize("typed", ["jobs in Cook County", "I want it", "retail", "", None])
def test_other_words_do_not_resolve_to_a_sector(typed):
    assert resolve_sector(typed) is None


# ---------------------------------------------------------------- buttons lead somewhere real


def test_buttons_send_real_intents_and_entities_the_data_answers():
    for topic, variants in knowledge().answers.items():
        for name, variant in variants.items():
            for button in variant.buttons:
                assert button.intent in domain_intents(), f"{topic}.{name}"
                entities = button.entities
                if "sector" in entities:
                    assert resolve_sector(entities["sector"]) == entities["sector"]
                    assert entities["sector"] in knowledge().answers[button.intent]
                if "detail" in entities:
                    assert entities["detail"] in knowledge().answers[button.intent]


def test_button_payloads_are_rasa_syntax():
    reply = answer("ask_training_funding", "en")
    for _, payload in reply.buttons:
        intent, _, entities = payload[1:].partition("{")
        assert payload.startswith("/") and intent in domain_intents()
        if entities:
            assert isinstance(json.loads("{" + entities), dict)


# ---------------------------------------------------------------- texts and data stay in step


def test_every_text_key_exists_in_both_languages_with_the_same_placeholders():
    english, spanish = _kn_keys("en"), _kn_keys("es")
    assert english.keys() == spanish.keys()
    for key in english:
        assert texts.placeholders(english[key]) == texts.placeholders(spanish[key]), key
        assert english[key].strip() and spanish[key].strip(), key


def test_placeholders_name_facts_that_have_a_value():
    facts = knowledge().facts
    allowed = {f.id for f in facts.values() if f.value is not None}
    allowed |= {f.id + YEAR_SUFFIX for f in facts.values() if f.source_year is not None}
    allowed |= {"month", "year"}  # kn_month_year only
    for key, template in _kn_keys("en").items():
        assert texts.placeholders(template) <= allowed, key


def test_every_text_is_used_and_every_used_text_exists():
    used = {"kn_months", "kn_month_year"}
    for variants in knowledge().answers.values():
        for variant in variants.values():
            used |= set(variant.text_keys) | {b.title_key for b in variant.buttons}
    assert used == set(_kn_keys("en"))


def test_every_fact_is_shown_or_cited_by_some_answer():
    cited = set()
    for variants in knowledge().answers.values():
        for variant in variants.values():
            cited |= {fact.id for fact in facts_shown(variant, "en")}
    assert cited == set(knowledge().facts)


def test_every_fact_has_status_source_and_checked_date():
    for fact in knowledge().facts.values():
        assert fact.status in KNOWLEDGE_STATUSES
        assert fact.sources and all(s.strip() for s in fact.sources)
        assert isinstance(fact.checked, dt.date) and fact.checked <= dt.date.today()
        assert fact.urls, f"{fact.id} has nothing a user could follow"
        if fact.status == "official_link":
            assert fact.value.startswith("https://") and "official" in fact.sources[0]
        else:
            assert all(s.startswith(("http://", "https://")) for s in fact.sources), fact.id


def test_every_unknown_records_where_we_looked():
    for unknown in knowledge().unknowns.values():
        assert unknown.note and unknown.looked_in and isinstance(unknown.checked, dt.date)
    assert {"ita_dollar_cap", "ides_ui_phone", "techapalooza", "free_legal_help_org"} <= set(
        knowledge().unknowns
    )


@pytest.mark.parametrize("language", LANGS)
def test_dated_facts_are_shown_with_their_year(language):
    for topic, name, kwargs in VARIANTS:
        variant = knowledge().answers[topic][name]
        text = answer(topic, language, **kwargs).text
        for fact in facts_shown(variant, language):
            if fact.status == "dated" and fact.value is not None:
                assert str(fact.source_year) in text, f"{topic}.{name}: {fact.id}"


# ---------------------------------------------------------------- a bad edit fails loudly


FACT = {
    "statement": "s",
    "value": 1,
    "status": "confirmed",
    "source": "https://x.example/",
    "checked": "2026-11-24",
}
ANSWERS = {
    "employer_ojt": {
        "default": {
            "texts": ["kn_ojt_rates"],
            "buttons": [{"title": "kn_btn_iwt", "intent": "employer_iwt"}],
        }
    }
}


def _write(tmp_path: Path, data: dict) -> Path:
    (tmp_path / "topic.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "broken",
    [
        {"facts": {"f": {k: v for k, v in FACT.items() if k != "source"}}},
        {"facts": {"f": {**FACT, "checked": None}}},
        {"facts": {"f": {**FACT, "status": "dated"}}},
        {"facts": {"f": {**FACT, "status": "probably"}}},
        {"unknowns": {"u": {"note": "n", "looked_in": "x", "checked": "2026-11-24", "value": 3}}},
        {
            "answers": {
                "employer_ojt": {
                    "default": {**ANSWERS["employer_ojt"]["default"], "facts": ["missing"]}
                }
            }
        },
        {
            "answers": {
                "employer_ojt": {
                    "default": {
                        "texts": ["kn_ojt_rates"],
                        "buttons": [{"title": "t", "intent": "nope"}],
                    }
                }
            }
        },
        {"answers": {"not_an_intent": ANSWERS["employer_ojt"]}},
        {"facts": {"f": {"statement": "s", "from_site": {"site": "pilsen", "fields": ["phone"]}}}},
    ],
    ids=[
        "no source",
        "no date",
        "dated without year",
        "bad status",
        "unknown with value",
        "cites missing fact",
        "button to unknown intent",
        "answer for non-intent",
        "site field not confirmed",
    ],
)
def test_broken_knowledge_file_is_refused(tmp_path, broken):
    with pytest.raises(KnowledgeError):
        load(_write(tmp_path, broken))


def test_valid_minimal_file_loads(tmp_path):
    loaded = load(_write(tmp_path, {"facts": {"f": FACT}, "answers": ANSWERS}))
    assert loaded.facts["f"].value == 1
