"""Positions, ranges and edits between 12f-lint's findings and the LSP's UTF-16 coordinates."""

from __future__ import annotations

import pytest

pytest.importorskip("lsprotocol")

from lsp_client import apply_edits  # noqa: E402
from lsprotocol import types  # noqa: E402
from lsprotocol.converters import get_converter  # noqa: E402

from twelvefactor_lint.lsp.actions import line_edits, suppress_actions  # noqa: E402
from twelvefactor_lint.lsp.diagnostics import Lines, finding_range  # noqa: E402
from twelvefactor_lint.model import Finding  # noqa: E402


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def finding(line: int, column: int, end_line: int, end_column: int, rule: str = "TF601") -> Finding:
    return Finding(rule, "name", "VI", "error", "app.py", line, column, end_line, end_column, "message")


def _pair(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def test_byte_columns_become_utf16_units():
    text = "x = 1\nname = 'é😀'; STATE.append(1)\n"
    lines = Lines(text, utf16)
    column = len("name = 'é😀'; ".encode()) + 1
    span = finding_range(finding(2, column, 2, column + len("STATE.append(1)")), lines)
    assert _pair(span.start) == (1, len("name = 'é") + 2 + len("'; "))
    assert _pair(span.end) == (1, _pair(span.start)[1] + len("STATE.append(1)"))


def test_a_point_covers_the_rest_of_its_line_and_stale_lines_clamp():
    lines = Lines("FROM python:3.12\nCMD python app.py   \n", utf16)
    span = finding_range(finding(2, 1, 2, 1), lines)
    assert (_pair(span.start), _pair(span.end)) == ((1, 0), (1, len("CMD python app.py")))
    beyond = finding_range(finding(9, 1, 9, 4), lines)
    assert _pair(beyond.start) == _pair(beyond.end) == (2, 0)


@pytest.mark.parametrize("before, after", [
    ("a\nb\nc\n", "import os\na\nB\nc\n"),
    ("a\nb", "a\nb\nc"),
    ("a\r\nb\r\n", "a\r\nx\r\ny\r\n"),
    ("", "new\n"),
])
def test_line_edits_turn_one_text_into_the_other(before, after):
    edits = line_edits(before, after, Lines(before, utf16))
    assert apply_edits(before, get_converter().unstructure(edits)) == after


def _inserted(text: str, found: Finding) -> list[str]:
    diagnostic = types.Diagnostic(range=types.Range(start=types.Position(line=0, character=0),
                                                    end=types.Position(line=0, character=0)), message="m")
    out = []
    for action in suppress_actions(found, "file:///x", text, Lines(text, utf16), diagnostic):
        out.append(apply_edits(text, get_converter().unstructure(action.edit.changes["file:///x"])))
    return out


def test_suppressions_keep_indentation_and_the_files_first_lines():
    text = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\ndef f():\n    STATE.append(1)\n"
    on_line, in_file = _inserted(text, finding(4, 5, 4, 20))
    assert on_line.splitlines()[3:5] == ["    # 12f: ignore[TF601] -- reason", "    STATE.append(1)"]
    assert in_file.splitlines()[2] == "# 12f: ignore-file[TF601] -- reason"
    docker = "# syntax=docker/dockerfile:1\nFROM python\nCMD python app.py\n"
    assert _inserted(docker, finding(3, 1, 3, 1, "TF901"))[1].splitlines()[:2] == [
        "# syntax=docker/dockerfile:1", "# 12f: ignore-file[TF901] -- reason"]
