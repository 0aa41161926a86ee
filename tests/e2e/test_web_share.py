"""Keep and share, in real Chromium: permalinks, CSV/JSON export, print view, the map, the
interface's language, and /docs with the network blocked."""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.browser

NEEDS = "We need affordable housing for refugees. Language courses for migrant women."
REQUEST = {"needs": NEEDS, "city": "Livadeia", "population": 30000}
COLUMNS = ["kind", "mentee", "city", "country", "need", "practice", "document", "source", "page", "passage",
           "strength", "score"]


def recommendation_url(**fields) -> str:
    return "/#/mentee?" + urlencode(fields)


def expected_recommendation(http, **fields) -> dict:
    response = http.post("/recommend", json={**fields, "k": 10})
    assert response.status_code == 200, response.text
    return response.json()


def shown_mentors(page) -> list[str]:
    return page.locator("#mentor-list li.card h3 a").all_inner_texts()


def wait_for_recommendation(page) -> None:
    page.locator("#mentor-list li").first.wait_for()
    page.locator("#mentee-submit:not([disabled])").wait_for()


def read_download(page, button) -> tuple[str, bytes]:
    with page.expect_download() as info:
        button.click()
    download = info.value
    with open(download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


def test_recommendation_permalink_reproduces_the_answer(open_page, http):
    page = open_page("/")
    page.get_by_label("Your needs", exact=False).fill(NEEDS)
    page.get_by_label("Your city", exact=True).fill("Livadeia")
    page.get_by_label("Population (optional)", exact=True).fill("30000")
    page.get_by_role("button", name="Find practices and mentors").click()
    wait_for_recommendation(page)
    expected = expected_recommendation(http, **REQUEST)
    assert shown_mentors(page) == [m["city"] for m in expected["mentors"]]
    assert "needs=" in page.url and "city=Livadeia" in page.url and "population=30000" in page.url
    assert page.locator("#mentee-permalink").input_value() == page.url

    # the link alone, in a fresh browser context: the same answer and the same form
    link = page.url
    fresh = open_page(None)
    fresh.goto(link)
    wait_for_recommendation(fresh)
    assert shown_mentors(fresh) == [m["city"] for m in expected["mentors"]]
    assert fresh.get_by_label("Your needs", exact=False).input_value() == NEEDS
    assert fresh.get_by_label("Your city", exact=True).input_value() == "Livadeia"
    shown_practices = fresh.locator("#practice-list li.card h3").all_inner_texts()
    assert shown_practices == [p["title"] for p in expected["practices"]]

    # reload, and back from another view
    page.reload()
    wait_for_recommendation(page)
    assert shown_mentors(page) == [m["city"] for m in expected["mentors"]]
    page.locator("#practice-list .links a").first.click()
    page.locator("#document-title").wait_for()
    page.go_back()
    wait_for_recommendation(page)
    assert shown_mentors(page) == [m["city"] for m in expected["mentors"]]


def test_search_permalink_and_export(open_page, http):
    params = {"q": "language courses for migrant women", "lang": "en"}
    page = open_page("/#/search?" + urlencode(params))
    page.locator("#search-results li.card").first.wait_for()
    answer = http.get("/search", params={**params, "k": 20}).json()
    assert page.locator("#search-results li.card h3").all_inner_texts() == [r["title"] for r in answer["results"]]
    assert page.locator("#search-permalink").input_value() == page.url

    name, body = read_download(page, page.locator("#search-csv"))
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["document"] for r in rows] == [r["title"] for r in answer["results"]]
    assert [r["passage"] for r in rows] == [r["snippet"] for r in answer["results"]]
    assert [int(r["page"]) for r in rows] == [r["page"] for r in answer["results"]]
    assert {r["need"] for r in rows} == {params["q"]}


