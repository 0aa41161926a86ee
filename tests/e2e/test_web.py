"""The web page, driven in real headless Chromium (Playwright, sync API) against a real server."""
from __future__ import annotations

import pytest

NEEDS = "We need affordable housing for refugees. Language courses for migrant women."

pytestmark = pytest.mark.browser


def words(text: str) -> list[str]:
    return text.split()


def test_mentee_form_gives_practices_and_mentors_with_evidence(open_page, http, screenshot):
    page = open_page("/")
    page.get_by_label("Your needs", exact=False).fill(NEEDS)
    page.get_by_label("Your city", exact=True).fill("Livadeia")
    page.get_by_label("Population (optional)", exact=True).fill("30000")
    page.get_by_role("button", name="Find practices and mentors").click()  # click 1
    page.locator("#mentor-list li.card").first.wait_for()
    screenshot(page, "mentee-desktop")

    expected = http.post("/recommend", json={"needs": NEEDS, "city": "Livadeia", "population": 30000, "k": 10}).json()
    shown_mentors = page.locator("#mentor-list li.card h3 a").all_inner_texts()
    assert shown_mentors == [m["city"] for m in expected["mentors"]]
    shown_practices = page.locator("#practice-list li.card h3").all_inner_texts()
    assert shown_practices == [p["title"] for p in expected["practices"]]
    assert "2 needs understood" in page.locator("#mentee-status").inner_text()

    # A mentor's evidence: need -> passage -> "p. N" link to the PDF at that page (click 2 opens the PDF).
    mentor = page.locator("#mentor-list li.card").first
    evidence = expected["mentors"][0]["evidence"][0]
    assert evidence["need"] in mentor.locator(".need").first.inner_text()
    link = mentor.locator("a.page-link").first
    assert link.inner_text() == f"p. {evidence['page']}"
    assert link.get_attribute("href") == f"/documents/{evidence['document_id']}/file#page={evidence['page']}"
    assert http.get(link.get_attribute("href").split("#")[0]).headers["content-type"] == "application/pdf"
    with page.context.expect_page() as opened:
        link.click()  # click 2: the PDF, at the evidence's page, in a new tab
    pdf_tab = opened.value
    pdf_tab.wait_for_load_state()
    assert pdf_tab.url.endswith(f"/documents/{evidence['document_id']}/file#page={evidence['page']}")
    pdf_tab.close()

    # A practice card: title, city, quoted passage, topics, the needs it answers, reason, link to the document view.
    card = page.locator("#practice-list li.card").first
    practice = expected["practices"][0]
    assert words(card.locator("blockquote").inner_text()) == words(practice["snippet"])
    assert card.locator(".reason").inner_text() == practice["reason"]
    card.locator(".links a").first.click()
    page.locator("#document-title").wait_for()
    assert page.url.endswith(f"#/document/{practice['document_id']}?page={practice['page']}")
    pdf = page.locator("#open-pdf")
    assert pdf.get_attribute("href") == f"/documents/{practice['document_id']}/file#page={practice['page']}"


def test_search_with_filters(open_page, http, screenshot):
    page = open_page("/#/search")
    page.locator("#f-lang option[value='en']").wait_for(state="attached")
    page.get_by_label("Search in any language", exact=True).fill("Wohnraum für Geflüchtete")
    page.get_by_label("Language", exact=True).select_option("en")
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator("#search-results li.card").first.wait_for()
    screenshot(page, "search-desktop")
    answer = http.get("/search", params={"q": "Wohnraum für Geflüchtete", "lang": "en", "k": 20}).json()
    expected = answer["results"]
    titles = page.locator("#search-results li.card h3").all_inner_texts()
    assert titles == [r["title"] for r in expected]
    assert answer["bridged_terms"]  # the page says which terms in other languages it also looked for
    shown = answer["bridged_terms"][:15]
    assert f"Also searched for: {', '.join(shown)}" in page.locator("#search-status").inner_text()
    assert "lang=en" in page.url and "q=Wohnraum" in page.url

    # the search survives a reload (its state is in the address)
    page.reload()
    page.locator("#search-results li.card").first.wait_for()
    assert page.locator("#search-results li.card h3").all_inner_texts() == titles
    assert page.get_by_label("Language", exact=True).input_value() == "en"


