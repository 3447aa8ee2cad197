"""Python fixes: libcst rewrites at the findings' exact spans, nothing else in the file touched."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from twelvefactor_lint.fix.imports import drop_imports_left_unused, ensure_imports
from twelvefactor_lint.fix.python_edits import EDITS, Edit, Site
from twelvefactor_lint.model import Finding

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def fix_python(data: bytes, findings: Sequence[Finding]) -> tuple[bytes, tuple[Finding, ...]]:
    """The fixed source and the findings it fixes; a file libcst cannot parse is left as it is."""
    try:
        wrapper = MetadataWrapper(cst.parse_module(data))
    except cst.ParserSyntaxError:
        return data, ()
    positions = wrapper.resolve(PositionProvider)
    by_span: dict[tuple[int, int, int, int], list[cst.CSTNode]] = defaultdict(list)
    by_start: dict[tuple[int, int], list[tuple[tuple[int, int], cst.CSTNode]]] = defaultdict(list)
    for node, where in positions.items():
        by_span[(where.start.line, where.start.column, where.end.line, where.end.column)].append(node)
        by_start[(where.start.line, where.start.column)].append(((where.end.line, where.end.column), node))
    module = wrapper.module
    context = Site.context(module, wrapper.resolve(ParentNodeProvider))
    lines = _LINE_BREAK.split(module.code)
    chosen: list[tuple[Finding, Edit]] = []
    for finding in findings:
        make = EDITS.get(finding.rule)
        edit = make(context.at(by_span.get(_char_span(finding, lines), []))) if make else None
        if edit is None or make is None:
            continue
        chosen.append((finding, edit))
        for place in finding.related:  # the others a finding stands for (one logging setup's file handlers)
            if place.path != finding.path:
                continue
            start = (place.line, _char_column(lines, place.line, place.column))
            # the innermost node starting there first: `FileHandler(p)` before `FileHandler(p).setLevel(...)`
            for _, node in sorted(by_start.get(start, []), key=lambda pair: pair[0]):
                if (other := make(context.at([node]))) is not None:
                    chosen.append((finding, other))
                    break
    chosen = _unambiguous(chosen, module)
    if not chosen:
        return data, ()
    fixed = module.visit(_Replace({id(edit.target): edit.replacement for _, edit in chosen}))
    fixed = ensure_imports(drop_imports_left_unused(module, fixed), {name for _, edit in chosen for name in edit.imports})
    return fixed.bytes, tuple(dict.fromkeys(finding for finding, _ in chosen))


def _char_column(lines: list[str], line: int, byte_column: int) -> int:
    """A column in libcst's terms: characters from 0, where `ast` counts UTF-8 bytes from 1."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8")[: byte_column - 1].decode("utf-8", "replace"))


def _char_span(finding: Finding, lines: list[str]) -> tuple[int, int, int, int]:
    """The finding's span in libcst's terms."""
    return (finding.line, _char_column(lines, finding.line, finding.column), finding.end_line,
            _char_column(lines, finding.end_line, finding.end_column))


def _unambiguous(chosen: list[tuple[Finding, Edit]], module: cst.Module) -> list[tuple[Finding, Edit]]:
    """Drop edits that would make one variable stand for two different literals, and a second edit of a node."""
    values: dict[str, set[str]] = defaultdict(set)
    for _, edit in chosen:
        if edit.env is not None:
            values[edit.env[0]].add(module.code_for_node(edit.env[1]))
    kept, seen = [], set()
    for finding, edit in chosen:
        if (edit.env is None or len(values[edit.env[0]]) == 1) and id(edit.target) not in seen:
            seen.add(id(edit.target))
            kept.append((finding, edit))
    return kept


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.CSTNode]):
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):
        return self.replacements.get(id(original_node), updated_node)
