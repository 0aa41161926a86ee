"""Practices and mentor cities for a mentee city's stated needs.

1. The needs text is split into separate needs (sentences, lines, semicolons).
2. Each need retrieves passages (hybrid search, any language).
3. A passage is evidence for its practice, and for every city it is about
   (the practice's city and the cities the passage names).
4. Practices are ranked by relevance to the needs, how many needs they answer, and fit
   to the mentee (same country, similar size); the mentee's own practices never come back.
5. Mentor cities aggregate that evidence over all needs; see `score_mentors`.
"""
from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from praxis.index.library import Library
from praxis.index.search import snippet_of
from praxis.ingest.topics import assign_topics

PASSAGES_PER_NEED = 80
# A mentee's needs are long and general, so passages about integration in general (overviews,
# introductions) matched every one of them; they are discounted (index/rerank.py,
# discount_generic). Measured on the mentee cases: practice nDCG@10 0.47 -> 0.52, mentor
# MRR@10 0.80 -> 0.87. Search queries are short and specific and do without it.
GENERIC_PENALTY = 0.5
SIMILAR_SIZE = 0.85  # size_similarity of populations within a factor of about 2.8
RELEVANCE_HALF_LIFE = 10.0
MAX_NEEDS = 8
# A need counts as answered by a practice or city when its normalised relevance reaches this.
ANSWERED = 0.5
MENTOR_WEIGHTS = {"relevance": 0.61, "coverage": 0.25, "mentoring": 0.06, "context": 0.08}


class MenteeProfile(BaseModel):
    needs: str = Field(min_length=3, max_length=4000, description="the mentee's needs, in any language")
    city: str | None = Field(default=None, max_length=120)
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    population: int | None = Field(default=None, ge=1, le=50_000_000)
    languages: list[str] = Field(default_factory=list, max_length=10)
    topics: list[str] = Field(default_factory=list, max_length=20)


class Evidence(BaseModel):
    need: str
    practice: str | None
    practice_id: int | None
    document_id: int
    source: str
    title: str
    page: int
    snippet: str
    score: float


class PracticeCard(BaseModel):
    practice_id: int
    title: str
    city: str | None
    country: str | None
    document_id: int
    source: str
    page: int
    page_end: int
    language: str | None
    snippet: str
    topics: list[str]
    needs: list[str]
    score: float
    reason: str


class MentorCard(BaseModel):
    city: str
    country: str
    population: int | None
    score: float
    needs_covered: int
    mentoring_experience: list[str]
    reason: str
    evidence: list[Evidence]


class MenteeContext(BaseModel):
    city: str | None = None
    geonameid: int | None = None
    country: str | None = None
    population: int | None = None


class Recommendation(BaseModel):
    needs: list[str]
    mentee: MenteeContext
    practices: list[PracticeCard]
    mentors: list[MentorCard]

    def as_text(self) -> str:
        lines = ["Needs:"] + [f"  {i}. {n}" for i, n in enumerate(self.needs, 1)]
        lines.append("\nPractices:")
        for card in self.practices:
            lines.append(f"  {card.score:.3f}  {card.title} — {card.city or '?'} ({card.source}, p. {card.page})")
            lines.append(f"         {card.reason}")
        lines.append("\nMentor cities:")
        for mentor in self.mentors:
            lines.append(f"  {mentor.score:.3f}  {mentor.city} ({mentor.country}) — {mentor.reason}")
            for ev in mentor.evidence[:3]:
                lines.append(f"         · {ev.need[:50]} → {ev.title[:60]} ({ev.source}, p. {ev.page})")
        return "\n".join(lines)


# -- needs ------------------------------------------------------------------------

_NUMBER = re.compile(r"\d")
_SPLIT = re.compile(r"(?:\r?\n)+|;|(?<=[.!?;])\s+(?=[^\s\d])|\s+[•·▪\-–]\s+")


def split_needs(text: str) -> list[str]:
    """Separate needs: sentences, lines and list items; context-only sentences dropped."""
    parts = [p.strip(" -•·*\t") for p in _SPLIT.split(text)]
    parts = [p for p in parts if len(p.split()) >= 2]
    if not parts:
        return [text.strip()]
    # "We are a town of 20,000 near Athens" is context, not a need: a number and no topic.
    needs = [p for p in parts if assign_topics(p) or not _NUMBER.search(p)] or parts
    while len(needs) > MAX_NEEDS:  # merge the two shortest neighbours
        i = min(range(len(needs) - 1), key=lambda j: len(needs[j]) + len(needs[j + 1]))
        needs[i : i + 2] = [needs[i] + " " + needs[i + 1]]
    return needs


