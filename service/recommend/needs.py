"""A mentee's text -> separate needs, and whether Praxis understands each one.

A need is *understood* when at least one of its content words is a word the library's
text uses (any language: the lexical index's vocabulary) or one the multilingual topic
lexicon knows. "asdf qwer zxcv", emoji, digits, or a script the library has no word in are
not understood, and Praxis says so instead of answering them with its least-bad passage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from praxis.index import evidence as reads
from praxis.index.stopwords import STOPWORDS
from praxis.index.store import Store
from praxis.ingest.topics import assign_topics

MAX_NEEDS = 8  # more are merged pairwise: each need costs one retrieval (~60 ms)
# Content words: three letters or more in any script (shorter ones are function words or noise).
_CONTENT_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_NUMBER = re.compile(r"\d")
# Needs are split at lines, semicolons, sentence ends, list bullets, and a colon after a word: in
# every library language a colon ends a lead clause ("an ageing society and economic change: we
# want to attract foreign students", "we want a one-stop shop: reception, language courses,
# ..."), and retrieving each part on its own keeps the context from drowning the need. Not
# tuned (a rule): on the 28 mentee cases practice nDCG@10 0.636 -> 0.648 (half A 0.696 ->
# 0.696, half B 0.575 -> 0.601), mentor MRR@10 0.929 -> 0.946, abstention unchanged. Not "10:30"
# or "https://": the colon must follow a letter and precede a space (and a full stop, a space:
# "example.org" is no sentence end).
_SPLIT = re.compile(r"(?:\r?\n)+|;|(?<=[.!?])\s+(?=[^\s\d])|(?<=。)\s*(?=[^\s\d])|\s+[•·▪\-–]\s+|(?<=[^\W\d_])\s?:\s+")


@dataclass(frozen=True)
class Need:
    index: int
    text: str
    topics: tuple[str, ...]  # taxonomy slugs found in it (language-neutral)
    known_words: tuple[str, ...]  # its content words that the library's text or the lexicon knows

    @property
    def understood(self) -> bool:
        return bool(self.known_words or self.topics)


def split_needs(text: str, language: str | None = None) -> list[str]:
    """Separate needs: sentences, lines and list items; context-only sentences dropped.
    `language`: the text's, so that topics are read with its own keywords (see `understand`)."""
    parts = [p.strip(" -•·*\t") for p in _SPLIT.split(text)]
    parts = [p for p in parts if len(p.split()) >= 2 or len(p) >= 8]
    if not parts:
        return [text.strip()]
    # "We are a town of 20,000 near Athens" is context, not a need: a number and no topic.
    needs = [p for p in parts if assign_topics(p, language) or not _NUMBER.search(p)] or parts
    while len(needs) > MAX_NEEDS:  # merge the two shortest neighbours
        i = min(range(len(needs) - 1), key=lambda j: len(needs[j]) + len(needs[j + 1]))
        needs[i : i + 2] = [needs[i] + " " + needs[i + 1]]
    return needs


def content_words(text: str) -> list[str]:
    return sorted({w.lower() for w in _CONTENT_WORD.findall(text)} - STOPWORDS)


def understand(store: Store, texts: list[str], language: str | None = None) -> list[Need]:
    """Each need with its topics and the content words the library knows (one query for all).
    Topics are read with the keywords of the mentee's `language` (and English) when it is
    known: another language's keyword can be a false friend (see service/wiring.query_topics)."""
    words = {text: content_words(text) for text in texts}
    known = reads.known_terms(store, [w for ws in words.values() for w in ws])
    from praxis.index.lexical import fts_fold

    return [
        Need(i, text, tuple(assign_topics(text, language)), tuple(w for w in words[text] if fts_fold(w) in known))
        for i, text in enumerate(texts)
    ]
