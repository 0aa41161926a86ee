"""The command line: every error a user can cause is one line and a non-zero exit code."""
from __future__ import annotations

from pathlib import Path

import pytest

from praxis.service.cli import build_parser, main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, message", [
    (["recommend", "--needs", ""], "needs:"),
    (["recommend", "--needs", "housing for refugees", "--country", "Greece"], "country:"),
    (["search", "housing", "--k", "0"], "--k must be at least 1"),
    (["search", "   "], "the query is empty"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path: Path, argv: list[str], message: str) -> None:
    code, _, err = run(capsys, *argv, "--data", str(tmp_path))
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("command", [["search", "housing"], ["similar", "1"], ["eval"], ["reindex"]])
def test_a_missing_library_is_an_error_not_an_empty_library(capsys, tmp_path: Path, command: list[str]) -> None:
    data = tmp_path / "no-such-library"
    code, _, err = run(capsys, *command, "--data", str(data))
    assert code == 2 and "no library in" in err and len(err.strip().splitlines()) == 1
    assert not data.exists()


def test_every_option_has_help_text() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    missing = [
        f"{name} {action.dest}"
        for name, sub in subparsers.choices.items()
        for action in sub._actions
        if action.dest != "help" and not action.help
    ]
    assert missing == []


def test_an_unknown_document_is_not_found(capsys, small_library: Path) -> None:
    code, out, err = run(capsys, "similar", "9999", "--data", str(small_library))
    assert code == 1 and "no document with id 9999" in err and out == ""