# -- evidence ---------------------------------------------------------------------


@dataclass
class Hit:
    passage_id: int
    document_id: int
    score: float  # normalised to [0, 1] within its need


@dataclass
class PassageFacts:
    text: str
    page: int
    page_end: int
    document_id: int
    source: str
    title: str
    practice_ids: list[int] = field(default_factory=list)
    city_ids: list[int] = field(default_factory=list)


def retrieve(library: Library, needs: list[str]) -> list[list[Hit]]:
    searcher = library.searcher
    vectors = library.embedder.encode_queries(needs)
    per_need = []
    for need, vector in zip(needs, vectors):
        hits = searcher.search_passages(need, PASSAGES_PER_NEED, query_vector=vector, generic_penalty=GENERIC_PENALTY)
        per_need.append([Hit(h.passage_id, h.document_id, rank_relevance(rank)) for rank, h in enumerate(hits)])
    return per_need


def rank_relevance(rank: int) -> float:
    """1 for the best passage, halving every RELEVANCE_HALF_LIFE ranks.

    Fused scores are flat (the 10th passage scores 0.55 of the first), which would let
    every city "answer" every need; a steep decay keeps the evidence to the best passages.
    """
    return 0.5 ** (rank / RELEVANCE_HALF_LIFE)


def passage_facts(library: Library, passage_ids: set[int]) -> dict[int, PassageFacts]:
    store = library.store
    ids = sorted(passage_ids)
    facts = {
        r["id"]: PassageFacts(r["text"], r["page_start"], r["page_end"], r["document_id"], r["source"], r["title"])
        for r in store.select_in(
            "SELECT p.id, p.text, p.page_start, p.page_end, p.document_id, d.source, d.title "
            "FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id IN ({ids})", ids
        )
    }
    for pid, practice in store.select_in(
        "SELECT passage_id, practice_id FROM practice_passages WHERE passage_id IN ({ids}) ORDER BY practice_id", ids
    ):
        facts[pid].practice_ids.append(practice)
    for pid, city in store.select_in(
        "SELECT passage_id, geonameid FROM passage_cities WHERE passage_id IN ({ids}) ORDER BY geonameid", ids
    ):
        facts[pid].city_ids.append(city)
    return facts


# -- context ------------------------------------------------------------------------


def resolve_mentee(library: Library, profile: MenteeProfile) -> MenteeContext:
    context = MenteeContext(country=profile.country.upper() if profile.country else None, population=profile.population)
    if profile.city:
        from praxis.ingest.cities import Gazetteer

        city = Gazetteer.load().resolve(profile.city, context.country)
        if city is not None:
            context.city, context.geonameid = city.name, city.geonameid
            context.country = context.country or city.country
            context.population = context.population or city.population or None
        else:
            context.city = profile.city
    return context


def size_similarity(a: int | None, b: int | None) -> float:
    """1 for the same size, 0 for a factor of 1000 apart; 0.5 when unknown."""
    if not a or not b:
        return 0.5
    return max(0.0, 1.0 - abs(math.log10(a / b)) / 3.0)


def context_fit(mentee: MenteeContext, country: str | None, population: int | None) -> float:
    same_country = 1.0 if mentee.country and country == mentee.country else 0.0
    return 0.5 * same_country + 0.5 * size_similarity(mentee.population, population)


# -- practices --------------------------------------------------------------------


@dataclass
class PracticeRow:
    id: int
    title: str
    document_id: int
    geonameid: int | None
    city: str | None
    country: str | None
    population: int | None
    language: str | None
    topics: list[str]
    page_start: int
    page_end: int


def load_practices(library: Library, ids: set[int]) -> dict[int, PracticeRow]:
    rows = library.store.select_in(
        "SELECT pr.*, c.name AS city, c.population AS population, coalesce(pr.country, c.country) AS ctry "
        "FROM practices pr LEFT JOIN cities c ON c.geonameid = pr.geonameid WHERE pr.id IN ({ids})", sorted(ids)
    )
    return {
        r["id"]: PracticeRow(
            r["id"], r["title"], r["document_id"], r["geonameid"], r["city"], r["ctry"], r["population"],
            r["language"], json.loads(r["topics"]), r["page_start"], r["page_end"],
        )
        for r in rows
    }


