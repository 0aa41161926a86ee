"""Cross-language lexical search: query words are bridged to the library's own terms.

BM25 only matches words that are in the passage, so a Swedish "boendesegregation" never
meets the English "segregation" or "housing". The multilingual embedder can bridge them
one word at a time: every term of the lexical index is embedded once (as a passage), each
query word is embedded (as a query), and the library terms nearest to it join the FTS
query. This is query translation with the library's own vocabulary as the dictionary, so
it needs no bilingual dictionary and adapts to whatever languages are ingested.

Measured on the labelled set (`praxis eval`): lexical nDCG@10 0.47 -> 0.65 (cross-lingual
0.15 -> 0.48), hybrid 0.77 -> 0.80. Term vectors are a cache like the faiss file: terms
not embedded yet are simply not bridged, and the next ingest or `praxis reindex` adds them.

The bridge crosses languages only: a library term mostly used in the query's own language
(an inflection, "maahanmuuttajien" for "maahanmuuttajille") is not added, since BM25 on
it finds the query-language documents the dense side already over-ranks; nor is any
function word of any language ("denn", "detta", "οποίο"), since every added term is shown
to the user. A term's language is where the library uses it (a sample of its passages),
the query's is the majority of its words that are library terms. On the 80 labelled
queries: lexical cross-lingual nDCG@10 0.415 -> 0.486 (see README, "Design decisions").

Term vectors are held 8-bit quantised in a faiss index (a quarter of the float32 matrix,
and no slower to scan), saved with the library by the writer so that readers load it
instead of training it (`index/term_index.py`).
"""
from __future__ import annotations

import re
import sqlite3
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable

import numpy as np

from praxis.index.embedders.base import Embedder
from praxis.index.lexical import fts_fold
from praxis.index.pause import pause_point
from praxis.index.stopwords import FUNCTION_WORDS, STOPWORDS
from praxis.index.store import Store, vector_to_blob
from praxis.index.term_index import IVF_FROM, NPROBE, PackedTerms, TermIndex, quantised_index, refresh_term_index  # noqa: F401 (re-exported)

NEIGHBOURS = 5  # library terms considered per query word
MARGIN = 0.01  # ... of which those within this cosine of the best one are kept (e5 scores are close together)
# ... and only if they stand out from the word's similarity to the whole vocabulary (in standard
# deviations): a word the model does not really know is about as close to every term, and its
# "nearest" terms are noise (measured: same nDCG, and no junk shown to users).
MIN_STANDOUT = 4.0
STANDOUT_FROM = 500  # terms needed before the vocabulary's spread means anything
MIN_LENGTH, MAX_LENGTH = 3, 40  # shorter terms are noise, longer ones are URLs and glued words
EMBED_BATCH, WRITE_BATCH = 256, 4096
# Bridged per query, rarest in the library first: each costs one encoding (~2.5 ms in a batch).
# Was 12. Measured with 4 / 6 / 8 / 12 on the 80 queries: hybrid nDCG@10 0.734 / 0.737 / 0.739
# / 0.736, cross-lingual recall@10 0.695 / 0.706 / 0.711 / 0.693; on the seeded halves
# (eval/xling_report.py) 8 gains on A (cross-lingual 0.631 -> 0.641, recall 0.643 -> 0.679)
# and ties on B (0.683): the rarest words carry the meaning, common ones bring noise.
# Recommendation: mentor hit@3 0.964 -> 1.000, practice nDCG@10 0.635 -> 0.631.
MAX_WORDS = 8
WORD_CACHE = 4096  # query-encoded texts (words and whole queries) kept between searches
DEPTH = 64  # nearest terms fetched per word, before own-language terms and function words are set aside
LANGUAGE_SAMPLE = 64  # occurrences read to tell which language a term belongs to

LanguageOf = Callable[[list[str]], dict[str, str]]
DetectLanguage = Callable[[str], "str | None"]  # the service wires ingest's detector in (service/wiring.py)

_QUERY_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def bridgeable(term: str) -> bool:
    return MIN_LENGTH <= len(term) <= MAX_LENGTH and not any(ch.isdigit() for ch in term) and term not in STOPWORDS


