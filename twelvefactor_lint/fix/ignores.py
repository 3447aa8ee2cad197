"""`--add-ignores`: a `# 12f: ignore[ID] -- TODO: reason` directive for every current finding (as ruff's
`--add-noqa`), so a team can adopt 12f-lint in code and fill in the reasons later.

Python gets the directive trailing on the finding's line; every other kind (Dockerfile, compose,
Procfile, shell, proxy and supervisord configs, all `#`-commented) on its own line above, indented like
the line it covers. A file whose meaning the comment would change (a Python line ending inside a
string, a YAML block scalar) is left alone with a notice. Only files the fixes may write are touched.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import yaml

from twelvefactor_lint.fix.plan import Change, Proposal, read_writable
from twelvefactor_lint.model import Finding, Result

REASON = "TODO: reason"
_NEWLINE = "\n"
_TOOL = "tool"
"""The factor of 12f-lint's own rules (parse errors, directives): a directive cannot answer those."""


def propose(result: Result, targets: Sequence[Path]) -> Proposal:
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.factor != _TOOL:
            by_path[finding.path].append(finding)
    changes, notices = [], []
    for path, findings in sorted(by_path.items()):
        target, data, problem = read_writable(path, result, targets)
        if target is None or data is None:
            notices.append(f"{path}: no directives added: {problem}")
            continue
        after = _with_directives(path, data, findings)
        if after is None:
            notices.append(f"{path}: no directives added: a comment there would change what the file means")
            continue
        changes.append(Change(path, target, data, after, tuple(findings)))
    return Proposal(tuple(changes), tuple(notices))


def _with_directives(path: str, data: bytes, findings: list[Finding]) -> bytes | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.splitlines(keepends=True)
    ids: dict[int, set[str]] = defaultdict(set)
    for finding in findings:
        if 1 <= finding.line <= len(lines):
            ids[finding.line].add(finding.rule)
    python = path.endswith((".py", ".pyi"))
    for line in sorted(ids, reverse=True):
        directive = f"# 12f: ignore[{', '.join(sorted(ids[line]))}] -- {REASON}"
        body = lines[line - 1]
        content = body.rstrip("\r\n")
        ending = body[len(content):]
        if python:
            lines[line - 1] = f"{content}  {directive}{ending}"
        else:
            indent = content[:len(content) - len(content.lstrip())]
            lines.insert(line - 1, f"{indent}{directive}{ending or _NEWLINE}")
    after = "".join(lines)
    return after.encode("utf-8") if _same_meaning(path, text, after) else None


def _same_meaning(path: str, before: str, after: str) -> bool:
    """Comments must not change what a parser reads: the same AST (Python) or the same data (YAML)."""
    try:
        if path.endswith((".py", ".pyi")):
            return ast.dump(ast.parse(before)) == ast.dump(ast.parse(after))
        if path.endswith((".yml", ".yaml")):
            return list(yaml.safe_load_all(before)) == list(yaml.safe_load_all(after))
    except (SyntaxError, ValueError, yaml.YAMLError):
        return False
    return True


def summary(changes: Sequence[Change]) -> str:
    count = sum(len(c.fixed) for c in changes)
    return f"Added directives for {count} finding{'s' * (count != 1)} in {len(changes)} file{'s' * (len(changes) != 1)}."