def best_per_need(per_need: list[list[Hit]], facts: dict[int, PassageFacts], key) -> dict[object, dict[int, Hit]]:
    """For each thing (practice or city) the best hit per need index."""
    best: dict[object, dict[int, Hit]] = defaultdict(dict)
    for need_index, hits in enumerate(per_need):
        for hit in hits:
            for owner in key(facts[hit.passage_id]):
                current = best[owner].get(need_index)
                if current is None or hit.score > current.score:
                    best[owner][need_index] = hit
    return best


def rank_practices(
    needs: list[str], per_need: list[list[Hit]], facts: dict[int, PassageFacts], practices: dict[int, PracticeRow],
    mentee: MenteeContext, k: int, translations: dict[int, set[int]],
) -> list[PracticeCard]:
    best = best_per_need(per_need, facts, lambda f: f.practice_ids)
    scored = []
    for practice_id, by_need in best.items():
        practice = practices[practice_id]
        if mentee.geonameid is not None and practice.geonameid == mentee.geonameid:
            continue  # never recommend the mentee's own practice back to it
        relevance = sum(h.score for h in by_need.values()) / len(needs)
        answered = [i for i, h in by_need.items() if h.score >= ANSWERED]
        fit = context_fit(mentee, practice.country, practice.population)
        score = relevance * (1 + 0.2 * max(0, len(answered) - 1)) + 0.1 * fit
        scored.append((score, practice_id, by_need, answered, fit))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return _diversified_cards(needs, scored, facts, practices, mentee, k, translations)


def _diversified_cards(needs, scored, facts, practices, mentee, k, translations) -> list[PracticeCard]:
    """At most one card per publication (language versions count once) and two per city."""
    cards: list[PracticeCard] = []
    seen_documents: set[int] = set()
    per_city: dict[object, int] = defaultdict(int)
    for score, practice_id, by_need, answered, fit in scored:
        practice = practices[practice_id]
        city_key = practice.geonameid or f"doc{practice.document_id}"
        if practice.document_id in seen_documents or per_city[city_key] >= 2:
            continue
        seen_documents.add(practice.document_id)
        seen_documents.update(translations.get(practice.document_id, ()))
        per_city[city_key] += 1
        top_need = max(by_need, key=lambda i: (by_need[i].score, -i))
        passage = facts[by_need[top_need].passage_id]
        cards.append(PracticeCard(
            practice_id=practice_id, title=practice.title, city=practice.city, country=practice.country,
            document_id=practice.document_id, source=passage.source, page=passage.page, page_end=passage.page_end,
            language=practice.language, snippet=snippet_of(passage.text, 480), topics=practice.topics,
            needs=[needs[i] for i in sorted(answered or [top_need])], score=round(score, 4),
            reason=_practice_reason(needs, answered or [top_need], practice, mentee, fit),
        ))
        if len(cards) == k:
            break
    return cards


def _practice_reason(needs: list[str], answered: list[int], practice: PracticeRow, mentee: MenteeContext, fit: float) -> str:
    parts = [f"answers need{'s' if len(answered) > 1 else ''} {', '.join(str(i + 1) for i in sorted(answered))} of {len(needs)}"]
    if practice.topics:
        parts.append("topics: " + ", ".join(practice.topics[:4]))
    if mentee.country and practice.country == mentee.country:
        parts.append("same country")
    if mentee.population and practice.population and size_similarity(mentee.population, practice.population) >= SIMILAR_SIZE:
        parts.append("a city of similar size")
    return "; ".join(parts)


# -- mentors -------------------------------------------------------------------------

# Evidence from a passage that merely names a city counts less than evidence from the city's own practice.
MENTION_DISCOUNT = 0.5
MAX_CITIES_NAMED = 3


def _cities_of(facts: PassageFacts, practices: dict[int, PracticeRow]) -> list[tuple[int, float]]:
    owners = {practices[p].geonameid: 1.0 for p in facts.practice_ids if p in practices and practices[p].geonameid}
    if len(facts.city_ids) <= MAX_CITIES_NAMED:  # a passage listing many cities is no evidence for any
        for city in facts.city_ids:
            owners.setdefault(city, MENTION_DISCOUNT)
    return sorted(owners.items())


