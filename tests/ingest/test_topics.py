"""The topic taxonomy: stable slugs, multilingual tagging, name normalisation, and
precision/recall over the sample library against the catalogue's topic labels."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from praxis.ingest.topics import TOPICS, assign_topics, normalise_topic, topic_hits, topic_scores

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

CATALOGUE_SLUGS = {
    "housing", "education", "employment", "language-learning", "health",
    "anti-discrimination", "participation", "intercultural-dialogue", "reception",
    "public-narrative", "entrepreneurship", "governance", "one-stop-shop", "mentoring",
    "women", "youth", "social-services",
}


def test_slugs_are_the_catalogue_ones() -> None:
    assert set(TOPICS) == CATALOGUE_SLUGS
    assert all(label and label[0].isupper() for label in TOPICS.values())


@pytest.mark.parametrize("text, language, topic", [
    ("The city builds social housing and helps homeless families find a rental flat.",
     "en", "housing"),
    ("Die Stadt schafft Wohnraum und vermittelt Wohnungen an Geflüchtete.", "de", "housing"),
    ("La commune aide les familles à trouver un logement et un hébergement.", "fr", "housing"),
    ("El ayuntamiento ofrece vivienda y alojamiento a las familias.", "es", "housing"),
    ("Ο δήμος προσφέρει στέγαση και κατοικία σε ευάλωτες οικογένειες.", "el", "housing"),
    ("Kaupunki järjestää asuntoja ja asumisen tukea.", "fi", "housing"),
    ("Gmina zapewnia mieszkania i pomoc w znalezieniu mieszkania.", "pl", "housing"),
    ("Kommunen ordnar bostad och boende för nyanlända.", "sv", "housing"),
    ("Il comune gestisce alloggi e soluzioni abitative.", "it", "housing"),
    ("De gemeente regelt huisvesting en een woning voor statushouders.", "nl", "housing"),
    ("Newcomers attend language courses and learn the language quickly.", "en",
     "language-learning"),
    ("Der Sprachkurs und die Sprachförderung beginnen sofort.", "de", "language-learning"),
    ("Des cours de langue en français sont proposés.", "fr", "language-learning"),
    ("Μαθήματα ελληνικής γλώσσας για πρόσφυγες.", "el", "language-learning"),
    ("Kurs języka polskiego dla cudzoziemców.", "pl", "language-learning"),
    ("Asylum seekers and refugees are received at the arrival centre.", "en", "reception"),
    ("Flüchtlinge und Asylsuchende werden aufgenommen.", "de", "reception"),
    ("L'accueil des réfugiés et des demandeurs d'asile.", "fr", "reception"),
    ("La acogida de refugiados y solicitantes de asilo.", "es", "reception"),
    ("Η υποδοχή προσφύγων και αιτούντων άσυλο.", "el", "reception"),
    ("Kiintiöpakolaisten vastaanotto ja turvapaikanhakijat.", "fi", "reception"),
    ("A campaign against racism and discrimination, and hate speech.", "en",
     "anti-discrimination"),
    ("Kampania przeciw mowie nienawiści i rasizmowi.", "pl", "anti-discrimination"),
    ("Η καταπολέμηση των διακρίσεων και του ρατσισμού.", "el", "anti-discrimination"),
    ("Mentor cities and mentee cities meet on study visits.", "en", "mentoring"),
    ("Οι πόλεις καθοδηγητές (μέντορες) βοηθούν τις καθοδηγούμενες πόλεις.", "el", "mentoring"),
    ("Migrant women and mothers meet in a women's group.", "en", "women"),
    ("Helsinki tukee maahanmuuttajien yrittäjyyttä ja yrityksiä.", "fi", "entrepreneurship"),
    ("Ventanilla única y punto de información para inmigrantes.", "es", "one-stop-shop"),
    ("Les services sociaux et l'aide sociale du CPAS.", "fr", "social-services"),
    ("Jugendliche und Kinder besuchen den Jugendtreff.", "de", "youth"),
    ("Il dialogo interculturale e la convivenza nei quartieri.", "it", "intercultural-dialogue"),
    ("Gezondheidszorg en de huisarts voor nieuwkomers.", "nl", "health"),
    ("Political participation: migrants vote and join the advisory council.", "en",
     "participation"),
    ("The integration strategy is coordinated across departments (governance).", "en",
     "governance"),
    ("Kampagne und Öffentlichkeitsarbeit gegen Vorurteile in den Medien.", "de",
     "public-narrative"),
    ("Vocational training and jobs: the labour market integration of refugees.", "en",
     "employment"),
    ("Schools and teachers support pupils in education.", "en", "education"),
])
def test_assigns_the_topic(text: str, language: str, topic: str) -> None:
    assert topic in assign_topics(text, language)
    assert topic in assign_topics(text)  # also without a language hint


@pytest.mark.parametrize("text, language", [
    ("The weather was pleasant and the meeting ended at five.", "en"),
    ("Das Treffen fand am Montag statt.", "de"),
    ("La réunion a eu lieu lundi dans la salle.", "fr"),
    ("", None),
])
def test_no_topic_without_cues(text: str, language: str | None) -> None:
    assert assign_topics(text, language) == []


def test_a_housing_passage_is_not_about_everything() -> None:
    text = ("Housing is the main problem. The city rents flats to refugees, builds social "
            "housing and fights homelessness; tenants get advice on rent and housing benefit. "
            "Social housing waiting lists are long, and housing associations cooperate. ") * 3
    topics = assign_topics(text, "en")
    assert topics[0] == "housing"
    assert len(topics) <= 3


def test_weak_cue_alone_is_not_enough() -> None:
    assert "employment" not in assign_topics("They work together.", "en")
    assert "employment" in assign_topics("They work together.", "en", min_hits=0)


def test_min_hits_raises_the_bar() -> None:
    text = "A refugee arrived. Housing was found."
    assert "housing" in assign_topics(text, "en", min_hits=1)
    assert assign_topics(text, "en", min_hits=2) == []


def test_ordering_strongest_first_then_slug() -> None:
    text = "refugee refugee refugee housing education"
    assert assign_topics(text, "en") == ["reception", "education", "housing"]


def test_scores_are_per_100_words() -> None:
    text = "housing " + "word " * 199
    assert topic_scores(text)["housing"] == pytest.approx(0.5)
    assert topic_hits(text) == {"housing": 1.0}


def test_german_compound_words_match_inside() -> None:
    assert "language-learning" in assign_topics("Integrationssprachkurse starten.", "de")
    assert "housing" in assign_topics("Die Flüchtlingsunterkunft ist voll.", "de")


@pytest.mark.parametrize("value, slug", [
    ("Housing", "housing"), ("housing", "housing"), ("anti-racism", "anti-discrimination"),
    ("Anti-discrimination", "anti-discrimination"), ("language learning", "language-learning"),
    ("Language_learning", "language-learning"), ("One-stop shop", "one-stop-shop"),
    ("Reception of refugees and newcomers", "reception"), ("city-to-city mentoring", "mentoring"),
    ("Wohnungspolitik", "housing"), ("στέγαση", "housing"), ("Youth", "youth"),
])
def test_normalise_topic(value: str, slug: str) -> None:
    assert normalise_topic(value) == slug


@pytest.mark.parametrize("value", ["", "other", "banana", "the"])
def test_normalise_unknown_topic(value: str) -> None:
    assert normalise_topic(value) is None


@lru_cache(maxsize=1)
def corpus() -> list[tuple[str, str | None, set[str]]]:
    from pypdf import PdfReader

    docs = []
    for line in (CORPUS / "catalogue.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        reader = PdfReader(CORPUS / entry["file"])
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        docs.append((text, entry.get("language"), set(entry.get("topics", [])) - {"other"}))
    return docs


def test_corpus_precision_and_recall() -> None:
    """Document-level topics against the catalogue's labels (measured: P 0.70, R 0.66; before the
    richer vocabulary of issue 11, P 0.77, R 0.62: the catalogue lists fewer topics than the
    documents discuss, and the richer vocabulary lifted cross-lingual search nDCG@10 by 0.025)."""
    tp = fp = fn = 0
    for text, language, gold in corpus():
        got = set(assign_topics(text, language))
        tp, fp, fn = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.67 and recall >= 0.6, (precision, recall)
