"""Dockerfile fixes: a shell-form CMD or ENTRYPOINT that is one plain command becomes its exec form.

Only the instruction's own lines change; every other byte of the file stays as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from twelvefactor_lint.analyze.dockerfile import Instruction, Stage, instructions, stages
from twelvefactor_lint.analyze.shell.parse import plain_words
from twelvefactor_lint.model import Finding

_KEYWORD = re.compile(r"^\s*(CMD|ENTRYPOINT)(?=\s)", re.IGNORECASE)
_POSIX_SHELLS = {"sh", "bash", "dash", "ash"}


def fix_dockerfile(data: bytes, findings: Sequence[Finding]) -> tuple[bytes, tuple[Finding, ...]]:
    """The file with each TF901 finding's instruction in exec form, and the findings fixed."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = data[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        return data, ()
    lines = text.splitlines(keepends=True)
    items = instructions(text)
    fixed = []
    for finding in findings:
        item = next((i for i in items if i.line == finding.line), None)
        rewritten = _exec_form(item, lines, stages(items)) if finding.rule == "TF901" and item is not None else None
        if item is not None and rewritten is not None:
            lines[item.line - 1:item.end_line] = [rewritten] + [""] * (item.end_line - item.line)
            fixed.append(finding)
    return bom + "".join(lines).encode("utf-8"), tuple(fixed)


def _exec_form(item: Instruction, lines: list[str], all_stages: list[Stage]) -> str | None:
    """The instruction's line in exec form, or None when that could change what runs: a shell feature
    in the command, a SHELL that is not a plain POSIX shell (a login shell reads profiles), a comment
    or blank line inside the instruction, or a shell-form ENTRYPOINT a CMD would then be appended to."""
    raw = lines[item.line - 1:item.end_line]
    keyword = _KEYWORD.match(raw[0]) if raw else None
    words = plain_words(item.value) if keyword and item.exec_form is None else None
    if keyword is None or words is None or any(not line.strip() or line.lstrip().startswith("#") for line in raw[1:]):
        return None
    stage = [s for s in all_stages if s.line <= item.line][-1]
    if not _plain_shell(stage, item, {s.name: s for s in all_stages if s.name}):
        return None
    if item.name == "ENTRYPOINT" and any(i.name == "CMD" for s in all_stages[stage.index:] for i in s.instructions):
        return None
    ending = raw[-1][len(raw[-1].rstrip("\r\n")):]
    return f"{keyword.group(0)} {json.dumps(list(words), ensure_ascii=False)}{ending}"


def _plain_shell(stage: Stage, item: Instruction, by_name: dict[str, Stage]) -> bool:
    """Whether the shell that runs the shell form, as SHELL left it for this stage, is `/bin/sh -c` or alike."""
    shell = None
    current: Stage | None = stage
    while shell is None and current is not None:
        shell = next((i for i in reversed(current.instructions) if i.name == "SHELL" and i.line < item.line), None)
        parent = by_name.get(current.base.lower())
        current = parent if parent is not None and parent.index < current.index else None
    # a SHELL not in JSON form is invalid (Docker refuses it): an unknown shell, so no fix
    argv = (shell.exec_form or []) if shell is not None else ["/bin/sh", "-c"]
    login = any(a in ("--login", "--rcfile") or re.fullmatch(r"-[a-zA-Z]*[li][a-zA-Z]*", a) for a in argv[1:])
    return bool(argv) and argv[0].rsplit("/", 1)[-1] in _POSIX_SHELLS and not login