SPELLED_TERMS = "term_vectors:spelled"  # meta key: the term vectors are of written forms (not folded ones)
LOOKUP_CHUNK = 400  # terms per language lookup statement (SQLite's compound-SELECT limit is 500)


class TermLanguages:
    """The language each library term is mostly used in, read from the lexical index on
    demand (a temp fts5vocab view of term occurrences; ~0.1 ms a term) and remembered, with
    the term's spelling (read in the same statement)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._known: dict[str, str] = {}
        self._spellings: dict[str, str] = {}
        self._lock = threading.Lock()

    def spelling(self, term: str) -> str:
        """How the library writes a term looked up before ("geflüchteten" for "gefluchteten")."""
        return self._spellings.get(term, term)

    def __call__(self, terms: list[str]) -> dict[str, str]:
        with self._lock:
            missing = sorted({t for t in terms if t not in self._known})
            # SQLite allows 500 terms in one compound SELECT: a long query's candidates take a few statements.
            for start in range(0, len(missing), LOOKUP_CHUNK):
                chunk = missing[start : start + LOOKUP_CHUNK]
                found = self._languages(self._store.conn, chunk)
                self._known.update({t: found.get(t, ("", None))[0] for t in chunk})
                self._spellings.update({t: spelling for t, (_, spelling) in found.items() if spelling})
            return {t: self._known[t] for t in terms if self._known[t]}

    @classmethod
    def _languages(cls, conn: sqlite3.Connection, terms: list[str]) -> dict[str, tuple[str, str | None]]:
        """The majority language of each term's first occurrences, and its spelling, all terms in
        one statement."""
        try:
            return cls._query(conn, terms)
        except sqlite3.OperationalError:  # the temp view is per connection: made on first use
            conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.passages_instances USING fts5vocab(main, passages_fts, instance)")
            return cls._query(conn, terms)

    @staticmethod
    def _query(conn: sqlite3.Connection, terms: list[str]) -> dict[str, tuple[str, str | None]]:
        samples = " UNION ALL ".join(
            "SELECT ? AS term, doc FROM (SELECT doc FROM temp.passages_instances WHERE term = ? LIMIT ?)" for _ in terms
        )
        params = [value for term in terms for value in (term, term, LANGUAGE_SAMPLE)]
        rows = conn.execute(
            f"SELECT i.term, coalesce(p.language, d.language) AS lang, count(*) AS n, "
            f"(SELECT t.spelling FROM term_vectors t WHERE t.term = i.term) AS spelling FROM ({samples}) i "
            "JOIN passages p ON p.id = i.doc JOIN documents d ON d.id = p.document_id "
            "GROUP BY i.term, lang ORDER BY i.term, n DESC, lang",
            params,
        ).fetchall()
        best: dict[str, tuple[str, str | None]] = {}
        for term, language, _count, spelling in rows:  # ordered: the first row of a term is its majority
            best.setdefault(term, (language or "", spelling))
        return best


def sync_term_vectors(store: Store, embedder: Embedder) -> int:
    """Give every term of the lexical index a vector, and drop the vectors of terms that left
    it (a deleted or changed document), so the bridge never offers a word that finds nothing.

    A term is embedded as the library writes it, not as FTS folds it: "geflüchteten", not
    "gefluchteten" (the model reads accents; measured on the 80 labelled queries, hybrid nDCG@10
    0.739 -> 0.743, lexical cross-lingual 0.492 -> 0.501, lexical same-language 0.799 -> 0.808,
    practice nDCG@10 0.631 -> 0.635; nothing tuned). The spelling is kept, and shown to users.

    Returns how many terms were embedded; the saved term index (`index/term_index.py`) follows.
    Encoded 256 words a call (searches encode on their own model instance, so none waits
    for these calls; sample library ingest 44.1 -> 39.2 s against 64 a call, same run),
    written in large batches (each write makes readers reload the bridge).
    """
    removed: dict[str, np.ndarray] = {}
    if store.meta(SPELLED_TERMS) is None:  # a library from before: its vectors are of folded terms
        # Every vector is redone, so the saved term index is rebuilt (no old vectors read for it).
        gone = [term for (term,) in store.conn.execute("SELECT term FROM term_vectors")]
    else:  # EXCEPT, not NOT EXISTS: point lookups into fts5vocab take 4 s for 200k terms, this 0.15 s.
        gone = [term for (term,) in store.conn.execute("SELECT term FROM term_vectors EXCEPT SELECT term FROM passages_vocab")]
        # their vectors are kept for the saved term index, which drops them without retraining
        removed = term_vectors_of(store, gone)
    if gone:
        store.remove_term_vectors(gone)
    missing = [
        term for (term,) in store.conn.execute(
            "SELECT v.term FROM passages_vocab v WHERE NOT EXISTS (SELECT 1 FROM term_vectors t WHERE t.term = v.term)"
        ) if bridgeable(term)
    ]
    spellings = library_spellings(store, missing)
    for start in range(0, len(missing), WRITE_BATCH):
        chunk = missing[start : start + WRITE_BATCH]
        written = [spellings.get(term, term) for term in chunk]
        vectors = np.vstack([
            embedder.encode_passages(written[i : i + EMBED_BATCH]) for i in range(0, len(chunk), EMBED_BATCH)
        ])
        store.add_term_vectors(
            (term, vector_to_blob(vector), spelling if spelling != term else None)
            for term, spelling, vector in zip(chunk, written, vectors)
        )
        pause_point("terms")
    store.set_meta(SPELLED_TERMS, "1")
    refresh_term_index(store, removed)
    return len(missing)


SPELLING_SCAN_SLACK = 5000  # passages read in a row without a new term before the search stops
_WRITTEN_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def library_spellings(store: Store, terms: list[str]) -> dict[str, str]:
    """The most frequent lower-case written form of each folded term, read from the passages
    newest first (new terms come from the passages just written) until every term is found,
    or SPELLING_SCAN_SLACK passages in a row found none (a term the tokenizers split
    differently keeps its folded form instead of costing a scan of the whole library)."""
    wanted = set(terms)
    counts: dict[str, Counter] = {}
    folds: dict[str, str] = {}  # folding is most of the cost: each written word once
    barren = 0
    for (text,) in store.conn.execute("SELECT text FROM passages ORDER BY id DESC"):
        if not wanted or barren > SPELLING_SCAN_SLACK:
            break
        before = len(wanted)
        for word in _WRITTEN_WORD.findall(text):
            lower = word.lower()
            folded = folds.get(lower)
            if folded is None:
                folded = folds[lower] = fts_fold(lower)
            if folded in wanted or folded in counts:
                counts.setdefault(folded, Counter())[lower] += 1
                wanted.discard(folded)
        barren = 0 if len(wanted) < before else barren + 1
    # most frequent first; ties to the lowest code point, so a rebuild gives the same spelling
    return {term: min(forms, key=lambda form: (-forms[form], form)) for term, forms in counts.items()}


def term_vectors_of(store: Store, terms: list[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(terms), LOOKUP_CHUNK):
        chunk = terms[start : start + LOOKUP_CHUNK]
        marks = ",".join("?" * len(chunk))
        for term, blob in store.conn.execute(f"SELECT term, vector FROM term_vectors WHERE term IN ({marks})", chunk):
            found[term] = np.frombuffer(blob, dtype=np.float32)
    return found


class TermPositions:
    """Term -> position in the sorted terms, by binary search (a dict of 191k terms would
    cost ~10 MiB more per process)."""

    def __init__(self, terms: PackedTerms) -> None:
        self._terms = terms

    def get(self, term: str, default: int | None = None) -> int | None:
        found = self._terms.position(term)
        return default if found is None else found

    def __contains__(self, term: object) -> bool:
        return term in self._terms

    def __len__(self) -> int:
        return len(self._terms)


class TermBridge:
    """Query words -> library terms in other languages, over the saved term index."""

    def __init__(
        self, version: str | None, terms: list[str], matrix: np.ndarray | None, query_vectors: "QueryVectors",
        frequency: dict[str, int] | None = None, language_of: LanguageOf | None = None,
        detect_language: DetectLanguage | None = None, *, vectors: TermIndex | None = None,
    ) -> None:
        """`terms` and `matrix` (unit rows, same order) build an index here; `vectors` is one
        built or loaded already (then `terms` and `matrix` are ignored)."""
        if vectors is None:
            vectors = TermIndex.build(np.arange(len(terms), dtype=np.int64), list(terms), np.asarray(matrix, np.float32))
        self.version = version
        self.vectors = vectors
        self.terms = vectors.terms
        self.rows = TermPositions(self.terms)
        self.index = vectors.index
        self.matrix = np.zeros((0, vectors.dimension), dtype=np.float32)  # the index holds the vectors
        # Mean and covariance of the term vectors: a word's mean and spread of similarity to the
        # whole vocabulary in O(dimension^2), without a pass over every term.
        self.mean, self.covariance = vectors.mean_and_covariance()
        self.query_vectors = query_vectors
        self.frequency = frequency or {}  # passages per term
        self.language_of = language_of  # None: every nearest term may be added (no language known)
        self.detect_language = detect_language  # a query's language from its text, if wired
        self.built = False  # True when from_store had to build the index (nothing saved for this version)

    @property
    def memory_bytes(self) -> int:
        return self.vectors.code_bytes + self.covariance.nbytes

    @classmethod
    def from_store(
        cls, store: Store, query_vectors: "QueryVectors | None" = None, detect_language: DetectLanguage | None = None
    ) -> "TermBridge":
        """The bridge over the saved term index of the current terms version (built from the
        term vectors, and marked `built`, when none is saved: see `index/term_index.py`)."""
        version = store.meta("terms_version")
        vectors = TermIndex.load(store, version or "0", mapped=True)
        built = vectors is None
        if vectors is None:
            vectors = TermIndex.from_store(store)
        frequency = dict(store.conn.execute("SELECT term, doc FROM passages_vocab").fetchall())
        bridge = cls(version, vectors.terms, None, query_vectors or QueryVectors(), frequency, TermLanguages(store),
                     detect_language, vectors=vectors)
        bridge.built = built
        return bridge

    def save(self, store: Store) -> None:
        """Save a bridge that had to be built (nothing valid was saved for its terms), if the
        terms have not moved on meanwhile. The caller holds the writer lock."""
        version = self.version or "0"
        if self.built and (store.meta("terms_version") or "0") == version:
            self.vectors.save(store, version)

    def _nearest(self, vectors: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and term positions (-1: none) of the `depth` nearest terms of each vector."""
        scores, labels = self.index.search(np.ascontiguousarray(vectors, dtype=np.float32), depth)
        return scores, self.vectors.positions(labels)

    def expand(self, query: str, embedder: Embedder) -> list[str]:
        """Library terms that stand for the query's words in other languages (sorted, no repeats)."""
        words = self._content_words(query)
        if not words or not self.terms:
            return []
        vectors = self.query_vectors.vectors(words, embedder)
        depth = min(DEPTH, len(self.terms))
        scores, nearest = self._nearest(vectors, depth)
        floors = self._standout_floors(vectors)
        owns = [self.rows.get(fts_fold(w)) for w in words]  # the words that are library terms themselves
        # Each candidate decoded once (a query's 8 x 64 candidates were decoded twice each, and
        # looked up one by one: 1.1 ms of a search at 100k passages, now 0.2).
        rows = np.unique(nearest[nearest >= 0]).tolist()
        names = dict(zip(rows, self.terms.many(rows) if isinstance(self.terms, PackedTerms) else [self.terms[r] for r in rows]))
        known = [self.terms[own] for own in owns if own is not None]
        languages: dict[str, str] = {}
        if self.language_of is not None:  # every language this query may ask for, in one statement
            languages = self.language_of([*names.values(), *known])
        query_language = self._query_language(query, known, languages)
        found: set[str] = set()
        for word_scores, candidates, floor, own in zip(scores, nearest, floors, owns):
            # the word itself is no translation, nor the bar for one
            kept = self._translations(word_scores, candidates, own, query_language, names, languages)
            if kept:
                floor = max(floor, kept[0][0] - MARGIN)
                found.update(term for score, term in kept if score >= floor)
        return sorted(self._spelled(term) for term in found)

    def _spelled(self, term: str) -> str:
        """As the library writes it: shown to users, and FTS folds it back to the term."""
        spelling = getattr(self.language_of, "spelling", None)
        return spelling(term) if spelling else term

    def encode_with_words(self, queries: list[str], embedder: Embedder) -> np.ndarray:
        """The queries' vectors (one search's query, or a mentee's needs), encoded in one model
        call with those of their words `expand` will need and has not seen (kept for it): one
        call instead of two per search (measured at 100k passages: about 4 ms less at load 3,
        the same vectors)."""
        words = self.query_vectors.missing(
            sorted({w for query in queries for w in self._content_words(query)})) if len(self.terms) else []
        vectors = embedder.encode_queries([*queries, *words])
        self.query_vectors.add(dict(zip(words, vectors[len(queries):])))
        return vectors[: len(queries)]

    def _translations(
        self, scores: np.ndarray, candidates: np.ndarray, own: int | None, query_language: str | None,
        names: dict[int, str], languages: dict[str, str],
    ) -> list[tuple[float, str]]:
        """The nearest NEIGHBOURS terms that are neither the word itself, nor a function word,
        nor a term of the query's own language (`names`: the candidates' terms by position,
        `languages`: their languages, as `language_of` gave them)."""
        kept: list[tuple[float, str]] = []
        own_language = query_language if self.language_of is not None else None
        for score, row in zip(scores.tolist(), candidates.tolist()):
            if row < 0 or row == own:
                continue
            term = names[row]
            if term in FUNCTION_WORDS or (own_language and languages.get(term) == own_language):
                continue
            kept.append((score, term))
            if len(kept) == NEIGHBOURS:
                break
        return kept

    def _query_language(self, query: str, known: list[str], languages: dict[str, str]) -> str | None:
        """The query's language: detected from its text when it has a few words, else the
        language most of its words (`known`: those that are library terms, folded) have in the
        library (None when neither says)."""
        if self.language_of is None:
            return None
        detected = self.detect_language(query) if self.detect_language else None
        if detected:
            return detected
        votes = Counter(languages[term] for term in dict.fromkeys(known) if term in languages)
        return min(votes, key=lambda lang: (-votes[lang], lang)) if votes else None

    def _content_words(self, query: str) -> list[str]:
        """The query's content words, at most MAX_WORDS: those rarest in the library (or absent
        from it, so most in need of a bridge) first."""
        words = sorted({w.lower() for w in _QUERY_WORD.findall(query)} - STOPWORDS)
        return sorted(words, key=lambda w: (self.frequency.get(fts_fold(w), 0), w))[:MAX_WORDS]

    def _standout_floors(self, vectors: np.ndarray) -> np.ndarray:
        if len(self.terms) < STANDOUT_FROM:
            return np.full(len(vectors), -np.inf)
        means = vectors @ self.mean
        # x C x^T per word as a matrix product: einsum's three-operand loop took 1.0 ms for 8 words, this 0.07
        spreads = np.sqrt(np.maximum(((vectors @ self.covariance) * vectors).sum(axis=1), 0.0))
        return means + MIN_STANDOUT * spreads


