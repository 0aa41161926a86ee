"""Crash-safe cache files beside the SQLite store (the faiss cache, the term index).

A cache is written to temporary files, fsynced, its checksum recorded in the store's meta
table *before* the renames (files without their recorded checksum are never trusted), then
renamed into place. A reader recomputes the checksum on open and rebuilds the cache from
SQLite when it does not match: a kill at any point leaves either the old cache, or files
that are rejected and rebuilt.
"""
from __future__ import annotations

import os
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from praxis.index.pause import pause_point
from praxis.index.store import Store


def cache_directory(store: Store, name: str) -> Path:
    """DATA/<name>, created on first use."""
    path = store.data_dir / name
    path.mkdir(exist_ok=True)
    return path


def file_checksum(*paths: Path) -> str:
    """Sizes and CRC-32 of cache files' bytes, read (not mapped: the pages stay out of this
    process). Detects torn, truncated, damaged or foreign files; CRC-32 reads 147 MiB in
    67 ms where BLAKE2 took 271 ms, and a reader checks it on every open."""
    parts = []
    for path in paths:
        crc, size = 0, 0
        with open(path, "rb") as f:
            while chunk := f.read(1 << 22):
                crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        parts.append(f"{size}-{crc:08x}")
    return "+".join(parts)


@contextmanager
def checked_files(
    store: Store, targets: Sequence[Path], checksum_key: str, label: str, pause_at: str
) -> Iterator[list[Path]]:
    """Temporary paths to write `targets` to (same directory, same suffixes). When the block
    ends without an error, they are fsynced, `meta[checksum_key]` becomes "<label>:<checksum>",
    and they replace `targets`; on any error the temporary files are removed."""
    temps: list[Path] = []
    try:
        for target in targets:
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".writing-", suffix=target.suffix)
            os.close(handle)
            temps.append(Path(temp))
        yield temps
        for temp in temps:
            os.chmod(temp, 0o644)  # as the SQLite file: other local readers may open it
            with open(temp, "rb") as f:
                os.fsync(f.fileno())
        store.set_meta(checksum_key, f"{label}:{file_checksum(*temps)}")
        pause_point(pause_at)
        for temp, target in zip(temps, targets):
            os.replace(temp, target)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
