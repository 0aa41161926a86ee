"""Cohort matching and coverage through the real HTTP server and the CLI, on the small library."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from praxis.ingest.topics import TOPICS

COHORT = {
    "mentees": [
        {"city": "Livadeia", "needs": "Refugees cannot find decent work; we need tools for newcomers' employment "
                                      "and entrepreneurship."},
        {"city": "Jelgava", "needs": "Newcomers need Latvian language courses and informal language exchange."},
        {"city": "Capaci", "needs": "asdf qwer zxcv"},
    ],
    "mentors": ["Fuenlabrada", "Schaerbeek", "Mechelen"],
}


def cli_json(capsys, *argv: str) -> dict:
    from praxis.service.cli import main

    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cohort_api_matches_cli_and_pairs_are_consistent_with_recommend(http, api_server, capsys, tmp_path: Path):
    response = http.post("/cohorts", json=COHORT)
    assert response.status_code == 200, response.text
    body = response.json()
    request_file = tmp_path / "cohort.json"
    request_file.write_text(json.dumps(COHORT), encoding="utf-8")
    assert cli_json(capsys, "match", str(request_file), "--data", str(api_server.data_dir)) == body

    pairs = {p["mentee"]: p for p in body["pairs"]}
    assert pairs["Jelgava"]["mentor"] == "Schaerbeek"
    assert len({p["mentor"] for p in body["pairs"]}) == len(body["pairs"])  # capacity 1
    assert [u["mentee"] for u in body["unassigned"]] == ["Capaci"]  # nonsense needs: nobody answers them
    assert any(g["mentee"] == "Capaci" for g in body["gaps"])
    for pair in body["pairs"]:
        assert pair["needs_answered"] and len(pair["evidence"]) == len(pair["needs_answered"])
        assert 0 < pair["score"] <= 1
        # the same score as a single recommendation for that mentee
        mentee = next(m for m in COHORT["mentees"] if pair["mentee"].startswith(m["city"][:5]))
        single = http.post("/recommend", json={"needs": mentee["needs"], "city": mentee["city"]}).json()
        listed = {m["city"]: m["score"] for m in single["mentors"]}
        if pair["mentor"] in listed:
            assert listed[pair["mentor"]] == pytest.approx(pair["score"], abs=1e-4)


def test_cohort_without_mentors_uses_the_library_and_is_deterministic(http):
    body = {"mentees": COHORT["mentees"][:2], "capacity": 1}
    first = http.post("/cohorts", json=body).json()
    assert first["pairs"] and first == http.post("/cohorts", json=body).json()
    assert all(p["mentor"] not in {"Livadeia", "Jelgava"} for p in first["pairs"])


@pytest.mark.parametrize("body, expected", [
    ({}, "mentees"),
    ({"mentees": []}, "mentees"),
    ({"mentees": [{"city": "Jelgava"}]}, "needs"),
    ({"mentees": [{"city": "Jelgava", "needs": "language courses"}], "mentors": ["Atlantis-on-Sea"]}, "Atlantis-on-Sea"),
    ({"mentees": [{"city": "Jelgava", "needs": "language courses"}], "capacity": 0}, "capacity"),
    ({"mentees": [{"city": "Jelgava", "needs": "language courses"}], "colour": "red"}, "colour"),
])
def test_cohort_rejects_bad_bodies(http, body, expected):
    response = http.post("/cohorts", json=body)
    assert response.status_code == 422, response.text
    assert expected in json.dumps(response.json())


def test_match_bad_file_is_one_line(tmp_path: Path, small_library: Path, capsys):
    from praxis.service.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["match", str(bad), "--data", str(small_library)]) == 2
    assert main(["match", str(tmp_path / "missing.json"), "--data", str(small_library)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("praxis match:") for line in err)


def test_coverage_counts_practices_and_cities(http):
    response = http.get("/coverage")
    assert response.status_code == 200
    body = response.json()
    assert body["topics"] == sorted(TOPICS)
    assert body["cells"] and all(c["practices"] >= c["cities"] >= 0 for c in body["cells"])
    assert {c["country"] for c in body["cells"]} == set(body["countries"])
    totals = {t["topic"]: t["practices"] for t in body["topic_totals"]}
    for topic in body["topics"]:
        assert totals[topic] <= sum(c["practices"] for c in body["cells"] if c["topic"] == topic)
    assert http.get("/coverage", params={"x": 1}).status_code == 422
