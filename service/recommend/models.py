"""What the recommender takes and gives (the API's and CLI's JSON): pydantic models.

Internal working types (hits, scores) are dataclasses in evidence.py and scoring.py.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from praxis.index import practices as practice_index

Strength = Literal["strong", "partial", "weak"]
NeedStatusName = Literal["answered", "gap", "not_understood"]


class MenteeProfile(BaseModel):
    """A mentee city's needs and context. (`languages` and `topics` were accepted and ignored;
    they are gone: the needs' own words carry both.)"""

    model_config = ConfigDict(extra="forbid")

    needs: str = Field(min_length=3, max_length=4000, description="the mentee's needs, in any language")
    city: str | None = Field(default=None, max_length=120, description="the mentee city's name")
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2 code")
    population: int | None = Field(default=None, ge=1, le=50_000_000)
    geonameid: int | None = Field(
        default=None, ge=1, le=2**40, description="pick one of `mentee.alternatives` (wins over `city`)"
    )


class CityChoice(BaseModel):
    geonameid: int
    name: str
    country: str
    population: int | None
    documented: bool = Field(description="the library has documents about this city")
    latitude: float | None = None
    longitude: float | None = None


class MenteeContext(BaseModel):
    query: str | None = Field(default=None, description="the city name as given")
    city: str | None = None
    geonameid: int | None = None
    country: str | None = None
    population: int | None = None
    matched: bool = Field(default=False, description="the name was found in the gazetteer")
    documented: bool = False
    alternatives: list[CityChoice] = Field(default_factory=list, description="other places with that name")
    latitude: float | None = None
    longitude: float | None = None


class NeedStatus(BaseModel):
    index: int
    need: str
    status: NeedStatusName
    score: float = Field(description="how well the library's best evidence answers it, in [0, 1]")
    strength: Strength
    message: str | None = None


class Evidence(BaseModel):
    need: str
    need_index: int
    practice: str | None
    practice_id: int | None
    document_id: int
    source: str
    title: str
    page: int
    snippet: str
    score: float
    strength: Strength


def file_url(document_id: int) -> str:
    """Where the API serves a document's PDF."""
    return f"/documents/{document_id}/file"


class PracticeSource(BaseModel):
    """One document that describes the practice, citable by page (practice cards and pages)."""

    document_id: int
    source: str
    title: str = Field(description="the document's title")
    name: str = Field(description="the practice's name in this document")
    language: str | None
    kind: str | None
    page_start: int
    page_end: int
    file_url: str

    @classmethod
    def of(cls, record: "practice_index.PracticeSource") -> "PracticeSource":
        return cls(document_id=record.document_id, source=record.source, title=record.title, name=record.name,
                   language=record.language, kind=record.kind, page_start=record.page_start,
                   page_end=record.page_end, file_url=file_url(record.document_id))


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
    need_indexes: list[int]
    score: float
    strength: Strength
    reason: str
    sources: list[PracticeSource] = Field(
        default_factory=list, description="every document that describes this practice (one initiative, several sheets or languages)")


class MentorCard(BaseModel):
    city: str
    geonameid: int
    country: str
    population: int | None
    latitude: float | None = None
    longitude: float | None = None
    score: float
    strength: Strength
    needs_covered: int
    need_indexes: list[int]
    needs_answered: list[str]
    mentoring_experience: list[str]
    reason: str
    evidence: list[Evidence]


class Recommendation(BaseModel):
    needs: list[str]
    need_status: list[NeedStatus]
    gaps: list[str]
    not_understood: list[str]
    message: str | None
    mentee: MenteeContext
    practices: list[PracticeCard]
    mentors: list[MentorCard]

    def as_text(self) -> str:
        lines = [mentee_line(self.mentee), "", "Needs:"]
        for status in self.need_status:
            note = {"answered": f"answered ({status.strength})", "gap": "GAP: no practice in the library answers it",
                    "not_understood": "not understood"}[status.status]
            lines.append(f"  {status.index + 1}. {status.need}  [{note}]")
        if self.message:
            lines += ["", self.message]
        lines.append("\nPractices:")
        for card in self.practices:
            lines.append(f"  {card.strength:7} {card.score:.2f}  {card.title} — {card.city or '?'} ({card.source}, p. {card.page})")
            lines.append(f"         {card.reason}")
        lines.append("\nMentor cities:")
        for mentor in self.mentors:
            lines.append(f"  {mentor.strength:7} {mentor.score:.2f}  {mentor.city} ({mentor.country}) — {mentor.reason}")
        return "\n".join(lines)


def mentee_line(mentee: MenteeContext) -> str:
    if not mentee.query and not mentee.city:
        return "Mentee: no city given (no context fit)"
    if not mentee.matched:
        return f"Mentee: '{mentee.query}' not found in the gazetteer (no context fit beyond what was given)"
    population = f", population {mentee.population:,}" if mentee.population else ""
    line = f"Mentee: {mentee.city} ({mentee.country}{population}; GeoNames {mentee.geonameid})"
    if mentee.alternatives:
        others = "; ".join(f"{a.name} ({a.country}, {a.geonameid})" for a in mentee.alternatives[:5])
        line += f"\n  also named so: {others} — pick one with --geonameid"
    return line
