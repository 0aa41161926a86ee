"""City-mention precision and recall on the sample library, against its labels.

Each corpus PDF goes through the real ingest analysis (`read_pdf` + `build_document`, with its
catalogue entry, no embedder). A city counts as *found* when the text names it (it has
mentions, or was inferred from the text alone); catalogue labels that the text never names are
not findings. Scored against:

* labels: the catalogue's `cities` (corpus/catalogue.jsonl) and the manifest's
  (shared corpus/library/manifest.jsonl, when present), resolved as the ingest resolves them;
* eval/city_mentions.jsonl: cities a text really names beyond the labels (hand-checked by
  reading the text), and false cities that must never be attached (person, award, region
  names), per file.

Prints micro precision (strict: labels only; checked: labels + verified mentions), recall of
the labels, and every remaining finding that is neither (the false positives), with a snippet.

    .venv/bin/python benchmarks/city_mentions.py [--corpus DIR] [--manifest FILE] [--json]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_MANIFEST = ROOT.parent / "shared" / "corpus" / "library" / "manifest.jsonl"
VERIFIED = ROOT / "eval" / "city_mentions.jsonl"


@dataclass
class FileScore:
    file: str
    found: dict[int, str] = field(default_factory=dict)  # geonameid -> display name
    labels: dict[int, str] = field(default_factory=dict)
    verified: set[int] = field(default_factory=set)
    forbidden: dict[int, str] = field(default_factory=dict)
    text: str = ""


def label_names(entry: dict) -> list[str]:
    return [c["name"] if isinstance(c, dict) else c for c in entry.get("cities", [])]


def read_jsonl(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {row["file"]: row for row in rows}


def score_file(path: Path, entry: dict, manifest: dict | None, checked: dict | None) -> FileScore:
    from praxis.ingest.catalogue import parse_entry
    from praxis.ingest.cities import Gazetteer
    from praxis.ingest.document import build_document
    from praxis.ingest.pdf_reader import read_pdf

    gaz = Gazetteer.load()
    pdf = read_pdf(path)
    doc = build_document(path, "0" * 64, pdf, parse_entry(entry))  # the hash plays no part in cities
    result = FileScore(path.name, text="\n".join(pdf.pages))
    result.found = {c.city.geonameid: c.city.name for c in doc.cities if c.mentions > 0 or c.origin == "text"}
    country = entry.get("country") if len(entry.get("country") or "") == 2 else None
    for name in label_names(entry) + (label_names(manifest) if manifest else []):
        city = gaz.resolve(name, country) or gaz.resolve(name)
        if city is not None:
            result.labels[city.geonameid] = city.name
    for name in (checked or {}).get("also_named", []):
        city = gaz.resolve(name, country) or gaz.resolve(name)
        if city is not None:
            result.verified.add(city.geonameid)
    for item in (checked or {}).get("not_cities", []):
        # A false city is the namesake the text was misread as: every candidate of the name.
        for city in gaz.candidates(item["name"]) if hasattr(gaz, "candidates") else [gaz.resolve(item["name"])]:
            if city is not None:
                result.forbidden[city.geonameid] = f'{item["name"]} ({item["why"]})'
    return result


def snippet(text: str, name: str) -> str:
    flat = re.sub(r"\s+", " ", text)
    at = flat.lower().find(name.lower()[:5])
    return flat[max(0, at - 50): at + 60] if at >= 0 else "(name not in text as written)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    catalogue = read_jsonl(args.corpus / "catalogue.jsonl")
    manifest = read_jsonl(args.manifest)
    checked = read_jsonl(VERIFIED)
    scores = [score_file(args.corpus / f, e, manifest.get(f), checked.get(f)) for f, e in sorted(catalogue.items())]
    tp = sum(len(s.found.keys() & s.labels.keys()) for s in scores)
    found = sum(len(s.found) for s in scores)
    labels = sum(len(s.labels) for s in scores)
    ok = sum(len(s.found.keys() & (s.labels.keys() | s.verified)) for s in scores)
    forbidden = [(s.file, s.forbidden[g]) for s in scores for g in s.found.keys() & s.forbidden.keys()]
    false = [(s.file, name, snippet(s.text, name)) for s in scores
             for gid, name in sorted(s.found.items(), key=lambda kv: kv[1])
             if gid not in s.labels and gid not in s.verified]
    figures = {
        "files": len(scores), "found": found, "labels": labels,
        "precision_strict": round(tp / found, 3) if found else 0.0,
        "precision_checked": round(ok / found, 3) if found else 0.0,
        "recall": round(tp / labels, 3) if labels else 0.0,
        "forbidden_attached": len(forbidden),
        "false_positives": [{"file": f, "city": n, "context": c} for f, n, c in false],
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    print(f"files {figures['files']}  cities found in text {found}  labelled {labels}")
    print(f"precision (labels only)          {figures['precision_strict']:.3f}")
    print(f"precision (labels + verified)    {figures['precision_checked']:.3f}")
    print(f"recall (labels)                  {figures['recall']:.3f}")
    print(f"known false cities attached      {len(forbidden)}  {forbidden}")
    print(f"false positives ({len(false)}):")
    for file, name, context in false:
        print(f"  {file}: {name}  …{context}…")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
