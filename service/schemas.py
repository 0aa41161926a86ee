"""Response (and request) models of the HTTP API.

Search results and recommendations have the same fields as `praxis search --json` and
`praxis recommend --json`; the recommendation models are those of service.recommend.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from praxis.service.recommend import MenteeProfile
from praxis.service.recommend.models import NeedStatusName, PracticeSource

# -- errors and health ------------------------------------------------------------------


class ErrorResponse(BaseModel):
    """Every error: a person-readable `detail` (validation errors also list each problem)."""

    detail: str | list[dict[str, object]]
    message: str | None = None
    suggestions: list[str] | None = None  # "did you mean": for an unknown city name


class DerivedState(BaseModel):
    """Whether the caches derived from the documents (translations, term vectors, the dense
    index, ...) are current; an interrupted job's gap is completed in the background."""

    current: bool
    stale: list[str] = Field(default_factory=list, description="derived steps not yet current")
    repairing: bool = False
    error: str | None = Field(None, description="why the last repair failed, if it did")


class Health(BaseModel):
    status: str
    documents: int
    passages: int
    practices: int
    cities: int
    embedder: str
    writes_enabled: bool
    derived: DerivedState | None = None


# -- search ---------------------------------------------------------------------------


class LanguageVersion(BaseModel):
    """Another language version (translation) of the same publication."""

    document_id: int
    source: str
    title: str
    language: str | None


class TranslationRef(LanguageVersion):
    score: float = Field(description="how closely the two documents align, passage by passage")


class SearchHit(BaseModel):
    document_id: int
    source: str
    title: str
    language: str | None
    page: int
    page_end: int
    score: float
    snippet: str
    passage_id: int
    matched_passages: int
    cities: list[str]
    topics: list[str]
    translations: list[LanguageVersion]


class SearchFilters(BaseModel):
    lang: str | None = None
    city: str | None = None
    country: str | None = None
    topic: str | None = None
    network: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    document: int | None = None


class SearchResponse(BaseModel):
    query: str
    k: int
    mode: str
    filters: SearchFilters
    bridged_terms: list[str] = Field(
        default_factory=list,
        description="library terms, often in other languages, that lexical search also looked for",
    )
    status: NeedStatusName = Field(
        "answered",
        description="answered: a result's passage supports the query, by the rule a mentee's need is judged by; "
                    "gap: none does (the results are the nearest passages, not answers); not_understood: no word "
                    "of the query is one the library or its lexicon knows",
    )
    notice: str | None = Field(None, description="what to tell the reader when the status is not answered")
    results: list[SearchHit]


# -- recommend ------------------------------------------------------------------------------


class RecommendRequest(MenteeProfile):
    """A mentee's profile (needs in any language, city, country, population) and how many answers."""

    model_config = ConfigDict(extra="forbid")

    k: int = Field(default=10, ge=1, le=1000, description="number of practices (mentor cities: at most 10)")


# -- documents --------------------------------------------------------------------------------


class DocumentSummary(BaseModel):
    id: int
    source: str
    title: str
    language: str | None
    pages: int
    status: str
    publisher: str | None
    network: str | None
    year: int | None
    country: str | None
    kind: str | None
    added_at: str
    file_url: str


class DocumentPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[DocumentSummary]


class DocumentCity(BaseModel):
    geonameid: int
    name: str
    country: str
    role: str | None
    origin: str
    mentions: int


class PracticeCity(BaseModel):
    name: str
    country: str
    geonameid: int


class PracticeSummary(BaseModel):
    id: int
    title: str = Field(description="the initiative's name (as `name`)")
    name: str
    document_id: int = Field(description="its first source")
    city: str | None = Field(description="the (first) city that runs it")
    cities: list[PracticeCity]
    country: str | None
    language: str | None = Field(description="language of its first source")
    languages: list[str] = Field(description="languages of all its sources")
    topics: list[str]
    page_start: int
    page_end: int
    origin: str
    kind: str | None = Field(description="kind of its first source's document (practice_sheet, report, ...)")
    source_count: int = Field(description="how many documents describe it")


class DocumentDetail(DocumentSummary):
    source_url: str | None
    passages: int
    translations: list[TranslationRef]
    cities: list[DocumentCity]
    topics: list[str]
    practices: list[PracticeSummary]


class SimilarDocument(BaseModel):
    document_id: int
    source: str
    title: str
    language: str | None
    score: float


class SimilarResponse(BaseModel):
    document_id: int
    similar: list[SimilarDocument]


# -- writes ----------------------------------------------------------------------------------


class UnchangedFile(BaseModel):
    """Already in the library with the same content: nothing was done."""

    id: int
    source: str
    title: str


class IngestedFile(UnchangedFile):
    language: str | None
    pages: int
    passages: int
    embedded: int = Field(description="passages that needed the model (the rest were known by content hash)")
    warnings: list[str]


class FailedFile(BaseModel):
    source: str
    error: str


class IngestResponse(BaseModel):
    """The same shape as `praxis ingest --json`."""

    added: list[IngestedFile]
    updated: list[IngestedFile]
    unchanged: list[UnchangedFile]
    failed: list[FailedFile]


class DeleteResponse(BaseModel):
    deleted: int
    source: str
    title: str


# -- cities ------------------------------------------------------------------------------------


class CitySummary(BaseModel):
    geonameid: int
    name: str
    country: str
    population: int | None
    documents: int
    practices: int
    mentor_documents: int
    mentee_documents: int


class CityList(BaseModel):
    total: int
    items: list[CitySummary]


class CityDocument(BaseModel):
    document_id: int
    source: str
    title: str
    language: str | None
    year: int | None
    role: str | None
    origin: str
    mentions: int


class Partner(BaseModel):
    name: str
    country: str
    role: str | None


class MentoringRole(BaseModel):
    """The city's part (mentor, mentee...) in one document, and the other cities' parts."""

    role: str
    document_id: int
    title: str
    partners: list[Partner]


class CityDetail(BaseModel):
    geonameid: int
    name: str
    country: str
    population: int | None
    latitude: float
    longitude: float
    documents: list[CityDocument]
    practices: list[PracticeSummary]
    mentoring: list[MentoringRole]


# -- practices -----------------------------------------------------------------------------------


class PracticePassage(BaseModel):
    id: int
    document_id: int
    ordinal: int
    page_start: int
    page_end: int
    language: str | None
    text: str


class PracticeDocument(BaseModel):
    id: int
    source: str
    title: str
    language: str | None
    file_url: str


class SimilarPractice(BaseModel):
    id: int
    name: str
    cities: list[PracticeCity]
    languages: list[str]
    score: float = Field(description="cosine of the practices' mean passage embeddings")
    country: str | None = Field(default=None, description="ISO 3166 alpha-2; a national practice has no city")


class PracticeDetail(PracticeSummary):
    organisation: str | None
    description: str | None = Field(description="1-3 sentences quoted verbatim from its first source")
    target_groups: list[str]
    period: str | None
    document: PracticeDocument = Field(description="its first source (see `sources` for all)")
    sources: list[PracticeSource] = Field(description="every document that describes it, with pages")
    passages: list[PracticePassage]
    similar: list[SimilarPractice] = Field(description="similar practices of other cities, any language")


# -- facets -------------------------------------------------------------------------------------------


class FacetValue(BaseModel):
    value: str
    count: int


class Facets(BaseModel):
    """What the search filters can take in this library, with document counts."""

    languages: list[FacetValue]
    countries: list[FacetValue]
    topics: list[FacetValue]
    networks: list[FacetValue]
    cities: list[FacetValue]
    year_min: int | None
    year_max: int | None