def test_recommendation_export_csv_and_json(open_page, http):
    page = open_page(recommendation_url(**REQUEST))
    wait_for_recommendation(page)
    answer = expected_recommendation(http, **REQUEST)

    name, body = read_download(page, page.locator("#mentee-csv"))
    assert name.endswith(".csv") and "praxis-recommendation" in name
    assert body.startswith("\ufeff".encode())  # spreadsheets then read UTF-8
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert reader.fieldnames == COLUMNS
    rows = list(reader)
    mentor_rows = [r for r in rows if r["kind"] == "mentor"]
    evidence = [(m["city"], ev) for m in answer["mentors"] for ev in m["evidence"]]
    assert len(mentor_rows) == len(evidence) > 0
    for row, (city, ev) in zip(mentor_rows, evidence):
        assert (row["city"], row["need"], row["document"], int(row["page"])) == (city, ev["need"], ev["title"], ev["page"])
        assert row["passage"] == ev["snippet"]  # the quoted passage, unaltered (quotes, commas, new lines)
    practice_rows = [r for r in rows if r["kind"] == "practice"]
    assert {r["practice"] for r in practice_rows} == {p["title"] for p in answer["practices"]}

    name, body = read_download(page, page.locator("#mentee-json"))
    assert name.endswith(".json")
    exported = json.loads(body)
    assert exported["answer"]["mentors"] == answer["mentors"]
    assert exported["answer"]["practices"] == answer["practices"]
    assert exported["request"]["needs"] == NEEDS
    assert len(exported["evidence"]) == len(rows)
    assert exported["link"] == page.url


def test_print_view_one_page_per_mentor(open_page, http, tmp_path):
    page = open_page(recommendation_url(**REQUEST))
    wait_for_recommendation(page)
    mentors = page.locator("#mentor-list li.card.mentor")
    n = mentors.count()
    assert n >= 4
    # on screen, only the first three mentors show their evidence
    assert not mentors.nth(3).locator(".disclosure-body").is_visible()
    assert page.locator("#mentee-form").is_visible()

    page.emulate_media(media="print")
    assert not page.locator("#mentee-form").is_visible()
    assert not page.locator(".share").first.is_visible()
    assert not page.locator("header.top").is_visible()
    header = page.locator("#mentee-answer-head .print-header")
    assert header.is_visible() and NEEDS in header.inner_text()
    for i in range(n):
        card = mentors.nth(i)
        assert card.locator(".disclosure-body").is_visible(), f"mentor {i} prints its evidence"
        assert card.evaluate("el => getComputedStyle(el).breakBefore") == "page"
    # the printed document: at least one page per mentor
    from pypdf import PdfReader

    pdf = tmp_path / "answer.pdf"
    page.pdf(path=str(pdf), format="A4")
    pages = [p.extract_text() for p in PdfReader(str(pdf)).pages]
    assert len(pages) >= n + 1
    for heading in page.locator("#mentor-list li.card h3").all_inner_texts():
        heading = " ".join(heading.split())  # "Vienna AT": the mentor's name and country
        starts = [i for i, text in enumerate(pages) if " ".join(text.split()).startswith(heading)]
        assert len(starts) == 1, f"{heading} starts exactly one page (pages {starts})"
    page.emulate_media(media="screen")
    assert page.locator("#mentee-form").is_visible()


def test_map_places_mentor_cities_and_the_mentee(open_page, http):
    page = open_page(recommendation_url(**REQUEST))
    wait_for_recommendation(page)
    answer = expected_recommendation(http, **REQUEST)
    page.wait_for_function("document.querySelector('#mentee-map').dataset.cities !== undefined")
    assert page.locator("#mentee-map svg .map-land path").count() > 40  # country outlines, shipped
    legend = page.locator("#mentee-map .map-legend").inner_text()
    drawn = page.locator("#mentee-map .map-mentor").evaluate_all("els => els.map(e => e.dataset.name)")
    assert page.locator("#mentee-map .map-mentor circle").count() == len(drawn) >= 1
    outside = [m["city"] for m in answer["mentors"] if m["city"] not in drawn]
    assert all(name in legend for name in outside), "a mentor not drawn is named beside the map"
    assert sorted(drawn + outside) == sorted(m["city"] for m in answer["mentors"])
    mentee = page.locator("#mentee-map .map-mentee")
    assert mentee.count() == 1 and mentee.get_attribute("data-name") == answer["mentee"]["city"]

    # each drawn city is where its coordinates say: inside the map, further north is higher up,
    # further east is further right
    size = page.locator("#mentee-map svg").evaluate("s => [s.viewBox.baseVal.width, s.viewBox.baseVal.height]")
    places = []
    for name, country in [(n, next(m["country"] for m in answer["mentors"] if m["city"] == n)) for n in drawn] + [
            (answer["mentee"]["city"], answer["mentee"]["country"])]:
        city = http.get(f"/cities/{name}", params={"country": country}).json()
        circle = page.locator(f"#mentee-map .map-city[data-name='{name}'] circle")
        x, y = float(circle.get_attribute("cx")), float(circle.get_attribute("cy"))
        assert 0 <= x <= size[0] and 0 <= y <= size[1]
        places.append((city["latitude"], city["longitude"], x, y))
    north, south = max(places), min(places)
    assert north[0] - south[0] < 3 or north[3] < south[3]
    east, west = max(places, key=lambda p: p[1]), min(places, key=lambda p: p[1])
    assert east[1] - west[1] < 5 or east[2] > west[2]
    assert page.outside == [], "the map needs no network"


