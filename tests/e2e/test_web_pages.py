"""The pages a coordinator and a mentee city use, in real Chromium: practice page (sources,
language versions, similar practices), the mentee's resolved city with alternatives, strengths
and gaps, the cohort page and the coverage heat map. Each compares the page with the API."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.browser

COHORT = {
    "mentees": [
        {"city": "Livadeia", "needs": "Newcomers cannot find language courses. We need a welcome office for migrants."},
        {"city": "Capaci", "needs": "Young migrants need help finding jobs and training."},
    ],
    "capacity": 1,
}


def wait_for_recommendation(page) -> None:
    page.locator("#mentor-list li").first.wait_for()
    page.locator("#mentee-submit:not([disabled])").wait_for()


def a_practice_id(http) -> int:
    """The first practice of the first document that has one (whatever the library holds)."""
    for doc in http.get("/documents", params={"limit": 500}).json()["items"]:
        practices = http.get(f"/documents/{doc['id']}").json()["practices"]
        if practices:
            return practices[0]["id"]
    pytest.fail("the test library has no practice")


def test_practice_page_shows_sources_versions_and_similar_practices(open_page, http):
    practice_id = a_practice_id(http)
    practice = http.get(f"/practices/{practice_id}").json()
    page = open_page(f"/#/practice/{practice_id}")
    page.locator("#practice-title").wait_for()
    assert page.locator("#practice-title").inner_text() == (practice.get("name") or practice["title"])

    sources = practice["sources"]
    assert page.locator("#section-practice-sources li.source").count() == len(sources) >= 1
    for i, source in enumerate(sources):
        item = page.locator("#section-practice-sources li.source").nth(i)
        link = item.locator("a.page-link")
        href = link.get_attribute("href")
        assert href.startswith(f"/documents/{source['document_id']}/file#page=")
    languages = {s["language"] for s in sources if s.get("language")}
    assert page.locator("#section-practice-versions span[lang]").count() == len(languages)

    similar = practice["similar"]
    items = page.locator("#section-practice-similar li")
    assert items.count() == len(similar)
    if similar:
        first = items.first.locator("a").first
        target = first.get_attribute("href")
        first.click()
        page.wait_for_function(f"location.hash === {json.dumps(target)}")
        page.locator("#practice-title").wait_for()
        other = http.get(f"/practices/{target.rsplit('/', 1)[1]}").json()
        page.locator("#practice-title", has_text=other.get("name") or other["title"]).wait_for()


def test_a_national_practice_shows_its_country_not_a_city(open_page, http):
    national = [p for d in http.get("/documents", params={"limit": 500}).json()["items"]
                for p in http.get(f"/documents/{d['id']}").json()["practices"] if not p.get("cities")]
    assert national, "the test library holds a national practice (a country, no city)"
    practice = http.get(f"/practices/{national[0]['id']}").json()
    page = open_page(f"/#/practice/{practice['id']}")
    page.locator("#practice-title").wait_for()
    run_by = page.locator("dl.facts dd").first.inner_text()
    assert run_by == f"national initiative ({practice['country']})"


def test_recommendation_practice_card_leads_to_the_practice_page(open_page, http):
    needs = COHORT["mentees"][0]["needs"]
    answer = http.post("/recommend", json={"needs": needs}).json()
    page = open_page("/#/mentee?" + urlencode({"needs": needs}))
    wait_for_recommendation(page)
    # each card lists the practice's other documents (one initiative, several sheets or languages)
    cards = page.locator("#practice-list li.card")
    assert cards.count() == len(answer["practices"])
    for i, practice in enumerate(answer["practices"]):
        others = [s for s in practice["sources"] if s["source"] != practice["source"]]
        assert cards.nth(i).locator(".card-sources a").count() == len(others)
    card = page.locator("#practice-list li.card h3 a").first
    title = card.inner_text()
    card.click()
    page.locator("#practice-title").wait_for()
    assert page.locator("#practice-title").inner_text() == title


def test_mentee_city_resolved_with_alternatives_and_strengths(open_page, http):
    request = {"needs": "Newcomers cannot find language courses; we need a welcome office", "city": "Livadia"}
    answer = http.post("/recommend", json=request).json()
    page = open_page("/#/mentee?" + urlencode(request))
    wait_for_recommendation(page)
    mentee = answer["mentee"]
    assert page.locator("#mentee-resolved-city").inner_text() == mentee["city"]
    assert mentee["country"] in page.locator("#mentee-resolved").inner_text()

    # strengths with reasons, "answers n of m needs" and which
    cards = page.locator("#mentor-list li.card.mentor")
    assert cards.count() == len(answer["mentors"])
    for i, mentor in enumerate(answer["mentors"]):
        card = cards.nth(i)
        assert mentor["strength"] in ("strong", "partial", "weak")
        assert card.locator(f".strength-{mentor['strength']}").count() >= 1
        assert card.locator(".coverage-line").inner_text().startswith(
            f"answers {len(mentor['needs_answered'])} of {len(answer['needs'])} needs")
        assert card.locator("ul.answered li").all_inner_texts() == mentor["needs_answered"]
        assert card.locator(".reason").inner_text().split() == mentor["reason"].split()
        assert len(mentor["needs_answered"]) >= 1

    # another place of the same name, picked by the user
    alternatives = mentee["alternatives"]
    links = page.locator("#mentee-resolved a.alt")
    assert links.count() == len(alternatives) >= 1
    alt = alternatives[0]
    links.first.click()
    page.wait_for_function(f"location.hash.includes('geonameid={alt['geonameid']}')")
    page.locator("#mentee-resolved-city", has_text=alt["name"]).wait_for()
    picked = http.post("/recommend", json={**request, "city": alt["name"], "country": alt["country"],
                                           "geonameid": alt["geonameid"]}).json()
    assert picked["mentee"]["geonameid"] == alt["geonameid"]
    wait_for_recommendation(page)
    page.reload()
    page.locator("#mentee-resolved-city", has_text=alt["name"]).wait_for()


def test_nonsense_needs_get_no_mentors_and_a_message(open_page, http):
    request = {"needs": "asdf qwer zxcv", "city": "Xyzville"}
    answer = http.post("/recommend", json=request).json()
    assert answer["mentors"] == [] and answer["message"]
    page = open_page("/#/mentee?" + urlencode(request))
    page.locator("#mentor-list li.empty").wait_for()
    assert page.locator("#mentor-list li.card").count() == 0
    assert answer["message"] in page.locator("#mentee-status").inner_text()
    gaps = page.locator("#mentee-gaps li").all_inner_texts()
    assert gaps == answer["gaps"] + answer["not_understood"]


def test_cohort_page_pairs_as_a_table_with_link_export_and_map(open_page, http, tmp_path):
    response = http.post("/cohorts", json=COHORT)
    assert response.status_code == 200, response.text
    answer = response.json()
    page = open_page("/#/cohort")
    page.get_by_label("The cohort (JSON)", exact=False).fill(json.dumps(COHORT))
    page.get_by_role("button", name="Match the cohort").click()
    page.locator("#cohort-pairs tr.pair").first.wait_for()

    def table(p):
        rows = p.locator("#cohort-pairs tr.pair")
        return [(rows.nth(i).locator("th").inner_text(), rows.nth(i).locator("td a").first.inner_text())
                for i in range(rows.count())]

    expected = [(pair["mentee"], pair["mentor"]) for pair in answer["pairs"]]
    assert table(page) == expected
    assert page.locator("#cohort-pairs tr.pair .strength").count() == len(answer["pairs"])

    # the link reproduces it
    link = page.url
    assert "cohort=" in link
    fresh = open_page(None)
    fresh.goto(link)
    fresh.locator("#cohort-pairs tr.pair").first.wait_for()
    assert table(fresh) == expected

    # upload the same cohort as a file
    upload = tmp_path / "cohort.json"
    upload.write_text(json.dumps(COHORT), encoding="utf-8")
    other = open_page("/#/cohort")
    other.locator("#cohort-file").set_input_files(str(upload))
    other.locator("#cohort-pairs tr.pair").first.wait_for()
    assert table(other) == expected

    # CSV: one row per piece of evidence of every pair
    with page.expect_download() as info:
        page.locator("#cohort-csv").click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8-sig").read())))
    evidence = [(p["mentee"], p["mentor"], ev) for p in answer["pairs"] for ev in p["evidence"]]
    assert len(rows) == len(evidence)
    for row, (mentee, mentor, ev) in zip(rows, evidence):
        assert (row["mentee"], row["city"], row["need"], row["passage"]) == (mentee, mentor, ev["need"], ev["snippet"])

    # the map joins each mentee to its mentor
    page.wait_for_function("document.querySelector('#cohort-map').dataset.cities !== undefined")
    assert page.locator("#cohort-map .map-mentee").count() >= 1
    assert page.locator("#cohort-map .map-lines line").count() <= len(answer["pairs"])

    # print: one page per pair
    page.emulate_media(media="print")
    rows_ = page.locator("#cohort-pairs tr.pair")
    if rows_.count() > 1:
        assert rows_.nth(1).evaluate("el => getComputedStyle(el).breakBefore") == "page"
    assert page.locator("#cohort-pairs .disclosure-body").first.is_visible()


def test_coverage_table_and_heat_map(open_page, http):
    response = http.get("/coverage")
    data = response.json()
    page = open_page("/#/coverage")
    page.locator("#coverage-table tbody tr").first.wait_for()
    assert page.locator("#coverage-table tbody tr").count() == len(data["topics"])
    header = page.locator("#coverage-table thead th").all_inner_texts()
    assert header[1:-1] == data["countries"]
    for cell in data["cells"]:
        row = page.locator(f"#coverage-table tbody tr[data-topic='{cell['topic']}']")
        value = row.locator("td").nth(data["countries"].index(cell["country"])).inner_text()
        assert value.split()[0] == str(cell["practices"]) and f"({cell['cities']})" in value
    rects = page.locator("#coverage-heatmap svg rect.heat")
    assert rects.count() == len(data["topics"]) * len(data["countries"])
    filled = page.locator("#coverage-heatmap svg rect[data-practices]")
    assert filled.count() == len(data["cells"])
    # darker for more practices
    shades = filled.evaluate_all(
        "rs => rs.map(r => [Number(r.dataset.practices), parseFloat(r.style.getPropertyValue('--heat'))])")
    shades.sort()
    assert all(a[1] <= b[1] for a, b in zip(shades, shades[1:]))
    assert all(0 < s <= 1 for _, s in shades)
    assert page.outside == []
