"""Each passage's document, language and topics, in memory, for one generation of the library.

A search asked SQLite for the language (and, for a query with topics, the topics) of its 300
dense candidates (`rerank.rescore`) and for the document of its ~200 fused passages (grouping):
statements that bind a few hundred ids each, 1.3, 0.6 and 0.6 ms of a search at 100k passages
(in process, load 2.5). These facts only change with a write, which bumps the store's
generation, so a table read once per generation answers them with a binary search over numpy
arrays (1.4 MiB at 100k passages: ids are int32, topics are bits, one each of the taxonomy's 17).

Reading it costs ~80-140 ms at 100k passages, so a library builds it in the background once a
generation has served a search (`Library`): a one-off command (`praxis search`) never pays
for it, a server pays once per write. A search uses it only when its snapshot is of the
table's generation (one short statement), else asks SQLite as before: results are the same
either way.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from praxis.index.store import Store

MASK_BITS = 64  # topics a table holds as bits (the taxonomy has a few dozen)


@dataclass(frozen=True)
class PassageTable:
    generation: int
    ids: np.ndarray  # int32 (int64 past 2**31), increasing
    documents: np.ndarray  # int32 (int64 past 2**31), the document of ids[i]
    codes: np.ndarray  # int16, index into `languages` of ids[i]'s language (its own, else its document's, else "?")
    languages: tuple[str, ...]
    # Bit j of masks[i]: ids[i] carries topics[j], itself or through its document (None: more
    # topics than bits, and topics are asked of SQLite).
    masks: np.ndarray | None = None
    topics: tuple[str, ...] = ()

    @classmethod
    def from_store(cls, store: Store) -> "PassageTable":
        """The table of the store's current generation (read in one snapshot)."""
        with store.snapshot() as conn:
            generation = store.generation
            cursor = conn.cursor()
            cursor.row_factory = None  # plain tuples: a third faster than sqlite3.Row for 100k rows
            rows = cursor.execute(
                "SELECT p.id, p.document_id, coalesce(p.language, d.language, '?') FROM passages p "
                "JOIN documents d ON d.id = p.document_id ORDER BY p.id").fetchall()
            own = cursor.execute("SELECT passage_id, topic FROM passage_topics").fetchall()
            inherited = cursor.execute("SELECT document_id, topic FROM document_topics").fetchall()
        languages = tuple(sorted({row[2] for row in rows}))
        index = {language: i for i, language in enumerate(languages)}
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        documents = np.fromiter((row[1] for row in rows), dtype=np.int64, count=len(rows))
        codes = np.fromiter((index[row[2]] for row in rows), dtype=np.int16, count=len(rows))
        topics = tuple(sorted({row[1] for row in own} | {row[1] for row in inherited}))
        masks = _topic_masks(ids, documents, topics, own, inherited) if len(topics) <= MASK_BITS else None
        if masks is not None and len(topics) <= 32:
            masks = masks.astype(np.uint32)
        return cls(generation, _narrow(ids), _narrow(documents), codes, languages, masks, topics)

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.documents.nbytes + self.codes.nbytes + (0 if self.masks is None else self.masks.nbytes)

    def _held(self, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(the ids this table holds, in the order given; their positions)."""
        wanted = np.asarray(ids, dtype=np.int64)
        if not len(self.ids) or not len(wanted):
            return wanted[:0], wanted[:0]
        at = np.clip(np.searchsorted(self.ids, wanted), 0, len(self.ids) - 1)
        held = self.ids[at] == wanted
        return wanted[held], at[held]

    def languages_of(self, ids: list[int]) -> dict[int, str]:
        """As `rerank.passage_languages`: the passages' languages, for those the table holds."""
        held, at = self._held(ids)
        names = self.languages
        return {pid: names[code] for pid, code in zip(held.tolist(), self.codes[at].tolist())}

    def owners(self, ids: list[int]) -> dict[int, int]:
        """Each passage's document, for those the table holds."""
        held, at = self._held(ids)
        return dict(zip(held.tolist(), self.documents[at].tolist()))

    def topics_of(self, ids: list[int]) -> dict[int, set[str]] | None:
        """As `catalog.passage_topics`: each passage's topics, its own and its document's, for
        those that have any (None: this table does not hold topics)."""
        if self.masks is None:
            return None
        held, at = self._held(ids)
        masks = self.masks[at]
        found: dict[int, set[str]] = {}
        for pid, mask in zip(held[masks != 0].tolist(), masks[masks != 0].tolist()):
            found[pid] = {topic for bit, topic in enumerate(self.topics) if mask >> bit & 1}
        return found


def _narrow(values: np.ndarray) -> np.ndarray:
    """int32 when the ids fit: half the memory (1.4 instead of 2.6 MiB at 100k passages, with
    32-bit topic masks), the index's memory budget being 60 MB per 100k passages."""
    return values.astype(np.int32) if not len(values) or int(values.max()) < 2**31 else values


def _topic_masks(ids: np.ndarray, documents: np.ndarray, topics: tuple[str, ...], own: list, inherited: list) -> np.ndarray:
    bit = {topic: np.uint64(1) << np.uint64(j) for j, topic in enumerate(topics)}
    masks = np.zeros(len(ids), dtype=np.uint64)
    if own and len(ids):
        passages = np.fromiter((row[0] for row in own), dtype=np.int64, count=len(own))
        at = np.clip(np.searchsorted(ids, passages), 0, len(ids) - 1)
        held = ids[at] == passages
        np.bitwise_or.at(masks, at[held], np.array([bit[row[1]] for row in own], dtype=np.uint64)[held])
    if inherited and len(ids):
        by_document: dict[int, np.uint64] = {}
        for document, topic in inherited:
            by_document[document] = by_document.get(document, np.uint64(0)) | bit[topic]
        order = np.array(sorted(by_document), dtype=np.int64)
        values = np.array([by_document[d] for d in order.tolist()], dtype=np.uint64)
        at = np.clip(np.searchsorted(order, documents), 0, len(order) - 1)
        held = order[at] == documents
        masks[held] |= values[at[held]]
    return masks
