"""Temporary upload folders (``DATA/uploads/upload-*``): one per request, locked while in use.

A server killed during an upload leaves its folder (up to max_upload_mb) behind; the next
start-up removes every folder whose lock no live process holds (``flock`` is released by
the kernel when its holder dies), so a folder of a concurrent server is never touched.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".in-use"


@contextmanager
def upload_folder(data_dir: Path) -> Iterator[Path]:
    """A fresh folder for one upload's files, removed afterwards, locked meanwhile."""
    uploads = data_dir / "uploads"
    uploads.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="upload-", dir=uploads))
    fd = os.open(workdir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        os.close(fd)


def sweep_abandoned_uploads(data_dir: Path) -> int:
    """Remove the upload folders no live process holds; returns how many."""
    uploads = data_dir / "uploads"
    if not uploads.is_dir():
        return 0
    swept = 0
    for folder in uploads.glob("upload-*"):
        if not folder.is_dir():
            continue
        try:
            fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live upload
            os.close(fd)
            continue
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)
        swept += 1
    return swept