class QueryVectors:
    """Texts encoded as queries, kept: the words of queries (the same words come back in many
    queries) and whole queries (the same query comes back with another filter or page). One
    cache, since a text's query vector is the same either way.

    Least recently used first out, one text at a time: the whole cache used to be dropped when
    full, so a server encoded its most common words again every few thousand texts (simulated
    on 2,400 benchmark queries at 100k passages: 1.97 -> 1.51 new words encoded per query; the
    same until the cache first fills)."""

    def __init__(self, size: int = WORD_CACHE) -> None:
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, words: list[str], embedder: Embedder) -> np.ndarray:
        with self._lock:
            known = {w: self._vectors[w] for w in words if w in self._vectors}
            self._touch(known)
        missing = [w for w in words if w not in known]
        if missing:
            encoded = dict(zip(missing, embedder.encode_queries(missing)))
            known.update(encoded)
            self.add(encoded)
        return np.array([known[w] for w in words], dtype=np.float32)

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
            return vector

    def missing(self, words: list[str]) -> list[str]:
        with self._lock:
            self._touch([w for w in words if w in self._vectors])
            return [w for w in words if w not in self._vectors]

    def add(self, encoded: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._vectors.update(encoded)
            self._touch(encoded)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)

    def __len__(self) -> int:
        return len(self._vectors)

    def __contains__(self, text: object) -> bool:
        return text in self._vectors

    def _touch(self, texts) -> None:
        """Mark as just used (the caller holds the lock)."""
        for text in texts:
            self._vectors.move_to_end(text)
