"""The ingest job on Ray Data: the same per-file steps as `run_ingest`, spread over a cluster.

    read the file list (here) ─► parse: the safe PDF reader + analysis (Ray tasks)
        ─► embed: an actor pool, one model per actor ─► write: here, through the library's one writer

Only this process touches the library: the checks against it (unchanged files are skipped
before they are read) happen before the pipeline, and every write is one transaction in file
order, so the report and the document ids are the default engine's, and a job killed at any
point leaves the library as it was after the last whole file. Rows cross the cluster as
pickled bytes (Documents are plain dataclasses; Arrow would otherwise try to flatten them).
"""
from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from praxis.index.library import Library, embedding_input
from praxis.index.store import text_hash
from praxis.service.ingest_job import (
    FileOutcome, IngestItem, Parsed, RayEngine, check_file, parse_file, store_parsed,
)

log = logging.getLogger("praxis.ingest")
# Documents per embedding call: a document's passages are embedded together, as the default
# engine does (its vectors are then the default engine's bit for bit); the model batches inside.
DOCUMENTS_PER_BATCH = 1


def _parse_row(row: dict[str, Any]) -> dict[str, Any]:
    """Ray task: read and analyse one file (never raises for a bad file)."""
    item, sha, max_pages = pickle.loads(row["work"])
    try:
        result: Parsed | FileOutcome = parse_file(item, sha, max_pages)
    except Exception as error:  # noqa: BLE001 - reported like the default engine's guard
        result = FileOutcome(item.source, "failed", error=f"could not be added: {type(error).__name__}: {error}")
    return {"position": row["position"], "parsed": pickle.dumps(result)}


class _Embedder:
    """Ray actor: loads the model once, embeds each document's passages in one call."""

    def __init__(self, spec: str) -> None:
        from praxis.index.embedders import make_embedder

        self.embedder = make_embedder(spec)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        vectors: list[bytes] = []
        for blob in batch["parsed"]:
            parsed = pickle.loads(blob)
            computed: dict[str, np.ndarray] = {}
            if isinstance(parsed, Parsed) and parsed.doc.passages:
                inputs = {text_hash(t): t for t in (embedding_input(parsed.doc.title, p.text) for p in parsed.doc.passages)}
                computed = dict(zip(inputs, self.embedder.encode_passages(list(inputs.values()))))
            vectors.append(pickle.dumps(computed))
        return {"position": list(batch["position"]), "parsed": list(batch["parsed"]), "vectors": vectors}


def _start_ray(engine: RayEngine) -> bool:
    """Connect to the cluster, or start a local Ray; True when this call started it."""
    import ray

    if ray.is_initialized():
        return False
    if engine.address:
        ray.init(address=engine.address, log_to_driver=False)
    else:
        ray.init(num_cpus=engine.num_cpus, include_dashboard=False, log_to_driver=False)
    return True


def _pipeline(work: list[tuple[int, IngestItem, str]], max_pages: int, engine: RayEngine) -> Iterator[dict[str, Any]]:
    import ray

    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # writes in file order: the default engine's ids
    context.enable_progress_bars = False
    rows = [{"position": pos, "work": pickle.dumps((item, sha, max_pages))} for pos, item, sha in work]
    dataset = (
        ray.data.from_items(rows, override_num_blocks=max(1, len(rows)))
        # Half a CPU each: parse tasks and the embedding actors share a small local Ray.
        .map(_parse_row, num_cpus=0.5)
        .map_batches(
            _Embedder, fn_constructor_kwargs={"spec": engine.embedder}, batch_size=DOCUMENTS_PER_BATCH,
            compute=ray.data.ActorPoolStrategy(size=engine.actors), num_cpus=0.5, batch_format="numpy",
        )
    )
    yield from dataset.iter_rows()


def ingest_on_ray(
    library: Library, items: list[IngestItem], max_pages: int, engine: RayEngine,
    on_file: Callable[[IngestItem], None] | None = None,
) -> list[FileOutcome]:
    """Outcomes in the order of `items`, as `run_ingest`'s default engine gives them."""
    outcomes: list[FileOutcome | None] = [None] * len(items)
    existing: dict[int, int | None] = {}
    work: list[tuple[int, IngestItem, str]] = []
    for position, item in enumerate(items):
        checked = check_file(library, item)
        if isinstance(checked, FileOutcome):
            outcomes[position] = checked
        else:
            sha, existing[position] = checked
            work.append((position, item, sha))
    if work:
        started = _start_ray(engine)
        try:
            for row in _pipeline(work, max_pages, engine):
                position = int(row["position"])
                item = items[position]
                if on_file is not None:
                    on_file(item)
                outcomes[position] = _write(library, item, existing[position], row)
        except Exception as error:  # noqa: BLE001 - the cluster failed: what was written stays
            log.exception("the Ray ingest job failed")
            for position, item, _sha in work:
                if outcomes[position] is None:
                    outcomes[position] = FileOutcome(item.source, "failed", error=f"the Ray job failed: {type(error).__name__}: {error}")
        finally:
            if started:
                import ray

                ray.shutdown()
    return [o for o in outcomes if o is not None]


def _write(library: Library, item: IngestItem, existing_id: int | None, row: dict[str, Any]) -> FileOutcome:
    parsed = pickle.loads(row["parsed"])
    if isinstance(parsed, FileOutcome):
        return parsed
    try:
        return store_parsed(library, item, existing_id, parsed, pickle.loads(row["vectors"]))
    except Exception as error:  # noqa: BLE001 - as the default engine's guard
        log.exception("ingest of %s failed", item.source)
        return FileOutcome(item.source, "failed", error=f"could not be added: {type(error).__name__}: {error}")
