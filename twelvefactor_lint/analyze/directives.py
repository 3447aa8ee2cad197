"""Inline suppression directives, shared by every file kind.

Syntax (the same in Python, Dockerfile, YAML, Procfile and shell comments)::

    # 12f: ignore[TF601, mutable-module-state] -- reason
    # 12f: ignore-file[TF1101]
    # noqa: TF601          (Python only, for people used to it)

A trailing directive covers its own line; a directive alone on a line covers the
next code line below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from twelvefactor_lint.facts import Directive

# Linear on any comment: whitespace before `[` belongs to the optional group alone, and a selector list
# stops at `#`, so neither a long run of blanks nor many unclosed `# 12f: ignore[` can make it backtrack.
_DIRECTIVE = re.compile(
    r"(?:^|#)\s*12f:\s*(?P<kind>ignore-file|ignore)(?:\s*\[(?P<sel>[^\]#]*)\])?\s*(?:--\s*(?P<reason>.*))?$"
)
_NOQA = re.compile(r"noqa\s*:\s*(?P<sel>[A-Z]+\d+(?:[\s,]+[A-Z]+\d+)*)", re.IGNORECASE)
_TF_CODE = re.compile(r"^TF\d+$")
_HASH_COMMENT = re.compile(r"(?:^|\s)#(?P<body>.*)$")
_NOQA_TF = re.compile(rb"noqa\s*:[^\n]*TF\d", re.IGNORECASE)


def may_hold_directive(data: bytes) -> bool:
    """Whether a file's bytes may hold a directive: `12f:`, or a `noqa` naming a TF code (most files' noqa
    comments name only other linters' codes). Cheap enough for every file of a project.

    `noqa` is matched in any case; a case-insensitive regex steps through every byte, so a lowered copy
    first finds the few files worth the regex."""
    return b"12f:" in data or b"noqa" in data.lower() and _NOQA_TF.search(data) is not None


def parse_comment(body: str, line: int, standalone: bool, allow_noqa: bool) -> Directive | None:
    """Read one comment's text (without the leading `#`); None when it is no directive."""
    text = body.strip()
    match = _DIRECTIVE.search(text)  # also after another tool's pragma: `# type: ignore  # 12f: ignore[...]`
    if match:
        selectors = tuple(s.strip() for s in (match["sel"] or "").split(",") if s.strip())
        file_wide = match["kind"] == "ignore-file"
        return Directive(line, selectors, file_wide, (match["reason"] or "").strip())
    if allow_noqa:
        match = _NOQA.search(text)
        codes = [c.upper() for c in re.split(r"[\s,]+", match["sel"]) if _TF_CODE.match(c.upper())] if match else []
        if codes:  # a noqa list such as `E501, TF601` names ours among other linters' codes
            return Directive(line, tuple(codes), False, "")
    return None


def attach(comments: Iterable[tuple[int, str, bool]], code_lines: set[int], allow_noqa: bool = False) -> tuple[Directive, ...]:
    """Turn (line, comment body, standalone) triples into directives bound to code lines.

    A standalone directive binds to the first code line after it, so stacked comments work.
    """
    ordered_code = sorted(code_lines)
    directives = []
    for line, body, standalone in comments:
        directive = parse_comment(body, line, standalone, allow_noqa)
        if directive is None:
            continue
        if standalone and not directive.file_wide:
            target = next((n for n in ordered_code if n > line), line)
            directive = Directive(target, directive.selectors, directive.file_wide, directive.reason, line)
        directives.append(directive)
    return tuple(directives)


def scan_hash_comments(lines: list[str], trailing: bool = True) -> tuple[Directive, ...]:
    """Directives in `#` comments of line-oriented files (Dockerfile, YAML, Procfile, shell).

    This is a line scan, not a tokenizer: a directive must look like one, so a `#`
    inside a quoted value is only misread when it spells out `12f: ignore`.
    """
    comments = []
    code_lines = set()
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            comments.append((number, stripped[1:], True))
            continue
        code_lines.add(number)
        if trailing and "#" in raw:
            match = _HASH_COMMENT.search(raw)
            if match:
                comments.append((number, match["body"], False))
    return attach(comments, code_lines)