def test_language_switch_leaves_user_text_and_passages_alone(open_page):
    greek_needs = "Χρειαζόμαστε στέγαση για πρόσφυγες. Μαθήματα γλώσσας για γυναίκες μετανάστριες."
    page = open_page(recommendation_url(needs=greek_needs, city="Livadeia"), locale="pl-PL")
    wait_for_recommendation(page)
    # picked from the browser's language
    assert page.evaluate("document.documentElement.lang") == "pl"
    assert page.locator("#mentee-submit").inner_text() == "Znajdź praktyki i mentorów"
    assert page.locator("#ui-lang").input_value() == "pl"
    quotes = page.locator("#mentee-results blockquote").all_inner_texts()
    needs_shown = page.locator("#mentor-list .need span[translate='no']").all_inner_texts()
    assert quotes and needs_shown

    page.get_by_label("Język interfejsu").select_option("el")
    page.locator("#mentee-submit", has_text="Βρείτε πρακτικές και μέντορες").wait_for()
    assert page.evaluate("document.documentElement.lang") == "el"
    assert page.locator("#mentors-title").inner_text() == "Πόλεις-μέντορες"
    assert page.locator("#mentee-status").inner_text().startswith(("2 ανάγκες", "1 ανάγκη"))
    # what the user wrote and what the documents say: untouched
    assert page.get_by_label("Οι ανάγκες σας", exact=False).input_value() == greek_needs
    assert page.locator("#mentee-results blockquote").all_inner_texts() == quotes
    assert page.locator("#mentor-list .need span[translate='no']").all_inner_texts() == needs_shown
    assert page.locator("#mentee-results blockquote[translate='no']").count() == len(quotes)

    # the choice is kept, and every catalogue language can be picked
    page.reload()
    page.locator("#mentee-submit", has_text="Βρείτε").wait_for()
    options = page.locator("#ui-lang option").evaluate_all("os => os.map(o => o.value)")
    assert {"en", "el", "pl", "it", "fr"} <= set(options)
    for code, word in [("it", "Cerca"), ("fr", "Rechercher"), ("en", "Search")]:
        page.locator("#ui-lang").select_option(code)
        assert page.locator(".tabs a[data-view='search']").inner_text() == word


def test_every_language_has_every_message(open_page):
    page = open_page("/")
    missing = page.evaluate("""() => {
        const m = window.PRAXIS_I18N.messages, en = Object.keys(m.en), out = {};
        for (const [code, table] of Object.entries(m)) out[code] = en.filter(k => !(k in table));
        return out; }""")
    assert len(missing) >= 5
    assert all(not keys for keys in missing.values()), missing
    keys = page.evaluate("[...document.querySelectorAll('[data-i18n]')].map(e => e.dataset.i18n)")
    known = page.evaluate("Object.keys(window.PRAXIS_I18N.messages.en)")
    assert set(keys) <= set(known)


def test_api_docs_render_with_the_network_blocked(open_page):
    page = open_page("/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    operations = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert any("/recommend" in op for op in operations)
    assert any("/search" in op for op in operations)
    assert page.outside == [], f"/docs asked another host: {page.outside}"
    html = page.content()
    assert not re.search(r"""(src|href)=["']https?://""", html.split('<div id="swagger-ui"')[0])