def score_mentors(
    library: Library, needs: list[str], per_need: list[list[Hit]], facts: dict[int, PassageFacts],
    practices: dict[int, PracticeRow], mentee: MenteeContext, k: int,
) -> list[MentorCard]:
    """score = 0.61 relevance + 0.25 coverage + 0.06 mentoring experience + 0.08 context fit.

    relevance: the mean over needs of the city's best evidence (0 to 1);
    coverage: the share of needs the city answers (evidence ≥ 0.5);
    mentoring experience: the library documents the city as a mentor;
    context fit: same country as the mentee, and a similar size.
    """
    best: dict[int, dict[int, tuple[float, int]]] = defaultdict(dict)  # city -> need -> (score, passage)
    for need_index, hits in enumerate(per_need):
        for hit in hits:
            for city, weight in _cities_of(facts[hit.passage_id], practices):
                current = best[city].get(need_index)
                if current is None or hit.score * weight > current[0]:
                    best[city][need_index] = (hit.score * weight, hit.passage_id)
    best.pop(mentee.geonameid, None)
    cities = _city_rows(library, set(best))
    experience = _mentoring_experience(library, set(best))
    cards = []
    for city_id, by_need in best.items():
        city = cities[city_id]
        relevance = sum(s for s, _ in by_need.values()) / len(needs)
        answered = sorted(i for i, (s, _) in by_need.items() if s >= ANSWERED)
        fit = context_fit(mentee, city["country"], city["population"])
        parts = {
            "relevance": relevance, "coverage": len(answered) / len(needs),
            "mentoring": 1.0 if experience.get(city_id) else 0.0, "context": fit,
        }
        score = sum(MENTOR_WEIGHTS[name] * value for name, value in parts.items())
        cards.append((score, city_id, by_need, answered))
    cards.sort(key=lambda c: (-c[0], c[1]))
    return [
        _mentor_card(needs, score, cities[cid], by_need, answered, experience.get(cid, []), facts, practices)
        for score, cid, by_need, answered in cards[:k]
    ]


def _city_rows(library: Library, ids: set[int]) -> dict[int, dict]:
    rows = library.store.select_in("SELECT * FROM cities WHERE geonameid IN ({ids})", sorted(ids))
    return {r["geonameid"]: dict(r) for r in rows}


def _mentoring_experience(library: Library, ids: set[int]) -> dict[int, list[str]]:
    rows = library.store.select_in(
        "SELECT dc.geonameid, d.title FROM document_cities dc JOIN documents d ON d.id = dc.document_id "
        "WHERE dc.role = 'mentor' AND dc.geonameid IN ({ids}) ORDER BY d.id", sorted(ids)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for city, title in rows:
        found[city].append(title)
    return found


def _mentor_card(needs, score, city, by_need, answered, experience, facts, practices) -> MentorCard:
    evidence = []
    for need_index in sorted(by_need):
        value, passage_id = by_need[need_index]
        passage = facts[passage_id]
        own = [practices[p] for p in passage.practice_ids if p in practices and practices[p].geonameid == city["geonameid"]]
        evidence.append(Evidence(
            need=needs[need_index], practice=own[0].title if own else None, practice_id=own[0].id if own else None,
            document_id=passage.document_id, source=passage.source, title=passage.title, page=passage.page,
            snippet=snippet_of(passage.text, 480), score=round(value, 4),
        ))
    reason = f"answers {len(answered)} of {len(needs)} needs"
    if experience:
        reason += f"; documented mentor ({len(experience)} document{'s' if len(experience) > 1 else ''})"
    return MentorCard(
        city=city["name"], country=city["country"], population=city["population"] or None, score=round(score, 4),
        needs_covered=len(answered), mentoring_experience=experience[:5], reason=reason, evidence=evidence,
    )


# -- entry point ------------------------------------------------------------------------


def translation_groups(library: Library) -> dict[int, set[int]]:
    groups: dict[int, set[int]] = defaultdict(set)
    for a, b in library.store.conn.execute("SELECT document_a, document_b FROM translations"):
        groups[a].add(b)
        groups[b].add(a)
    return groups


def recommend(library: Library, profile: MenteeProfile, k: int = 10) -> Recommendation:
    needs = split_needs(profile.needs)
    mentee = resolve_mentee(library, profile)
    per_need = retrieve(library, needs)
    facts = passage_facts(library, {h.passage_id for hits in per_need for h in hits})
    practices = load_practices(library, {p for f in facts.values() for p in f.practice_ids})
    return Recommendation(
        needs=needs, mentee=mentee,
        practices=rank_practices(needs, per_need, facts, practices, mentee, k, translation_groups(library)),
        mentors=score_mentors(library, needs, per_need, facts, practices, mentee, min(k, 10)),
    )
