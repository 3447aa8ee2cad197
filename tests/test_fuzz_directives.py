"""Fuzzing suppression-directive parsing: generated directives must read back exactly as written,
arbitrary comments and files must never break it, and no comment may make it slow."""

from __future__ import annotations

import signal

import pytest
from fuzzing import mangled
from hypothesis import given
from hypothesis import strategies as st

from twelvefactor_lint.analyze.directives import parse_comment, scan_hash_comments
from twelvefactor_lint.facts import Directive
from twelvefactor_lint.infra.limits import FileTimeout, time_limit

SELECTOR = (st.sampled_from(["TF601", "mutable-module-state", "TF6", "tf1101", "ALL"])
            | st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True))
SPACE = st.sampled_from(["", " ", "  ", "\t"])
REASON = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=30)


@st.composite
def directives(draw) -> tuple[str, Directive]:
    """(comment text without the `#`, the directive it must parse to)."""
    kind = draw(st.sampled_from(["ignore", "ignore-file"]))
    selectors = draw(st.lists(SELECTOR, max_size=4))
    text = draw(st.sampled_from(["", " ", "type: ignore  # ", "noqa # "])) + "12f:" + draw(SPACE) + kind
    if selectors or draw(st.booleans()):
        text += draw(SPACE) + "[" + ",".join(draw(SPACE) + s + draw(SPACE) for s in selectors) + "]"
    reason = ""
    if draw(st.booleans()):
        reason = draw(REASON)
        text += draw(SPACE) + "--" + draw(SPACE) + reason
    return text, Directive(7, tuple(selectors), kind == "ignore-file", reason.strip())


@given(directives(), st.booleans())
def test_generated_directives_read_back_as_written(case, allow_noqa):
    text, expected = case
    assert parse_comment(text, 7, standalone=True, allow_noqa=allow_noqa) == expected


@given(st.text(max_size=300) | mangled(directives().map(lambda case: case[0])), st.booleans())
def test_arbitrary_and_damaged_comments(text, allow_noqa):
    directive = parse_comment(text, 3, standalone=False, allow_noqa=allow_noqa)
    if directive is not None:
        assert directive.line == 3
        assert all(s and s == s.strip() and "," not in s for s in directive.selectors)


@given(st.lists(st.text(max_size=60) | directives().map(lambda case: "  # " + case[0]), max_size=20), st.booleans())
def test_scanning_files_binds_directives_to_lines_of_the_file(lines, trailing):
    for directive in scan_hash_comments(lines, trailing=trailing):
        assert 1 <= directive.line <= max(len(lines), 1)


def finishes_within(seconds: float, function) -> None:
    """Fail when `function` runs too long (a thread would not do: the regex engine holds the GIL)."""
    try:
        with time_limit(seconds):
            function()
    except FileTimeout:
        pytest.fail(f"still running after {seconds} s")


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="the time limit needs SIGALRM")
@pytest.mark.parametrize("text", [
    "12f: ignore" + " " * 100_000 + "x",  # whitespace that could belong to either side of the selectors
    "12f: ignore[" * 20_000,  # many directive starts, none with a closing bracket
    "#12f: ignore-file[TF6" * 20_000,
    "12f: ignore" + " -" * 50_000,
    "noqa: " + "TF1 " * 50_000 + "!",
])
def test_no_comment_makes_parsing_slow(text):
    """The comment regexes are linear: a crafted comment cannot stall the linter (it did: 8 s for 20k spaces)."""
    finishes_within(5, lambda: parse_comment(text, 1, standalone=True, allow_noqa=True))
    finishes_within(5, lambda: scan_hash_comments(["x = 1  # " + text]))
