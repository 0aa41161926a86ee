"""Practices and mentor cities for a mentee city's stated needs.

1. needs.py: the text is split into needs; each is checked for words Praxis knows.
2. evidence.py: each need retrieves passages (hybrid search, any language); each passage gets
   a relative weight (rank) and an absolute support; only supported top passages answer.
3. scoring.py: practices and cities aggregate the answering evidence over the needs.
4. mentee.py: the mentee's city is resolved (with alternatives); cohort.py matches many.
Every SQL statement is in praxis.index.evidence.
"""
from __future__ import annotations

from praxis.index import evidence as reads
from praxis.index.evidence import PassageFacts, PracticeRow
from praxis.index import practices as practice_records
from praxis.index.library import Library
from praxis.index.search import snippet_of
from praxis.service.recommend.evidence import Hit, NeedEvidence, Retrieved, retrieve
from praxis.service.recommend.mentee import UnknownCity, resolve_mentee
from praxis.service.recommend.models import (
    Evidence, MenteeContext, MenteeProfile, MentorCard, NeedStatus, PracticeCard, PracticeSource, Recommendation,
)
from praxis.service.recommend.needs import Need, split_needs, understand
from praxis.service.recommend.scoring import (
    MAX_MENTORS, SIMILAR_SIZE, ScoredMentor, ScoredPractice, diversify, mentor_evidence, score_mentors,
    score_practices, size_similarity, strength,
)

__all__ = [
    "MenteeProfile", "Recommendation", "UnknownCity", "recommend", "split_needs", "Analysis", "analyse",
    "mentor_card", "need_statuses",
]
SNIPPET_CHARS = 480
NEED_LABEL_CHARS = 60


class Analysis:
    """Everything computed once for a mentee: shared by `recommend` and cohort matching."""

    def __init__(self, library: Library, profile: MenteeProfile) -> None:
        self.library = library
        self.profile = profile
        self.mentee: MenteeContext = resolve_mentee(library, profile)
        # The whole text's language (surer than one need's), by the detector the library's searches use.
        language = library.query_language(profile.needs) if library.query_language else None
        self.needs: list[Need] = understand(library.store, split_needs(profile.needs, language), language)
        self.retrieved: Retrieved = retrieve(library, self.needs)
        facts = self.retrieved.facts
        self.practices = reads.practice_rows(library.store, {p for f in facts.values() for p in f.practice_ids})
        self.city_evidence = mentor_evidence(self.retrieved.needs, facts, self.practices)

    @property
    def texts(self) -> list[str]:
        return [n.text for n in self.needs]


def analyse(library: Library, profile: MenteeProfile) -> Analysis:
    return Analysis(library, profile)


def need_statuses(analysis: Analysis) -> list[NeedStatus]:
    statuses = []
    for evidence in analysis.retrieved.needs:
        need = evidence.need
        score = round(evidence.best_support, 4)
        if evidence.answering:
            status, message = "answered", None
        elif need.understood:
            status, message = "gap", f"no practice in the library answers: {need.text}"
        else:
            status, message = "not_understood", f"not understood (no word Praxis knows): {need.text}"
        statuses.append(NeedStatus(
            index=need.index, need=need.text, status=status, score=score, strength=strength(score), message=message,
        ))
    return statuses


def _message(statuses: list[NeedStatus]) -> str | None:
    if not statuses or all(s.status == "not_understood" for s in statuses):
        return "Praxis did not understand these needs: no word in them is one the library or its lexicon knows."
    if all(s.status != "answered" for s in statuses):
        return "Nothing in the library answers these needs: no mentor city or practice can be recommended."
    gaps = [s for s in statuses if s.status != "answered"]
    if gaps:
        return f"{len(gaps)} of {len(statuses)} needs are not answered by the library (see gaps)."
    return None


def _own_practice(analysis: Analysis, facts: PassageFacts, city: int | None) -> PracticeRow | None:
    """The first practice the passage describes (of `city`, when given)."""
    return next((analysis.practices[p] for p in facts.practice_ids if p in analysis.practices
                 and (city is None or analysis.practices[p].geonameid == city)), None)


def _cite(analysis: Analysis, hit: Hit, city: int | None = None) -> str:
    facts = analysis.retrieved.facts[hit.passage_id]
    own = _own_practice(analysis, facts, city)
    name = own.title if own else facts.title
    return f"{_label(name)} ({facts.source}, p. {facts.page})"


def _label(text: str) -> str:
    """A need or a title quoted inside a reason: cut at a word, marked when cut."""
    return snippet_of(text, NEED_LABEL_CHARS)


def _answers(answered: list[int], need_count: int, cited: str) -> str:
    return f"answers {len(answered)} of {need_count} need{'s' if need_count > 1 else ''}: {cited}"


