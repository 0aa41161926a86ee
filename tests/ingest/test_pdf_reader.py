"""read_pdf on real files: the hostile set in tests/data/bad and the sample corpus."""
from __future__ import annotations

import faulthandler
import os
import resource
import signal
import threading
import time
import zlib
from pathlib import Path

import pytest

from praxis.ingest import pdf_reader
from praxis.ingest.pdf_reader import PdfError, PdfText, read_pdf

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad"
CORPUS = ROOT / "corpus"
SEEDS = [
    "clip-info-sheet-en.pdf",
    "clip-info-sheet-sv.pdf",
    "clip-housing-workshop-lecce-2008-en.pdf",
    "inclucities-overview-el.pdf",
    "eurocities-integration-at-local-level-2016-en.pdf",
]


def _error(path: Path, **limits: float) -> str:
    with pytest.raises(PdfError) as caught:
        read_pdf(path, **limits)  # type: ignore[arg-type]
    message = str(caught.value)
    # Messages are for people: one line, no Python internals.
    assert "\n" not in message and "Traceback" not in message and "Error(" not in message
    return message


# --- the hostile files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.pdf", "empty file"),
        ("not-a-pdf.pdf", "not a PDF"),
        ("garbage-with-header.pdf", "damaged or truncated PDF"),
        ("truncated.pdf", "damaged or truncated PDF"),
        ("cyclic-page-tree.pdf", "damaged PDF: its page tree refers to itself"),
    ],
)
def test_unreadable_files_give_a_clear_reason(name: str, expected: str) -> None:
    start = time.monotonic()
    assert _error(BAD / name).startswith(expected)
    assert time.monotonic() - start < 10  # cycles and damage must not hang


def test_not_a_pdf_says_what_it_looks_like() -> None:
    assert _error(BAD / "not-a-pdf.pdf") == "not a PDF: the file looks like an HTML page"


def test_password_protected_file_asks_for_a_password() -> None:
    assert _error(BAD / "encrypted-password.pdf").startswith("encrypted: password required")


def test_owner_only_encryption_reads_like_any_pdf() -> None:
    result = read_pdf(BAD / "encrypted-owner-only.pdf")
    assert len(result.pages) == 3
    text = " ".join(result.pages)
    assert "Cities for Local" in text and "Stuttgart" in text
    assert sum(len(page.split()) for page in result.pages) > 1000


def test_scanned_page_comes_back_empty_and_flagged() -> None:
    result = read_pdf(BAD / "scanned-image-only.pdf")
    assert result.pages == [""]
    assert any("no text layer" in warning for warning in result.warnings)


def test_three_thousand_blank_pages_are_quick() -> None:
    start = time.monotonic()
    result = read_pdf(BAD / "blank-3000-pages.pdf")
    assert len(result.pages) == 3000 and not any(result.pages)
    assert time.monotonic() - start < 10


def test_flate_bomb_stays_within_limits() -> None:
    """A bomb is reported as too large, never as a page without text ("scanned images?")."""
    with pytest.raises(PdfError, match="^too large"):
        read_pdf(BAD / "flate-bomb-200mb.pdf", memory_mb=512)


def _pdf(objects: list[bytes]) -> bytes:
    """A well-formed PDF made of ``objects`` (numbered from 1; 1 is the catalog)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, compressed: bool = False) -> bytes:
    head = b"<< /Length %d%s >>" % (len(data), b" /Filter /FlateDecode" if compressed else b"")
    return head + b"\nstream\n" + data + b"\nendstream"


def _deflated_zeros(size: int) -> bytes:
    """Compress ``size`` spaces chunk by chunk, so the test itself stays small."""
    squeezer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [squeezer.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + squeezer.flush()


def _two_page_pdf_with_bomb(bomb_mb: int) -> bytes:
    """Page 1 says hello in Helvetica; page 2's content inflates to ``bomb_mb`` MB."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    resources = b"/Resources << /Font << /F1 3 0 R >> >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s /Contents %d 0 R >>"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 >>",
            font,
            page % (resources, 6),
            page % (resources, 7),
            _stream(b"BT /F1 12 Tf 72 720 Td (Hello from Lublin) Tj ET"),
            _stream(_deflated_zeros(bomb_mb << 20), compressed=True),
        ]
    )


def test_decompression_bomb_on_one_page_keeps_the_others(tmp_path: Path) -> None:
    # memory_mb=256 lowers pypdf's inflate limit to 32 MB: the 64 MB page is refused.
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_two_page_pdf_with_bomb(64))
    result = read_pdf(path, memory_mb=256)
    assert "Hello from Lublin" in result.pages[0]
    assert result.pages[1] == ""
    assert any(w.startswith("page 2: no text extracted (too large") for w in result.warnings)


def test_bomb_on_every_page_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bomb-only.pdf"
    two_pages = b"/Kids [4 0 R 5 0 R] /Count 2"
    one_page = b"/Kids [5 0 R] /Count 1".ljust(len(two_pages))  # same length: offsets hold
    path.write_bytes(_two_page_pdf_with_bomb(64).replace(two_pages, one_page))
    assert _error(path, memory_mb=256).startswith("too large")