def test_search_says_when_nothing_answers_the_query(open_page, http):
    query = "LED street lighting replacement for the ring road"
    assert http.get("/search", params={"q": query}).json()["status"] != "answered"
    page = open_page("/#/search")
    page.get_by_label("Search in any language", exact=True).fill(query)
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator("#search-results li.card").first.wait_for()
    status = page.locator("#search-status.warning")
    status.wait_for()
    assert "not answers" in status.inner_text()


def test_bad_search_shows_the_server_message(open_page):
    page = open_page("/#/search?q=housing&year_from=2020&year_to=2000")
    status = page.locator("#search-status.error")
    status.wait_for()
    assert "after year_to" in status.inner_text()


def test_document_view(open_page, http, screenshot):
    items = http.get("/documents", params={"limit": 500}).json()["items"]
    english = next(d["id"] for d in items if d["source"] == "clip-info-sheet-en.pdf")
    page = open_page(f"/#/document/{english}?page=2")
    page.locator("#document-title").wait_for()
    detail = http.get(f"/documents/{english}").json()
    assert page.locator("#document-title").inner_text() == detail["title"]
    assert page.locator("#open-pdf").get_attribute("href") == f"/documents/{english}/file#page=2"
    versions = page.locator("#section-versions a")
    assert versions.count() == 1 and "Swedish" in page.locator("#section-versions").inner_text()
    assert page.locator("#section-cities li").count() == len(detail["cities"])
    page.locator("#section-similar li").first.wait_for()
    screenshot(page, "document-desktop")
    # language version -> its own document view
    versions.first.click()
    page.wait_for_function("document.querySelector('#document-title') && location.hash.indexOf('/document/') > 0 "
                           f"&& !location.hash.endsWith('/{english}?page=2')")
    page.locator("#document-title[lang='sv']").wait_for()

    pair = next(d["id"] for d in items if d["source"] == "012-fuenlabrada-livadeia-en.pdf")
    page.goto(f"/#/document/{pair}")
    page.locator("#section-cities .role-mentor").first.wait_for()
    assert "mentee" in page.locator("#section-cities").inner_text().lower()
    # city view from the document
    page.locator("#section-cities a", has_text="Fuenlabrada").click()
    page.locator("#city-title").wait_for()
    assert "Fuenlabrada" in page.locator("#city-title").inner_text()
    assert "mentor" in page.locator("#section-mentoring").inner_text().lower()


def test_text_is_never_html(open_page, http):
    # one need (no full stop), so the markup reaches the page as the text of a need
    needs = '<img src=x onerror="__pwned=1"> housing for refugees'
    answer = http.post("/recommend", json={"needs": needs}).json()
    page = open_page("/")
    page.get_by_label("Your needs", exact=False).fill(needs)
    page.get_by_role("button", name="Find practices and mentors").click()
    page.locator("#mentor-list li").first.wait_for()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#mentee-results img").count() == 0
    assert any("<img" in n for n in answer["needs"])
    assert '<img src=x onerror="__pwned=1">' in page.locator("#mentee-results").inner_text()  # shown as text


def test_phone_width_is_usable(open_page, screenshot):
    page = open_page("/", width=390, height=844)
    page.get_by_label("Your needs", exact=False).fill(NEEDS)
    page.get_by_label("Your city", exact=True).fill("Livadeia")
    page.get_by_role("button", name="Find practices and mentors").click()
    page.locator("#practice-list li.card").first.wait_for()
    screenshot(page, "mentee-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    button = page.get_by_role("button", name="Find practices and mentors").bounding_box()
    assert button["height"] >= 40 and button["width"] <= 390
    page.goto("/#/search?q=integration")
    page.locator("#search-results li.card").first.wait_for()
    screenshot(page, "search-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # every form control has a label
    unlabeled = page.evaluate("""[...document.querySelectorAll('input, select, textarea')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id)""")
    assert unlabeled == []
