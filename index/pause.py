"""Named pause points, so a test can kill a job at a chosen step (kill -9 tests).

`PRAXIS_PAUSE_AT=<step>` makes the process that reaches `pause_point(<step>)` print
``PRAXIS_PAUSED <step>`` on stderr and wait there (for the test's kill). Unset, a pause
point costs one dictionary lookup. Steps, in the order a job reaches them:

- ``document-committed``: a document's transaction has committed; nothing derived yet.
- ``translations``: the new translation pairs are written but not committed.
- ``terms``: the first batch of term vectors is committed, the others are not embedded yet.
- ``dense-save``: the faiss cache is written to its temporary file, not renamed yet.
- ``refreshed``: every derived step is done (the last step of a job).
"""
from __future__ import annotations

import os
import sys
import time

ENV = "PRAXIS_PAUSE_AT"
STEPS = ("document-committed", "translations", "terms", "dense-save", "refreshed")


def pause_point(step: str) -> None:
    if os.environ.get(ENV) != step:
        return
    print(f"PRAXIS_PAUSED {step}", file=sys.stderr, flush=True)
    deadline = time.monotonic() + 600  # bounded: a forgotten variable never hangs a job for ever
    while time.monotonic() < deadline:
        time.sleep(0.5)
