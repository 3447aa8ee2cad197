"""The Python analyzer: one `ast` parse per file, then the fact extractors.

Scanned code is parsed, never imported or executed. A file the running Python
cannot parse becomes a `parse_error` fact with the reason.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize

from twelvefactor_lint import directives
from twelvefactor_lint.analyzers.python.handlers import find_handlers
from twelvefactor_lint.analyzers.python.index import Index
from twelvefactor_lint.analyzers.python.index import build as build_index
from twelvefactor_lint.analyzers.python.log_sinks import log_sink_facts
from twelvefactor_lint.analyzers.python.names import Names, is_main_guard
from twelvefactor_lint.analyzers.python.state import state_facts
from twelvefactor_lint.facts import FileAnalysis, parse_error
from twelvefactor_lint.sources import split_lines

_LOGGING_WORDS = ("logging", "loguru", "Handler", "handlers", "stdout", "stderr")
_CLI_MODULES = ("argparse", "click", "typer", "fire", "docopt", "optparse")
_PY = f"Python {sys.version_info.major}.{sys.version_info.minor}"


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = _decode(data)
    try:
        tree = ast.parse(data, filename=path)
    except SyntaxError as error:
        reason = f"{type(error).__name__}: {error.msg} (as parsed by {_PY})"
        fact = parse_error(path, reason, error.lineno or 1, error.offset or 1)
        return FileAnalysis((fact,), directives.scan_hash_comments(split_lines(text), trailing=True))
    except (ValueError, RecursionError, MemoryError) as error:
        fact = parse_error(path, f"cannot parse: {type(error).__name__}: {error}")
        return FileAnalysis((fact,), ())
    index = build_index(tree)
    names = Names(tree, index.imports)
    handlers = find_handlers(index, names, path)
    module_kind = _module_kind(tree, index, names, bool(handlers))
    main_lines = _main_block_lines(tree)
    facts = state_facts(tree, names, handlers, path)
    if any(word in text for word in _LOGGING_WORDS):  # a cheap pre-check spares most files the log-sink pass
        facts += log_sink_facts(tree, index, names, path)
    facts = [f.with_attrs(module_kind=module_kind, in_main_block=f.line in main_lines) for f in facts]
    return FileAnalysis(tuple(facts), _directives(text))


def _decode(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        return data.decode("utf-8", errors="replace")


def _module_kind(tree: ast.Module, index: Index, names: Names, has_handlers: bool) -> str:
    """`cli_script` for a command-line program (a main guard plus argument parsing), else `app`."""
    if has_handlers or not any(is_main_guard(s) for s in tree.body):
        return "app"
    uses_cli = any(m.split(".")[0] in _CLI_MODULES for m in names.imports.values()) or any(
        names.qualify(n) == "sys.argv" for n in index.argv)
    return "cli_script" if uses_cli else "app"


def _main_block_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for statement in tree.body:
        if is_main_guard(statement):
            lines.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    return lines


def _directives(text: str) -> tuple:
    """Directives from real comments (tokenize), so `#` inside strings is never misread."""
    if "12f:" not in text and "noqa" not in text:
        return ()
    comments, code_lines = [], set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                standalone = not token.line[: token.start[1]].strip()
                comments.append((token.start[0], token.string[1:], standalone))
            elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                code_lines.update(range(token.start[0], token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        return directives.scan_hash_comments(split_lines(text))
    return directives.attach(comments, code_lines, allow_noqa=True)