# --- limits and failures of the child process ---------------------------------------------


def test_timeout_kills_the_reader_and_the_next_file_still_reads() -> None:
    start = time.monotonic()
    message = _error(BAD / "blank-3000-pages.pdf", timeout_s=0.05)
    assert message == "timed out after 0.05 s"
    assert time.monotonic() - start < 5
    assert read_pdf(CORPUS / "002-vienna-en.pdf").pages[0]


def test_memory_limit_ends_in_a_clear_error() -> None:
    # The limit covers the whole child, ~47 MB of it an interpreter with pypdf: the
    # 3000 page objects cannot be allocated within 40 MB.
    message = _error(BAD / "blank-3000-pages.pdf", memory_mb=40)
    assert message == "too large: reading it needs more than 40 MB of memory"


def test_too_many_pages_is_refused() -> None:
    assert _error(BAD / "blank-3000-pages.pdf", max_pages=100) == "too many pages: 3000 (the limit is 100)"


def test_missing_file() -> None:
    assert _error(BAD / "no-such-file.pdf") == "file not found"


def _status_of_child_killed_by(sig: int) -> int:
    pid = os.fork()
    if pid == 0:
        faulthandler.disable()  # pytest's handler would print a "fatal error" for our fake crash
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.kill(os.getpid(), sig)
        os._exit(0)
    return os.waitpid(pid, 0)[1]


def test_crashed_reader_is_described_in_words() -> None:
    request = {"timeout_s": 60.0, "memory_mb": 1536}
    segfault = _status_of_child_killed_by(signal.SIGSEGV)
    assert pdf_reader._abnormal_end(segfault, False, request) == "the PDF reader crashed (segmentation fault)"
    killed = _status_of_child_killed_by(signal.SIGKILL)
    assert "killed" in (pdf_reader._abnormal_end(killed, False, request) or "")


def test_pages_read_before_a_crash_are_kept_and_flagged() -> None:
    messages = [{"n": 3, "title": None}, {"page": 0, "text": "first"}, {"page": 1, "text": "second"}]
    reply = pdf_reader._assemble(messages, "timed out after 60 s")
    assert reply["pages"] == ["first", "second", ""]
    assert reply["warnings"][0] == "timed out after 60 s: text of 2 of 3 pages recovered"
    assert pdf_reader._assemble(messages[:1], "timed out after 60 s") == {"error": "timed out after 60 s"}


def test_worker_that_died_while_idle_is_replaced() -> None:
    worker = pdf_reader._POOL._take()
    os.killpg(worker.proc.pid, signal.SIGKILL)  # as if killed between two files
    worker.proc.wait()
    pdf_reader._POOL._idle.append(worker)
    assert read_pdf(CORPUS / "002-vienna-en.pdf").pages[0]
    assert worker not in pdf_reader._POOL._idle


# --- real text ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEEDS)
def test_seeds_give_text_on_every_page(name: str) -> None:
    result = read_pdf(CORPUS / name)
    assert isinstance(result, PdfText) and result.pages
    assert all(len(page.split()) > 20 for page in result.pages)
    assert not any("no text layer" in warning for warning in result.warnings)


def test_title_comes_from_metadata_when_there_is_one() -> None:
    assert read_pdf(CORPUS / "002-vienna-en.pdf").title == (
        "Start Wien: early, mother-tongue orientation for newcomers to Vienna"
    )
    assert read_pdf(CORPUS / "clip-info-sheet-en.pdf").title is None


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Microsoft Word - Integration plan 2020.docx", None),
        ("Microsoft Word - Integration plan 2020", "Integration plan 2020"),
        ("untitled", None),
        ("  Start   Wien\n guide ", "Start Wien guide"),
        ("1234", None),
    ],
)
def test_placeholder_titles_are_dropped(raw: str, title: str | None) -> None:
    assert pdf_reader._sensible_title(raw) == title


def test_threads_read_at_the_same_time_with_the_same_results() -> None:
    names = ["002-vienna-en.pdf", "039-athens-el.pdf", "022-stuttgart-de.pdf", "018-barcelona-en.pdf"]
    alone = {name: read_pdf(CORPUS / name).pages for name in names}
    together: dict[str, list[str]] = {}

    def read(name: str) -> None:
        together[name] = read_pdf(CORPUS / name).pages

    threads = [threading.Thread(target=read, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert together == alone


def test_forked_caller_does_not_share_the_parents_workers() -> None:
    read_pdf(CORPUS / "002-vienna-en.pdf")  # the parent has an idle worker now
    pid = os.fork()
    if pid == 0:
        ok = not pdf_reader._POOL._idle and read_pdf(CORPUS / "003-vienna-en.pdf").pages[0]
        os._exit(0 if ok else 1)
    assert os.waitpid(pid, 0)[1] == 0
    assert read_pdf(CORPUS / "039-athens-el.pdf").pages[0]
