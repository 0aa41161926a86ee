"""Read the text of untrusted PDF files without letting one bad file hurt the ingest.

How, and why:

* pypdf never runs in the caller's process. A long-lived *worker* is started with
  ``python -I ingest/pdf_reader.py --worker``: a clean, single-threaded process whatever
  the caller is (a web server with threads, faiss/torch thread pools...), in which
  ``fork`` is safe. For every file the worker forks a *child* that already has pypdf
  imported: forking costs a few milliseconds, where a fresh interpreter costs ~200 ms,
  and each file still gets a process of its own that can be killed.
* The child runs under RLIMIT_AS (memory) and RLIMIT_CPU (a backstop should the worker
  die); the worker kills it at the wall-clock deadline. pypdf's own decompression
  limits are lowered to fit the memory budget, so a flate bomb ends as a clean
  "decompression limit" error long before the address-space limit.
* The child sends one JSON line per page, so when it is killed or crashes half-way the
  pages read so far are kept, and flagged in ``PdfText.warnings``.
* Empty and non-PDF files are refused in the caller without a round trip, and every
  failure becomes a ``PdfError`` whose message a person can read (no tracebacks).

Workers are pooled: one per thread that reads at the same time, reused across files,
replaced when one stops answering. Unix only (fork, resource limits).
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, NoReturn

_MB = 1024 * 1024
_WORKER_GRACE_S = 10.0  # the worker's own deadline comes first; this covers its overhead
_EXIT_MEMORY = 3  # the child ran out of its address space
_EXIT_BUG = 4  # an exception escaped the child: a bug here, not in the file
_MAX_PAGE_WARNINGS = 5
_MAX_READER_WARNINGS = 5


class PdfError(Exception):
    """A person-readable reason the file could not be read."""


@dataclass
class PdfText:
    """Text of a PDF, one string per page (an empty string for a page without text)."""

    pages: list[str]
    title: str | None = None  # from the PDF's metadata, when present and sensible
    warnings: list[str] = field(default_factory=list)
    # Per page, the lines set larger or bolder than the page's body text, in reading order
    # (consecutive lines of one style joined): titles and section headings.
    headings: list[list[str]] = field(default_factory=list)


def read_pdf(
    path: str | os.PathLike[str],
    timeout_s: float = 60,
    memory_mb: int = 1536,
    max_pages: int = 5000,
) -> PdfText:
    """Extract the text of each page of ``path`` in a separate, limited process.

    ``timeout_s`` is wall-clock time for the file; ``memory_mb`` caps the reading
    process's address space (an interpreter with pypdf already takes ~50 MB of it);
    a file with more than ``max_pages`` pages is refused.

    Raises PdfError with a short reason ("empty file", "encrypted: password required",
    "timed out after 60 s"...) when no text can be recovered. A scanned PDF is not an
    error: it comes back with empty pages and a warning saying so.
    """
    abspath = os.path.abspath(os.fspath(path))
    _precheck(abspath)
    request = {
        "path": abspath,
        "timeout_s": float(timeout_s),
        "memory_mb": int(memory_mb),
        "max_pages": int(max_pages),
    }
    reply = _POOL.run(request, wait_s=float(timeout_s) + _WORKER_GRACE_S)
    if "error" in reply:
        raise PdfError(reply["error"])
    return PdfText(pages=reply["pages"], title=reply["title"], warnings=reply["warnings"],
                   headings=reply.get("headings") or [[] for _ in reply["pages"]])


# --- checks made in the caller: cheap, and they give the clearest messages ---------------

_SIGNATURES = [
    (b"<!doctype html", "an HTML page"),
    (b"<html", "an HTML page"),
    (b"<?xml", "an XML file"),
    (b"pk\x03\x04", "a ZIP archive or Office document"),
    (b"\x89png", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"{", "a JSON file"),
]


def _precheck(path: str) -> None:
    """Refuse what is not a PDF at all before involving a process."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            head = f.read(1024)  # the spec lets the header start anywhere in the first 1 KB
    except FileNotFoundError:
        raise PdfError("file not found") from None
    except IsADirectoryError:
        raise PdfError("not a file (a directory)") from None
    except PermissionError:
        raise PdfError("cannot open the file: permission denied") from None
    except OSError as exc:
        raise PdfError(f"cannot open the file: {exc.strerror or exc}") from None
    if size == 0:
        raise PdfError("empty file")
    if b"%PDF-" not in head:
        raise PdfError(f"not a PDF: {_guess_kind(head)}")


