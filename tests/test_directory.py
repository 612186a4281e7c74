"""The AJC directory: sites with sourced facts, place names in both languages, nearest by ZIP."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot import CONTENT_DIR
from bot.directory import Location, LocationProblem, load_directory
from bot.directory.sites import SiteDataError
from bot.textnorm import fold

# The AJC tables of the shared reference file, copied in (see tests/fixtures/README.md).
FACTS_FILE = Path(__file__).parent / "fixtures" / "network-facts-ajcs.md"


@pytest.fixture(scope="module")
def d():
    return load_directory()


def located(result: Location | LocationProblem) -> Location:
    assert isinstance(result, Location), f"expected a location, got {result}"
    return result


def problem(result: Location | LocationProblem) -> LocationProblem:
    assert isinstance(result, LocationProblem), f"expected a problem, got {result}"
    return result


# ------------------------------------------------------------------ nearest by ZIP


def test_little_village_zip_gets_pilsen_first(d) -> None:
    nearby = d.nearest(located(d.resolve(zip_code="60623")))
    assert nearby[0].site.id == "pilsen"
    assert 1 < nearby[0].miles < 4


@pytest.mark.parametrize(
    ("zip_code", "site_id"),
    [("60608", "pilsen"), ("60640", "truman"), ("60426", "south_suburban_harvey"),
     ("60652", "daley"), ("60644", "malcolm_x_west"), ("60411", "prairie_state")],
)  # fmt: skip
def test_a_sites_own_zip_puts_it_first_at_zero_miles(d, zip_code: str, site_id: str) -> None:
    first = d.nearest(located(d.resolve(zip_code=zip_code)))[0]
    assert first.site.id == site_id and first.miles < 0.01


def test_results_are_sorted_by_distance_and_limited(d) -> None:
    nearby = d.nearest(located(d.resolve(zip_code="60623")), limit=5)
    miles = [item.miles for item in nearby]
    assert miles == sorted(miles) and len(nearby) == 5
    assert len(d.nearest(located(d.resolve(zip_code="60623")), limit=2)) == 2


def test_nearest_only_offers_sites_with_a_known_position(d) -> None:
    everything = d.nearest(located(d.resolve(zip_code="60201")), limit=50, kind="any")
    offered = {item.site.id for item in everything}
    assert "north_suburban" not in offered, "no address, so no position: never 'nearest'"
    assert "sector_hospitality_tourism" in offered
    assert {item.site.kind for item in d.nearest(located(d.resolve(zip_code="60201")))} == {"ajc"}


def test_downtown_zip_is_served_by_a_chicago_ajc(d) -> None:
    here = located(d.resolve(zip_code="60611"))
    assert here.kind == "zip" and here.label == "60611" and here.precise_zip
    assert d.nearest(here)[0].site.area == "chicago"


def test_zip_plus_four_and_spaces_are_accepted(d) -> None:
    assert located(d.resolve(zip_code=" 60623-1234 ")).zip == "60623"


def test_po_box_zip_resolves_but_is_flagged_imprecise(d) -> None:
    here = located(d.resolve(zip_code="60690"))
    assert here.zip_type == "PO BOX" and not here.precise_zip


@pytest.mark.parametrize("text", ["99999", "00000", "6062", "606231", "6o623", "abcde", "60 623"])
def test_malformed_or_unreal_zip_is_invalid(d, text: str) -> None:
    found = problem(d.resolve(zip_code=text))
    assert found.reason == "invalid_zip" and found.input == text


@pytest.mark.parametrize("text", ["606", " 6062 ", "606231", "99999"])
def test_typed_digits_are_located_as_an_invalid_zip_not_an_unknown_place(d, text: str) -> None:
    found = problem(d.locate(text))
    assert found.reason == "invalid_zip" and found.input == text.strip()


@pytest.mark.parametrize(("text", "label"), [(" 60623 ", "60623"), ("Pílsen", "Pilsen")])
def test_typed_zip_or_place_is_located(d, text: str, label: str) -> None:
    assert located(d.locate(text)).label == label


def test_retired_zip_is_invalid(d) -> None:
    assert problem(d.resolve(zip_code="60209")).detail == "inactive"


@pytest.mark.parametrize(
    ("zip_code", "county", "state"),
    [("60101", "DuPage County", "IL"), ("10001", "New York County", "NY"),
     ("46320", "Lake County", "IN")],
)  # fmt: skip
def test_zip_outside_cook_county_names_county_and_state(
    d, zip_code: str, county: str, state: str
) -> None:
    found = problem(d.resolve(zip_code=zip_code))
    assert (found.reason, found.county, found.state) == ("outside_area", county, state)
    assert found.location is not None and found.location.zip == zip_code


def test_outside_area_says_how_far_from_cook_county(d) -> None:
    hammond = problem(d.resolve(zip_code="46320")).miles_to_area
    new_york = problem(d.resolve(zip_code="10001")).miles_to_area
    assert hammond < 5 < 500 < new_york


# ------------------------------------------------------------------ places


@pytest.mark.parametrize(
    ("text", "place_id"),
    [("Little Village", "chicago/little-village"), ("LITTLE VILLAGE", "chicago/little-village"),
     ("la villita", "chicago/little-village"), ("La Villita", "chicago/little-village"),
     ("en La Villita", "chicago/little-village"), ("Pílsen", "chicago/pilsen"),
     ("PILSEN", "chicago/pilsen"), ("pilsen, Chicago", "chicago/pilsen"),
     ("Barrio Chino", "chicago/chinatown"), ("barrio chino", "chicago/chinatown"),
     ("el centro", "chicago/loop"), ("Downtown", "chicago/loop"), ("the Loop", "chicago/loop"),
     ("Back of the Yards", "chicago/back-of-the-yards"), ("Paseo Boricua", "chicago/humboldt-park"),
     ("belmont-cragin", "chicago/belmont-cragin"), ("O’Hare", "chicago/ohare"),
     ("Lawndale", "chicago/north-lawndale"), ("Lakeview", "chicago/lake-view")],
)  # fmt: skip
def test_neighborhood_names_in_both_languages_any_case_and_accents(
    d, text: str, place_id: str
) -> None:
    place = d.find_place(text)
    assert place is not None and place.id == place_id
    here = located(d.resolve(place=text))
    assert here.kind == "neighborhood" and here.place.id == place_id


def test_la_villita_is_named_in_spanish_and_served_by_pilsen(d) -> None:
    here = located(d.resolve(place="la villita"))
    assert here.place.display_name("es") == "La Villita"
    assert here.place.display_name("en") == "Little Village"
    assert d.nearest(here)[0].site.id == "pilsen"


BRIEF_NEIGHBORHOODS = [
    "Pilsen", "Little Village", "Back of the Yards", "Humboldt Park", "Logan Square", "Uptown",
    "Rogers Park", "Englewood", "South Shore", "Chinatown", "Bridgeport", "Brighton Park",
    "Gage Park", "Belmont Cragin", "Hermosa", "Albany Park", "Austin", "Garfield Park",
    "Lawndale", "Chatham", "Roseland", "Pullman", "Hegewisch", "Loop",
]  # fmt: skip


def test_all_77_community_areas_and_common_neighborhoods_are_known(d) -> None:
    areas = [place for place in d.places if place.kind == "community_area"]
    assert len(areas) == 77
    missing = [name for name in BRIEF_NEIGHBORHOODS if d.find_place(name) is None]
    assert missing == []


def test_every_chicago_place_is_in_cook_county_and_near_an_ajc(d) -> None:
    for place in d.places:
        if place.kind not in ("community_area", "neighborhood"):
            continue
        here = located(d.resolve(place=place.id))
        assert (here.county, here.state) == ("Cook County", "IL"), place.name
        assert d.nearest(here, limit=1)[0].miles < 12, f"{place.name}: ZIP {place.zip} looks wrong"
        assert "verify" in (place.note or ""), "representative ZIPs must say they need checking"


@pytest.mark.parametrize(
    "town",
    ["Cicero", "CICERO", "Berwyn", "Evanston", "Skokie", "Harvey", "Chicago Heights",
     "Des Plaines", "Schaumburg", "Oak Park", "Melrose Park", "Dixmoor", "Norridge"],
)  # fmt: skip
def test_suburbs_come_from_the_zip_data(d, town: str) -> None:
    here = located(d.resolve(place=town))
    assert here.kind == "suburb" and here.county == "Cook County"
    assert here.place.source == "https://pypi.org/project/zipcodes/"


def test_harvey_is_served_by_the_harvey_ajc(d) -> None:
    assert d.nearest(located(d.resolve(place="Harvey")))[0].site.id == "south_suburban_harvey"


def test_multi_zip_town_sits_between_its_zip_centroids(d) -> None:
    evanston = d.find_place("Evanston")
    assert len(evanston.zips) > 1
    points = [located(d.resolve(zip_code=code)) for code in evanston.zips]
    assert min(p.lat for p in points) <= evanston.lat <= max(p.lat for p in points)


def test_town_with_only_a_po_box_zip_in_cook_uses_it(d) -> None:
    assert located(d.resolve(place="Barrington")).zip_type == "PO BOX"


@pytest.mark.parametrize(
    ("text", "name"),
    [("Arlington Hts", "Arlington Heights"), ("Mt Prospect", "Mount Prospect"),
     ("Mt. Prospect", "Mount Prospect"), ("McCook", "Mc Cook"), ("Cicero, IL", "Cicero")],
)  # fmt: skip
def test_usps_abbreviations_and_state_suffixes_find_the_town(d, text: str, name: str) -> None:
    assert d.find_place(text).name == name


def test_chicago_riverdale_wins_over_the_suburb_of_the_same_name(d) -> None:
    assert d.find_place("Riverdale").id == "chicago/riverdale"


@pytest.mark.parametrize(
    ("town", "county", "state"),
    [("Waukegan", "Lake County", "IL"), ("Naperville", "DuPage County", "IL"),
     ("Joliet", "Will County", "IL"), ("Gary", "Lake County", "IN")],
)  # fmt: skip
def test_towns_of_neighbouring_counties_are_outside_the_area(
    d, town: str, county: str, state: str
) -> None:
    found = problem(d.resolve(place=town))
    assert (found.reason, found.county, found.state, found.city) == (
        "outside_area", county, state, town
    )  # fmt: skip


def test_whole_city_or_county_is_too_broad_to_measure_from(d) -> None:
    assert problem(d.resolve(place="Chicago")).reason == "too_broad"
    assert problem(d.resolve(place="condado de Cook")).reason == "too_broad"


def test_unknown_place_is_reported_and_typos_get_suggestions(d) -> None:
    found = problem(d.resolve(place="Narnia"))
    assert (found.reason, found.input) == ("unknown_place", "Narnia")
    assert d.find_place("Pilsem") is None
    assert d.suggest_places("Pilsem")[0].id == "chicago/pilsen"
    assert d.suggest_places("litle village")[0].id == "chicago/little-village"


def test_a_zip_typed_as_a_place_is_treated_as_a_zip(d) -> None:
    assert located(d.resolve(place="60623")).kind == "zip"


def test_an_empty_answer_is_an_unknown_place_not_a_crash(d) -> None:
    assert problem(d.resolve(place="  ")).reason == "unknown_place"


# ------------------------------------------------------------------ gazetteer


def test_gazetteer_covers_both_languages_and_suburbs(d) -> None:
    entries = dict(d.gazetteer())
    assert entries["La Villita"] == "chicago/little-village"
    assert entries["Little Village"] == "chicago/little-village"
    assert entries["Barrio Chino"] == "chicago/chinatown"
    assert entries["Cicero"] == "suburb/cicero"
    assert entries["Waukegan"] == "outside/il/waukegan"
    assert all(d.place(place_id) is not None for place_id in entries.values())


def test_gazetteer_leaves_out_everyday_words_unless_asked(d) -> None:
    default = {fold(form) for form, _ in d.gazetteer()}
    full = {fold(form) for form, _ in d.gazetteer(include_common_words=True)}
    for word in ("worth", "golf", "hermosa", "el centro", "union"):
        assert word not in default and word in full
    assert d.find_place("Worth").kind == "suburb", "still usable as a direct answer"


def test_gazetteer_forms_are_unique_after_folding(d) -> None:
    folded = [fold(form) for form, _ in d.gazetteer(include_common_words=True)]
    assert len(folded) == len(set(folded))


def test_fold_keeps_offsets() -> None:
    text = "Vivo en PÍLSEN, cerca de La Villita"
    assert len(fold(text)) == len(text)
    assert fold(text)[8:14] == "pilsen"


# ------------------------------------------------------------------ site facts


def test_every_known_site_fact_has_a_source_and_every_unknown_a_note(d) -> None:
    for site in d.sites:
        facts = list(site.facts.items()) + [(f"service {s.tag}", s.fact) for s in site.services]
        for name, fact in facts:
            where = f"{site.id}.{name}"
            assert fact.checked == "2026-11-24", where
            if fact.known:
                assert fact.source and fact.source.startswith("http"), where
            else:
                assert fact.status == "unknown" and fact.note, where


def test_all_sites_from_the_facts_file_are_present(d) -> None:
    assert [site.id for site in d.ajcs()] == [
        "truman", "daley", "malcolm_x_west", "pilsen", "south_suburban_harvey",
        "prairie_state", "north_suburban",
    ]  # fmt: skip
    assert {site.sector for site in d.sector_centers()} == {
        "hospitality_tourism", "healthcare", "it", "tdl"
    }  # fmt: skip


def _facts_table_rows() -> dict[str, dict[str, str]]:
    """Rows of the AJC tables in the facts file (2a, 2b), keyed by '#' (C1, S2...)."""
    rows: dict[str, dict[str, str]] = {}
    header: list[str] = []
    for line in FACTS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "#":
            header = cells
        elif header and re.fullmatch(r"[CS]\d", cells[0]):
            rows[cells[0]] = dict(zip(header, cells, strict=False))
    return rows


def test_no_ajc_phone_or_hours_where_the_facts_file_has_none(d) -> None:
    rows = _facts_table_rows()
    assert {"C1", "C4", "S1", "S3"} <= rows.keys()
    for site in d.ajcs():
        row = rows[site.facts_ref.split()[-1]]
        if not row["Phone"]:
            assert site.phone is None, site.id
        if not row["Hours"]:
            assert site.hours is None, site.id
        assert site.hours is None, "the only 'hours' in the file is 'appointment only'"


def test_every_contact_and_address_appears_in_the_facts_file(d) -> None:
    text = FACTS_FILE.read_text(encoding="utf-8")
    for site in d.sites:
        for value in (site.phone, site.email, site.address, site.operator):
            assert value is None or value in text, f"{site.id}: {value!r} is not in the facts"


def test_spanish_staff_is_known_only_for_pilsen(d) -> None:
    assert {site.id: site.spanish_staff for site in d.sites if site.spanish_staff is not None} == {
        "pilsen": True
    }


def test_north_suburban_has_a_website_but_no_address(d) -> None:
    site = d.site("north_suburban")
    assert site.website == "https://www.northcookjobcenter.com"
    assert site.address is None and site.map_url is None and not site.has_coordinates
    assert "address" in site.unknown_fields()


def test_zips_from_the_lookup_are_marked_unconfirmed(d) -> None:
    for site_id in ("truman", "malcolm_x_west", "pilsen", "south_suburban_harvey"):
        zip_fact = d.site(site_id).fact("zip")
        assert zip_fact.status == "unconfirmed" and "zipcodes" in zip_fact.note
    assert d.site("daley").fact("zip").status == "confirmed"


def test_sites_have_both_names_and_a_map_link_from_the_address(d) -> None:
    pilsen = d.site("pilsen")
    assert pilsen.name("es") == "Centro de Empleo Americano (AJC) de Pilsen"
    assert pilsen.name("en") == "American Job Center in Pilsen"
    assert pilsen.address_line == "1700 W. 18th St, Chicago, IL 60608"
    assert pilsen.map_url == (
        "https://www.google.com/maps/search/?api=1&query=1700+W.+18th+St%2C+Chicago%2C+IL+60608"
    )
    assert d.site("prairie_state").status == "dated"


# ------------------------------------------------------------------ staff editing


@pytest.mark.parametrize("name", ["sites.yml", "places.yml"])
def test_files_start_with_instructions_for_staff(name: str) -> None:
    head = (CONTENT_DIR / name).read_text(encoding="utf-8").split("\n\n")[0]
    assert head.startswith("#") and "no retraining" in head.lower()
    assert "zip" in head.lower()


def _content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    target.mkdir()
    for name in ("sites.yml", "places.yml"):
        shutil.copy(CONTENT_DIR / name, target / name)
    return target


def test_a_site_added_by_staff_is_offered_without_code_changes(tmp_path: Path) -> None:
    content = _content_copy(tmp_path)
    data = yaml.safe_load((content / "sites.yml").read_text(encoding="utf-8"))
    new = dict(data["sites"][0], id="test_evanston", names=["evanston ajc"])
    new["zip"] = dict(new["zip"], value="60201", status="confirmed", note=None)
    data["sites"].append(new)
    (content / "sites.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    d = load_directory(content)
    assert d.nearest(located(d.resolve(place="Evanston")))[0].site.id == "test_evanston"
    assert d.site_named("what are the hours of the Evanston AJC?") is d.site("test_evanston")


def test_a_value_without_a_source_is_refused(tmp_path: Path) -> None:
    content = _content_copy(tmp_path)
    data = yaml.safe_load((content / "sites.yml").read_text(encoding="utf-8"))
    data["sites"][0]["phone"] = {"value": "(312) 555-0100", "status": "confirmed",
                                 "checked": "2026-11-24"}  # fmt: skip
    (content / "sites.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SiteDataError, match="source"):
        load_directory(content)


def test_the_directory_is_loaded_once_per_process() -> None:
    assert load_directory() is load_directory()


# ------------------------------------------------------------------ a site named in a message


@pytest.mark.parametrize(
    ("message", "site_id"),
    [
        ("what are the hours of the Pilsen center", "pilsen"),
        ("horario del centro de empleo de Pílsen", "pilsen"),
        ("teléfono de Daley", "daley"),
        ("TELEFONO DE DALEY?", "daley"),
        ("what's the phone number of the AJC at Richard J. Daley College", "daley"),
        ("when does truman open", "truman"),
        ("hours of the Malcolm X College west campus", "malcolm_x_west"),
        ("hours of the harvey center", "south_suburban_harvey"),
        ("numero del ajc de harvey", "south_suburban_harvey"),
        ("is the prairie state college AJC open on saturday", "prairie_state"),
        ("phone of the north suburban job center", "north_suburban"),
        ("phone of the hospitality & tourism sector center", "sector_hospitality_tourism"),
        ('/ask_hours{"place":"Daley"}', "daley"),
    ],
)
def test_a_site_is_found_by_the_name_people_use(d, message: str, site_id: str) -> None:
    site = d.site_named(message)
    assert site is not None and site.id == site_id, message


@pytest.mark.parametrize(
    "message",
    [
        "what are the hours near Pilsen",  # a place: nearest centers, not one site
        "horario en pilsen",
        "is there a job center near Harvey?",
        "what's the phone number for the job center",
        "is it open today",
        "hours of the Olive-Harvey center",  # a college inside the name, not the Harvey AJC
        "daleyville trumanesque",  # whole words only
        "it is open? what about the tech",
    ],
)
def test_no_site_is_found_in_a_place_or_common_words(d, message: str) -> None:
    assert d.site_named(message) is None, message


def test_a_bare_place_name_still_resolves_as_a_place(d) -> None:
    assert located(d.resolve(place="Pilsen")).place is not None
    assert d.nearest(located(d.resolve(place="Pilsen")))[0].site.id == "pilsen"


def test_every_site_has_names_that_are_not_place_names(d) -> None:
    for site in d.sites:
        assert site.names, f"{site.id} has no names in content/sites.yml"
        for name in site.names:
            assert d.find_place(name) is None or " " in name, (site.id, name)


def _with_names(tmp_path: Path, site_index: int, names: list[str]) -> Path:
    content = _content_copy(tmp_path)
    data = yaml.safe_load((content / "sites.yml").read_text(encoding="utf-8"))
    data["sites"][site_index]["names"] = names
    (content / "sites.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return content


def test_a_name_claimed_by_two_sites_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SiteDataError, match="claimed by truman and daley"):
        load_directory(_with_names(tmp_path, 1, ["Truman College"]))


def test_a_bare_place_name_as_a_site_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SiteDataError, match="place"):
        load_directory(_with_names(tmp_path, 3, ["Pílsen"]))


def test_a_name_added_by_staff_works_without_code_changes(tmp_path: Path) -> None:
    d = load_directory(_with_names(tmp_path, 0, ["Wilson Avenue job center"]))
    site = d.site_named("hours of the wilson avenue JOB CENTER please")
    assert site is not None and site.id == "truman"
