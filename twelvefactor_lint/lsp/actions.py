"""Code actions for a finding: the rule's fix (from `fix/`, applied to the editor's text), and the
suppression comments a user would otherwise type (`# 12f: ignore[TF601] -- reason`)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lsprotocol import types

from twelvefactor_lint.fix import fixer_for
from twelvefactor_lint.judge.catalogue import Rule
from twelvefactor_lint.lsp.diagnostics import Lines
from twelvefactor_lint.model import Finding

REASON_PLACEHOLDER = "-- reason"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# Lines that must stay first: a shebang, Python's coding cookie, Dockerfile parser directives.
_HEADER = re.compile(r"#!|#.*coding[:=]|#\s*(?:syntax|escape|check)\s*=", re.IGNORECASE)


def _split(text: str) -> list[str]:
    return _LINE.findall(text)


def line_edits(before: str, after: str, lines: Lines) -> list[types.TextEdit]:
    """The fewest whole-line edits that turn `before` into `after` (whole lines: no column arithmetic,
    and the rest of the buffer, cursor included, stays where it is)."""
    old, new = _split(before), _split(after)
    edits = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        start = types.Position(line=i1, character=0) if i1 < len(old) else lines.end()
        end = types.Position(line=i2, character=0) if i2 < len(old) else lines.end()
        edits.append(types.TextEdit(range=types.Range(start=start, end=end), new_text="".join(new[j1:j2])))
    return edits


def fix_action(finding: Finding, rule: Rule, rel: str, uri: str, text: str, lines: Lines,
               diagnostic: types.Diagnostic) -> types.CodeAction | None:
    """The rule's fix for this finding, as `--fix` would make it on the editor's text; None when the
    code there has no shape the fix knows."""
    fixer = fixer_for(rel) if finding.fixable else None
    if fixer is None or rule.autofix is None:
        return None
    before = text.encode("utf-8", "surrogatepass")
    after, fixed = fixer(before, [finding])
    if not fixed or after == before:
        return None
    safe = rule.autofix.safety == "safe"
    title = f"Fix {rule.id} {rule.name}" + ("" if safe else " (unsafe: changes behaviour)")
    edits = line_edits(text, after.decode("utf-8", "surrogatepass"), lines)
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                            is_preferred=safe, edit=types.WorkspaceEdit(changes={uri: edits}))


def suppress_actions(finding: Finding, uri: str, text: str, lines: Lines,
                     diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    """"Suppress on this line" (a comment on the line above, which every file kind reads) and "suppress
    in file" (after a shebang, coding cookie or Dockerfile parser directives)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    on_line = f"{lines.indent(finding.line)}# 12f: ignore[{finding.rule}] {REASON_PLACEHOLDER}{newline}"
    header = 0
    for first in _split(text):
        if not _HEADER.match(first) or header >= 2:
            break
        header += 1
    in_file = f"# 12f: ignore-file[{finding.rule}] {REASON_PLACEHOLDER}{newline}"
    actions = []
    for title, line, insert in ((f"Suppress {finding.rule} on this line", finding.line - 1, on_line),
                                (f"Suppress {finding.rule} in this file", header, in_file)):
        at = types.Position(line=line, character=0)
        edit = types.TextEdit(range=types.Range(start=at, end=at), new_text=insert)
        actions.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                        edit=types.WorkspaceEdit(changes={uri: [edit]})))
    return actions
