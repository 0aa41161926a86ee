"""`praxis eval`: run the labelled sets through search and recommendation, print metrics."""
from __future__ import annotations

from pathlib import Path

from praxis.index import catalog
from praxis.index import practices as practice_records
from praxis.index.library import Library
from praxis.service import evaluation as ev
from praxis.service.recommend import MenteeProfile, Recommendation, recommend
from praxis.service.recommend.evidence import search_status

MODES = ("hybrid", "dense", "lexical")


def search_run(library: Library, queries: list[dict], mode: str, k: int = 10) -> dict[str, dict[str, float]]:
    """{query id: {file name: score}}; a folded translation counts at its publication's rank."""
    run: dict[str, dict[str, float]] = {}
    searcher = library.searcher
    for query in queries:
        scores: dict[str, float] = {}
        for result in searcher.search(query["query"], k=k, mode=mode):
            scores.setdefault(result.source, result.score)
            for version in result.translations:
                scores.setdefault(str(version["source"]), result.score - 1e-9)
        run[query["id"]] = scores
    return run


def search_metrics(
    library: Library, queries: list[dict], publication_of: dict[str, str] | None = None
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """(per mode and language pair: nDCG@10, recall@10, MRR@10, n; hybrid per query language)."""
    publication_of = publication_of or {}
    qrels = ev.fold_publications(ev.qrels_from_queries(queries), publication_of)
    languages = catalog.document_languages_by_source(library.store)
    by_language = ev.language_groups(queries)
    crossing = ev.language_pair_groups(queries, languages)
    overall: dict[str, dict[str, float]] = {}
    by_query_language: dict[str, dict[str, float]] = {}
    for mode in MODES:
        run = ev.fold_publications(search_run(library, queries, mode), publication_of)
        summary = ev.summarise(run, qrels, by_language)
        overall[mode] = summary["all"]
        pairs = ev.summarise(run, qrels, crossing)
        overall.update({f"{mode} {name}": row for name, row in pairs.items() if name != "all"})
        if mode == "hybrid":
            by_query_language = summary
    return overall, by_query_language


def evaluate_search(library: Library, queries: list[dict], publication_of: dict[str, str] | None = None) -> str:
    overall, by_query_language = search_metrics(library, queries, publication_of)
    return "\n\n".join([
        ev.format_table(overall, f"Search: {len(queries)} labelled queries"),
        ev.format_table(by_query_language, "Search (hybrid) by query language"),
    ])


def _answer(library: Library, case: dict) -> Recommendation:
    profile = MenteeProfile(
        needs=case["needs"], city=case.get("city"), country=case.get("country"), population=case.get("population")
    )
    return recommend(library, profile, k=10)


def declined(answer: Recommendation) -> bool:
    """Praxis declines when it lists no mentor and no practice."""
    return not answer.mentors and not answer.practices


def recommendation_runs(library: Library, cases: list[dict]) -> tuple[dict, dict, dict]:
    mentors: dict[str, dict[str, float]] = {}
    practices: dict[str, dict[str, float]] = {}
    answers: dict[str, Recommendation] = {}
    for case in cases:
        answer = answers[case["id"]] = _answer(library, case)
        mentors[case["id"]] = {m.city: m.score for m in answer.mentors}
        practices[case["id"]] = {}
        for card in answer.practices:
            practices[case["id"]].setdefault(card.source, card.score)
    return mentors, practices, answers


def halves(cases: list[dict]) -> dict[str, list[str]]:
    """Two fixed halves of a labelled set (alternate cases in file order), for tuning on one
    and reporting on the other."""
    return {"half A": [c["id"] for c in cases[0::2]], "half B": [c["id"] for c in cases[1::2]]}


def _library_name(library: Library):
    """Labels use everyday spellings ("Ghent", "Livadeia"); answers use the library's name of
    the same GeoNames city (the catalogue's spelling, else the gazetteer's)."""
    from praxis.index.cities import documented_city_ids
    from praxis.ingest.cities import Gazetteer, PlaceContext

    gazetteer = Gazetteer.load()
    context = PlaceContext.of(preferred=documented_city_ids(library.store))

    def name(label: str) -> str:
        city = gazetteer.resolve(label, context=context)
        row = catalog.city_by_id(library.store, city.geonameid) if city else None
        return row["name"] if row else (city.name if city else label)

    return name


def recommendation_metrics(
    library: Library, cases: list[dict], publication_of: dict[str, str] | None = None
) -> dict[str, dict[str, float]]:
    """Per mentee language (and "all"): mentor hit@3, mentor MRR@10, practice nDCG@10 and recall@10
    (a practice's documents folded into one result) and nDCG@10 per file (the cited document only), n."""
    publication_of = publication_of or {}
    mentors, per_file, answers = recommendation_runs(library, cases)
    # A card is one practice: the documents of one initiative (its sheets in several documents
    # or languages, all listed on the card) count as one result, as a publication's language
    # versions do. "per file" credits only the card's cited document, as before the merge.
    practice_of = {**publication_of, **practice_records.single_practice_groups(library.store)}
    practices = ev.fold_publications(per_file, practice_of)
    per_file = ev.fold_publications(per_file, publication_of)
    mentor_qrels = ev.mentor_qrels(cases, canonical=_library_name(library))
    practice_qrels = ev.fold_publications(ev.practice_qrels(cases), practice_of)
    file_qrels = ev.fold_publications(ev.practice_qrels(cases), publication_of)
    groups = ev.language_groups(cases)
    rows: dict[str, dict[str, float]] = {}
    subsets = {"all": [c["id"] for c in cases], **halves(cases)}
    subsets.update({lang: [c["id"] for c in cases if groups[c["id"]] == lang] for lang in sorted(set(groups.values()))})
    for name, ids in subsets.items():
        subset = lambda d: {i: d[i] for i in ids if i in d}  # noqa: E731
        rows[name] = {
            "mentor hit@3": ev.mean(subset(ev.hit_at_k(mentors, mentor_qrels, 3))),
            "mentor mrr@10": ev.mean(subset(ev.mrr(mentors, mentor_qrels, 10))),
            "practice ndcg@10": ev.mean(subset(ev.ndcg_at_k(practices, practice_qrels, 10))),
            "practice recall@10": ev.mean(subset(ev.recall_at_k(practices, practice_qrels, 10))),
            "per file ndcg@10": ev.mean(subset(ev.ndcg_at_k(per_file, file_qrels, 10))),
            "declined": sum(declined(answers[i]) for i in ids) / max(len(ids), 1),
            "needs gap": _gap_share([answers[i] for i in ids]),
            "n": len(ids),
        }
    return rows


def evaluate_recommendations(library: Library, cases: list[dict], publication_of: dict[str, str] | None = None) -> str:
    rows = recommendation_metrics(library, cases, publication_of)
    return ev.format_table(rows, f"Recommendation: {len(cases)} mentee cases")


def _gap_share(answers: list[Recommendation]) -> float:
    statuses = [s for a in answers for s in a.need_status]
    return sum(s.status != "answered" for s in statuses) / max(len(statuses), 1)


def abstention_metrics(library: Library, cases: list[dict]) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Per subset (all, halves, kind): the share of cases declined and of needs reported as gaps;
    and the ids of the cases answered anyway."""
    answers = {c["id"]: _answer(library, c) for c in cases}
    subsets = {"all": [c["id"] for c in cases], **halves(cases)}
    for kind in sorted({c.get("kind", "?") for c in cases}):
        subsets[kind] = [c["id"] for c in cases if c.get("kind", "?") == kind]
    rows = {
        name: {
            "declined": sum(declined(answers[i]) for i in ids) / max(len(ids), 1),
            "needs gap": _gap_share([answers[i] for i in ids]),
            "n": len(ids),
        }
        for name, ids in subsets.items()
    }
    return rows, [i for i in subsets["all"] if not declined(answers[i])]


def search_status_metrics(library: Library, queries: list[dict], cases: list[dict]) -> dict[str, dict[str, float]]:
    """The share of searches whose results are reported as answering the query: for the
    labelled queries (should be all) and for the abstention texts searched as queries (none)."""
    searcher = library.searcher

    def answered(text: str) -> bool:
        return search_status(library, searcher, text, searcher.search(text, k=10))[0] == "answered"

    return {
        "labelled queries": {"answered": sum(answered(q["query"]) for q in queries) / max(len(queries), 1),
                             "n": len(queries)},
        "abstention texts": {"answered": sum(answered(c["needs"]) for c in cases) / max(len(cases), 1),
                             "n": len(cases)},
    }


def evaluate_abstention(library: Library, cases: list[dict]) -> str:
    """Needs the library cannot answer and nonsense: how often Praxis correctly declines."""
    rows, wrong = abstention_metrics(library, cases)
    table = ev.format_table(rows, f"Abstention: {len(cases)} cases the library cannot answer (should decline)")
    return table + (f"\nanswered anyway: {', '.join(wrong)}" if wrong else "")


def run_evaluation(library: Library, eval_dir: Path, only: str | None = None, catalogue: Path | None = None) -> str:
    """Metrics per publication: language versions that the catalogue links count as one result."""
    publication_of = ev.publications_from_catalogue(ev.load_jsonl(catalogue)) if catalogue and catalogue.exists() else {}
    if library.stale_steps() and not library.writer_busy():
        # What a killed or older writer left undone (e.g. topic profiles on a library built
        # before them) is completed first: in the background it would change results mid-run.
        library.refresh()
    parts = []
    if only in (None, "search"):
        queries = ev.load_queries(eval_dir / "queries.jsonl")
        parts.append(evaluate_search(library, queries, publication_of))
        if (eval_dir / "abstention.jsonl").exists():
            rows = search_status_metrics(library, queries, ev.load_jsonl(eval_dir / "abstention.jsonl"))
            parts.append(ev.format_table(rows, "Search: results reported as answering the query"))
    if only in (None, "recommend") and (eval_dir / "mentee_cases.jsonl").exists():
        cases = ev.load_mentee_cases(eval_dir / "mentee_cases.jsonl")
        parts.append(evaluate_recommendations(library, cases, publication_of))
    if only in (None, "recommend", "abstention") and (eval_dir / "abstention.jsonl").exists():
        parts.append(evaluate_abstention(library, ev.load_jsonl(eval_dir / "abstention.jsonl")))
    return "\n\n".join(parts)