def _context_note(mentee: MenteeContext, country: str | None, population: int | None) -> str:
    """"; same country: no; similar size: yes (…)": how the owner fits the mentee."""
    note = f"; same country: {'yes' if country == mentee.country else 'no'}" if mentee.country else ""
    return f"{note}; {_size_note(mentee, population)}"


def _size_note(mentee: MenteeContext, population: int | None) -> str:
    if not mentee.population or not population:
        return "similar size: unknown"
    similar = size_similarity(mentee.population, population) >= SIMILAR_SIZE
    return f"similar size: {'yes' if similar else 'no'} ({population:,} vs {mentee.population:,})"


def _evidence(analysis: Analysis, need_index: int, hit: Hit, factor: float, city: int | None) -> Evidence:
    facts = analysis.retrieved.facts[hit.passage_id]
    own = _own_practice(analysis, facts, city)
    score = round(hit.rank_weight * hit.support * factor, 4)
    return Evidence(
        need=analysis.texts[need_index], need_index=need_index, practice=own.title if own else None,
        practice_id=own.id if own else None, document_id=facts.document_id, source=facts.source,
        title=facts.title, page=facts.page, snippet=snippet_of(facts.text, SNIPPET_CHARS), score=score,
        strength=strength(score),
    )


def mentor_card(analysis: Analysis, scored: ScoredMentor) -> MentorCard:
    city = scored.city
    answered = scored.answered
    texts = analysis.texts
    cited = "; ".join(
        f"“{_label(texts[i])}” — {_cite(analysis, scored.evidence[i].answer, city.geonameid)}" for i in answered
    )
    reason = _answers(answered, len(texts), cited)
    if scored.experience:
        reason += f"; documented mentor ({_label(scored.experience[0])})"
    reason += _context_note(analysis.mentee, city.country, city.population)
    score = round(scored.score, 4)
    return MentorCard(
        city=city.name, geonameid=city.geonameid, country=city.country, population=city.population,
        latitude=city.latitude, longitude=city.longitude, score=score, strength=strength(score), needs_covered=len(answered), need_indexes=answered,
        needs_answered=[texts[i] for i in answered], mentoring_experience=scored.experience[:5], reason=reason,
        evidence=[
            _evidence(analysis, i, scored.evidence[i].answer, scored.evidence[i].answer_factor, city.geonameid)
            for i in answered
        ],
    )


def practice_card(
    analysis: Analysis, item: ScoredPractice, sources: list[practice_records.PracticeSource]
) -> PracticeCard:
    practice, texts = item.practice, analysis.texts
    top = item.top_hit()
    facts = analysis.retrieved.facts[top.passage_id]
    answered = item.answered
    cited = "; ".join(f"“{_label(texts[i])}” (p. {analysis.retrieved.facts[item.evidence[i].answer.passage_id].page})"
                      for i in answered)
    reason = _answers(answered, len(texts), cited)
    if practice.topics:
        reason += "; topics: " + ", ".join(practice.topics[:4])
    reason += _context_note(analysis.mentee, practice.country, practice.population)
    score = round(item.score, 4)
    return PracticeCard(
        practice_id=practice.id, title=practice.title, city=practice.city, country=practice.country,
        document_id=practice.document_id, source=facts.source, page=facts.page, page_end=facts.page_end,
        language=practice.language, snippet=snippet_of(facts.text, SNIPPET_CHARS), topics=practice.topics,
        needs=[texts[i] for i in answered], need_indexes=answered, score=score, strength=strength(score),
        reason=reason, sources=[PracticeSource.of(s) for s in sources],
    )


def ranked_mentors(analysis: Analysis, candidates: set[int] | None = None) -> list[ScoredMentor]:
    store = analysis.library.store
    ids = set(analysis.city_evidence)
    return score_mentors(
        analysis.city_evidence, len(analysis.needs), reads.city_rows(store, ids),
        reads.mentoring_experience(store, ids), analysis.mentee, candidates,
    )


def recommend(library: Library, profile: MenteeProfile, k: int = 10) -> Recommendation:
    analysis = Analysis(library, profile)
    statuses = need_statuses(analysis)
    practices = diversify(
        score_practices(analysis.retrieved.needs, analysis.retrieved.facts, analysis.practices, analysis.mentee),
        reads.translation_groups(library.store), k,
    )
    mentors = ranked_mentors(analysis)[: min(k, MAX_MENTORS)]
    sources = practice_records.sources_of_practices(library.store, [p.practice.id for p in practices])
    return Recommendation(
        needs=analysis.texts, need_status=statuses,
        gaps=[s.need for s in statuses if s.status == "gap"],
        not_understood=[s.need for s in statuses if s.status == "not_understood"],
        message=_message(statuses), mentee=analysis.mentee,
        practices=[practice_card(analysis, p, sources.get(p.practice.id, [])) for p in practices],
        mentors=[mentor_card(analysis, m) for m in mentors],
    )