def _guess_kind(head: bytes) -> str:
    start = head.lstrip().lower()
    for signature, kind in _SIGNATURES:
        if start.startswith(signature):
            return f"the file looks like {kind}"
    return "the file does not start with the %PDF- header"


# --- the pool of workers, on the caller's side --------------------------------------------


class _Worker:
    """One ``--worker`` process and the line-based JSON conversation with it."""

    def __init__(self) -> None:
        # -I: ignore PYTHON* variables and do not put ingest/ first on sys.path, where
        # a module named like a standard one could shadow it. start_new_session: the
        # worker and its child form a process group that can be killed as one.
        self.proc = subprocess.Popen(
            [sys.executable, "-I", os.path.abspath(__file__), "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
            close_fds=True,
        )
        self._pending: list[bytes] = []

    def ask(self, request: dict[str, Any], wait_s: float) -> dict[str, Any] | None:
        """Send one request; on silence or death kill the worker and say why.

        None when the request could not even be sent (the worker had died while idle):
        the file was not tried, so the caller can safely try another worker.
        """
        stdin = self.proc.stdin
        if stdin is None or self.proc.poll() is not None:
            self.kill()
            return None
        try:
            stdin.write(json.dumps(request).encode() + b"\n")
            stdin.flush()
        except (OSError, ValueError):  # broken pipe, or a pipe closed by kill()
            self.kill()
            return None
        line = self._read_line(time.monotonic() + wait_s)
        if line is None:
            alive = self.proc.poll() is None
            self.kill()
            if alive:
                return {"error": f"timed out after {request['timeout_s']:g} s"}
            return {"error": "the PDF reader process stopped unexpectedly"}
        return json.loads(line)

    def _read_line(self, deadline: float) -> bytes | None:
        """Next line from the worker, or None at end of file or deadline."""
        stdout = self.proc.stdout
        assert stdout is not None
        fd = stdout.fileno()  # read with os.read only, never through the buffered object
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            end = chunk.find(b"\n")
            if end < 0:
                self._pending.append(chunk)  # a list: long answers arrive in many chunks
                continue
            line = b"".join(self._pending) + chunk[:end]
            self._pending = [chunk[end + 1 :]] if end + 1 < len(chunk) else []
            return line

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self._close_pipes()

    def close(self) -> None:
        """Ask politely (end of input), then insist."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass


class _Pool:
    """Idle workers, handed out one per concurrent call."""

    def __init__(self) -> None:
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def run(self, request: dict[str, Any], wait_s: float) -> dict[str, Any]:
        for _attempt in range(3):  # an idle worker may have died (killed, OOM): use another
            worker = self._take()
            reply = worker.ask(request, wait_s)
            if worker.proc.returncode is None:
                with self._lock:
                    self._idle.append(worker)
            if reply is not None:
                return reply
        return {"error": "the PDF reader process cannot be started"}

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        try:
            return _Worker()
        except OSError as exc:
            raise PdfError(f"cannot start the PDF reader process: {exc}") from None

    def close_all(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()

    def forget(self) -> None:
        """In a forked copy of the caller: the workers belong to the parent, leave them.

        Only this copy's ends of their pipes are closed, so that a worker still sees
        end of input when the parent goes.
        """
        for worker in self._idle:
            worker._close_pipes()
        self._idle = []
        self._lock = threading.Lock()


_POOL = _Pool()
atexit.register(_POOL.close_all)
os.register_at_fork(after_in_child=_POOL.forget)


# --- the worker: one request per line, one forked child per file -------------------------


def _worker_main() -> None:
    _warm_up()
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        reply = _read_in_child(json.loads(line))
        out.write(json.dumps(reply).encode() + b"\n")
        out.flush()


def _warm_up() -> None:
    """Import what every child needs once, here, so forks do not import it again."""
    import encodings.charmap  # noqa: F401  (pypdf decodes font encodings with these)
    import encodings.utf_16_be  # noqa: F401
    import gc

    import pypdf  # noqa: F401
    import pypdf._crypt_providers  # noqa: F401
    import pypdf._text_extraction  # noqa: F401
    import pypdf.filters  # noqa: F401

    # Keep the collector away from the worker's objects in each child: fewer
    # copy-on-write page faults, ~5-10% less time per file.
    gc.freeze()


def _read_in_child(request: dict[str, Any]) -> dict[str, Any]:
    sys.stdout.flush()  # the child must not inherit (and later write) half-sent output
    try:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
    except OSError as exc:  # out of processes or descriptors: this file fails, not the worker
        return {"error": f"cannot start a reader process: {exc.strerror or exc}"}
    if pid == 0:
        os.close(read_fd)
        _child_main(request, write_fd)
    os.close(write_fd)
    try:
        messages, timed_out = _collect(read_fd, time.monotonic() + request["timeout_s"])
        if timed_out:
            os.kill(pid, signal.SIGKILL)
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    return _assemble(messages, _abnormal_end(status, timed_out, request))


def _collect(fd: int, deadline: float) -> tuple[list[dict[str, Any]], bool]:
    """Messages from the child until it closes the pipe (False) or the deadline (True)."""
    messages: list[dict[str, Any]] = []
    pending: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return messages, True
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return messages, False
        *complete, rest = chunk.split(b"\n")
        if complete:
            complete[0] = b"".join(pending) + complete[0]
            pending = []
            messages.extend(json.loads(line) for line in complete)
        pending.append(rest)


def _abnormal_end(status: int, timed_out: bool, request: dict[str, Any]) -> str | None:
    """Why the child ended badly, in words; None when it finished normally."""
    if timed_out:
        return f"timed out after {request['timeout_s']:g} s"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return "used too much processor time"
        if sig == signal.SIGKILL:
            return "the PDF reader was killed (out of memory?)"
        if sig == signal.SIGSEGV:
            return "the PDF reader crashed (segmentation fault)"
        return f"the PDF reader crashed ({signal.Signals(sig).name})"
    code = os.WEXITSTATUS(status)
    if code == _EXIT_MEMORY:
        return f"too large: reading it needs more than {request['memory_mb']} MB of memory"
    if code != 0:
        return f"the PDF reader failed (exit code {code})"
    return None


def _assemble(messages: list[dict[str, Any]], abnormal: str | None) -> dict[str, Any]:
    """Turn the child's messages into the reply: text (maybe partial) or an error."""
    for message in messages:
        if "error" in message:
            return {"error": message["error"]}
    header = next((m for m in messages if "n" in m), None)
    if header is None:
        return {"error": abnormal or "the PDF reader gave no answer"}
    pages = [""] * header["n"]
    headings: list[list[str]] = [[] for _ in pages]
    done = [m for m in messages if "page" in m]
    failed = [m for m in done if "failed" in m]
    for message in done:
        pages[message["page"]] = message["text"]
        headings[message["page"]] = message.get("headings", [])
    if done and len(failed) == len(done):
        return {"error": failed[0]["failed"]}  # not one page could be read: say why
    warnings: list[str] = []
    if abnormal is not None:
        if not done:
            return {"error": abnormal}
        warnings.append(f"{abnormal}: text of {len(done)} of {len(pages)} pages recovered")
    warnings.extend(_page_warnings(failed))
    if abnormal is None and not any(text.strip() for text in pages):
        warnings.append("no text layer on any page (scanned images?)")
    for message in messages:
        warnings.extend(message.get("warnings", []))
    return {"pages": pages, "title": header.get("title"), "warnings": warnings, "headings": headings}


def _page_warnings(failed: list[dict[str, Any]]) -> list[str]:
    notes = [f"page {m['page'] + 1}: no text extracted ({m['failed']})" for m in failed]
    if len(notes) > _MAX_PAGE_WARNINGS:
        more = len(notes) - _MAX_PAGE_WARNINGS
        notes = notes[:_MAX_PAGE_WARNINGS] + [f"... and {more} more pages without text"]
    return notes


# --- the child: pypdf under limits ------------------------------------------------------


def _child_main(request: dict[str, Any], fd: int) -> NoReturn:
    """Read the file, stream messages to ``fd``, and leave without any cleanup."""
    code = 0
    try:
        _limit_resources(request["memory_mb"], request["timeout_s"])
        for message in _extract(request["path"], request["max_pages"], request["memory_mb"]):
            _write_all(fd, json.dumps(message).encode() + b"\n")
    except MemoryError:
        code = _EXIT_MEMORY
    except BaseException:  # a bug of ours: keep the trace for developers, not users
        try:
            import traceback

            traceback.print_exc()
        finally:
            code = _EXIT_BUG
    os._exit(code)  # no atexit, no flushing of buffers copied from the worker


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _limit_resources(memory_mb: int, timeout_s: float) -> None:
    _lower_limit(resource.RLIMIT_AS, memory_mb * _MB, memory_mb * _MB)
    # SIGXCPU at the soft limit, SIGKILL at the hard one; the worker's deadline normally
    # strikes first, this only matters if the worker itself is gone.
    cpu_s = int(min(timeout_s, 86_400)) + 5  # an "infinite" timeout still gets a backstop
    _lower_limit(resource.RLIMIT_CPU, cpu_s, cpu_s + 5)
    _lower_limit(resource.RLIMIT_CORE, 0, 0)  # a crash must not leave a core file behind


def _lower_limit(kind: int, soft: int, hard: int) -> None:
    _, current_hard = resource.getrlimit(kind)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(kind, (soft, hard))


def _configure_pypdf(memory_mb: int) -> None:
    """Lower pypdf's decompression limits so that several streams fit in the budget."""
    from pypdf import get_configuration, overwrite_configuration

    budget = memory_mb * _MB // 8
    current = get_configuration()
    names = [
        "maximum_declared_stream_length",
        "array_based_stream_maximum_output_length",
        "jbig2_maximum_output_length",
        "lzw_maximum_output_length",
        "run_length_maximum_output_length",
        "zlib_maximum_output_length",
        "brotli_maximum_output_length",
        "image_maximum_buffer_size",
    ]
    limits = {name: min(getattr(current, name), budget) for name in names if hasattr(current, name)}
    limits["stream_decoding_work_maximum_length"] = min(
        current.stream_decoding_work_maximum_length, 4 * budget
    )
    overwrite_configuration(**limits)


class _LogCollector(logging.Handler):
    """Keep pypdf's complaints about the file as warnings instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())[:200]
        if message and message not in self.messages:
            self.messages.append(message)


def _extract(path: str, max_pages: int, memory_mb: int) -> Iterator[dict[str, Any]]:
    """Messages: {"n", "title"}, then {"page", "text"[, "failed"]} per page, {"warnings"}.

    Or a single {"error"} when the file cannot be opened at all.
    """
    import warnings

    warnings.simplefilter("ignore")  # deprecations and the like say nothing about the file
    _configure_pypdf(memory_mb)
    collector = _LogCollector()
    pypdf_log = logging.getLogger("pypdf")
    pypdf_log.addHandler(collector)
    pypdf_log.propagate = False
    opened = _open(path, max_pages)
    if isinstance(opened, str):
        yield {"error": opened}
        return
    reader, notes = opened
    yield {"n": len(reader.pages), "title": _metadata_title(reader)}
    for index in range(len(reader.pages)):
        yield _extract_page(reader, index)
    found = [f"reader: {m}" for m in collector.messages[:_MAX_READER_WARNINGS]]
    yield {"warnings": notes + found}


def _open(path: str, max_pages: int) -> tuple[Any, list[str]] | str:
    """An open reader with its page list built, or why not."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, EmptyFileError

    notes: list[str] = []
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                return "encrypted: password required"
            notes.append("encrypted without a user password: read normally")
        count = len(reader.pages)  # builds the page list: cycles and damage show up here
    except MemoryError:
        raise
    except EmptyFileError:
        return "empty file"
    except DependencyError as exc:
        return f"encrypted: cannot decrypt here ({_short(exc)})"
    except Exception as exc:  # pypdf raises many types on damaged files
        return _describe_failure(exc, path)
    if count == 0:
        return "no pages in the document"
    if count > max_pages:
        return f"too many pages: {count} (the limit is {max_pages})"
    return reader, notes


def _extract_page(reader: Any, index: int) -> dict[str, Any]:
    try:
        page = reader.pages[index]
        if "/Contents" not in page:
            return {"page": index, "text": ""}  # blank page: skip the text machinery
        runs: list[tuple[float, bool, str]] = []
        text = _valid_text(page.extract_text(visitor_text=lambda *args: _collect_run(runs, *args)))
        if not text.strip():
            _check_contents(page)  # pypdf's text extraction hides a decompression limit as ""
        return {"page": index, "text": text, "headings": _headings(runs)}
    except MemoryError:
        raise
    except Exception as exc:
        return {"page": index, "text": "", "failed": _describe_failure(exc, None)}


def _check_contents(page: Any) -> None:
    """Raise LimitReachedError when the page's content stream is a decompression bomb, so the
    page is reported as too large rather than as a scan. Only for pages without text: a
    scanned page's content stream is a few bytes that place its image."""
    contents = page.get_contents()
    if contents is not None:
        contents.get_data()


# A line is a heading when its font is this much larger than the body text's (titles in the
# sample library are 16 pt over 11 pt body text), or bold while the body is not.
HEADING_SIZE_RATIO = 1.15
MAX_HEADING_WORDS = 25


def _collect_run(runs: list[tuple[float, bool, str]], text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
    """pypdf's text visitor: keep each run of text with its effective size and weight."""
    if not text or not text.strip():
        return
    try:
        scale = abs(float(tm[3]) or float(tm[0]) or 1.0) * abs(float(cm[3]) or float(cm[0]) or 1.0)
        name = str(font.get("/BaseFont", "")) if font else ""
    except (TypeError, ValueError, IndexError, AttributeError):
        return
    bold = any(mark in name.lower() for mark in ("bold", "black", "heavy", "semibold"))
    runs.append((round(float(size or 0) * scale, 1), bold, text))


def _headings(runs: list[tuple[float, bool, str]]) -> list[str]:
    """Lines set larger or bolder than the page's body text, consecutive lines of one style joined."""
    if not runs:
        return []
    weight: dict[tuple[float, bool], int] = {}
    for size, bold, text in runs:
        weight[(size, bold)] = weight.get((size, bold), 0) + len(text)
    body_size, body_bold = max(weight, key=lambda k: (weight[k], -k[0]))
    headings: list[str] = []
    previous: tuple[float, bool] | None = None
    for size, bold, text in runs:
        style = (size, bold)
        is_heading = size >= body_size * HEADING_SIZE_RATIO or (bold and not body_bold and size >= body_size)
        if not is_heading:
            previous = None
            continue
        line = " ".join(text.split())
        if previous == style and headings and len(headings[-1].split()) + len(line.split()) <= MAX_HEADING_WORDS:
            headings[-1] = f"{headings[-1]} {line}".strip()
        elif line:
            headings.append(line)
        previous = style
    return [h for h in headings if 0 < len(h.split()) <= MAX_HEADING_WORDS]


def _describe_failure(exc: BaseException, path: str | None) -> str:
    """A sentence for a person, from whatever pypdf raised."""
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    detail = _short(exc)
    if isinstance(exc, LimitReachedError):
        return f"too large: a part of the file exceeds a safety limit ({detail})"
    if isinstance(exc, FileNotDecryptedError):
        return "encrypted: password required"
    if isinstance(exc, RecursionError):
        return "damaged PDF: its structure is nested too deeply or refers to itself"
    if "cyclic" in detail.lower():
        return f"damaged PDF: its page tree refers to itself ({detail})"
    if path is not None and not _has_eof_marker(path):
        return f"damaged or truncated PDF: no end-of-file marker, structure unreadable ({detail})"
    return f"damaged PDF: {detail}"


def _has_eof_marker(path: str) -> bool:
    with open(path, "rb") as f:
        f.seek(max(0, os.fstat(f.fileno()).st_size - 2048))
        return b"%%EOF" in f.read()


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _valid_text(text: str) -> str:
    """Text any later stage can store: no NULs, no lone surrogates from broken fonts."""
    text = text.replace("\x00", "")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


_TITLE_JUNK = ("untitled", "microsoft word", "powerpoint presentation", "slide 1", "title")
_FILE_SUFFIXES = (".doc", ".docx", ".pdf", ".ppt", ".pptx", ".indd", ".odt", ".rtf", ".txt")


def _metadata_title(reader: Any) -> str | None:
    try:
        raw = reader.metadata.title if reader.metadata else None
    except Exception:  # broken metadata must not cost the text
        return None
    return _sensible_title(raw) if isinstance(raw, str) else None


def _sensible_title(raw: str) -> str | None:
    """The metadata title, unless it is an editor's placeholder or a file name."""
    title = " ".join(_valid_text(raw).split())
    if title.lower().startswith("microsoft word - "):
        title = title[len("microsoft word - ") :]
    lowered = title.lower()
    if not 3 <= len(title) <= 300 or not any(ch.isalpha() for ch in title):
        return None
    if lowered in _TITLE_JUNK or lowered.endswith(_FILE_SUFFIXES):
        return None
    return title


def _cli(paths: list[str]) -> int:
    """``python -m ingest.pdf_reader FILE...``: what each file gives, and how long it took."""
    failures = 0
    for path in paths:
        start = time.perf_counter()
        try:
            result = read_pdf(path)
            words = sum(len(page.split()) for page in result.pages)
            outcome = f"{len(result.pages)} pages, {words} words"
            outcome += "".join(f"\n    warning: {w}" for w in result.warnings)
        except PdfError as exc:
            failures += 1
            outcome = f"PdfError: {exc}"
        print(f"{time.perf_counter() - start:7.3f}s  {os.path.basename(path)}: {outcome}")
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        _worker_main()
    else:
        sys.exit(_cli(sys.argv[1:]))
