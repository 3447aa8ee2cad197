"""PEP 695 syntax (Python 3.12) told from a syntax error by the running Python's own parser.

Type parameters (`def first[T](...)`, `class Box[T: Item]`) and `type` statements (`type Cart = dict`) are most
of the newer syntax real projects hold. A file whose only trouble they are parses here once they are taken out:
each parameter list is checked on its own (a name, `name: bound`, `*name` or `**name`; the bound an expression
this parser reads) and cut, and `type` is dropped from the start of a `type` statement. That answers without
libcst, whose import and parse cost a cold run of such a project some 0.4 CPU-seconds. Anything else - other
newer syntax (PEP 701 f-strings), a parameter list of any other shape, a `type` statement after a colon - is
"not known here", and libcst decides as before.
"""

from __future__ import annotations

import ast
import codecs
import io
import tokenize
from collections.abc import Callable, Sequence

_SKIPPED = frozenset({tokenize.COMMENT, tokenize.NL})
_STATEMENT_START = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING})
_OPENING, _CLOSING = frozenset("([{"), frozenset(")]}")
Offset = Callable[[tuple[int, int]], int]
"""A token position's offset in the source."""


def parses_without_type_params(data: bytes) -> bool:
    """Whether the file holds PEP 695 syntax and parses with it taken out (see the module's docstring)."""
    lines: list[bytes] = []
    readline = io.BytesIO(data).readline

    def reading() -> bytes:
        lines.append(readline())
        return lines[-1]

    try:
        tokens = [t for t in tokenize.tokenize(reading) if t.type not in _SKIPPED]
        lines[0] = lines[0].removeprefix(codecs.BOM_UTF8)  # as tokenize reads it (its encoding is then "utf-8")
        text = [line.decode(tokens[0].string) for line in lines]
    except (SyntaxError, tokenize.TokenError, UnicodeDecodeError, LookupError, IndexError):
        return False
    starts = [0]
    for line in text:
        starts.append(starts[-1] + len(line))
    source = "".join(text)

    def offset(position: tuple[int, int]) -> int:
        return starts[position[0] - 1] + position[1]

    cuts = _cuts(tokens, source, offset)
    if not cuts:
        return False
    kept, last = [], 0
    for start, end in cuts:
        kept.append(source[last:start])
        last = end
    kept.append(source[last:])
    try:
        ast.parse("".join(kept))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _cuts(tokens: Sequence[tokenize.TokenInfo], source: str, offset: Offset) -> list[tuple[int, int]] | None:
    """The spans of `source` to take out, in order; None when a PEP 695 construct is of a shape not known here."""
    cuts: list[tuple[int, int]] = []
    index = 0
    while index < len(tokens) - 2:
        token, name, after = tokens[index], tokens[index + 1], tokens[index + 2]
        if token.type == tokenize.NAME and name.type == tokenize.NAME and after.string == "[" and (
                token.string in ("def", "class") or token.string == "type" and _starts_statement(tokens, index)):
            close = _closing(tokens, index + 2)
            if close is None or not _type_params(tokens[index + 3:close], source, offset):
                return None
            if token.string == "type":
                if close + 1 >= len(tokens) or tokens[close + 1].string != "=":
                    return None
                cuts.append((offset(token.start), offset(name.start)))
            cuts.append((offset(after.start), offset(tokens[close].end)))
            index = close + 1
        elif token.string == "type" and token.type == tokenize.NAME and name.type == tokenize.NAME \
                and after.string == "=" and _starts_statement(tokens, index):
            cuts.append((offset(token.start), offset(name.start)))
            index += 3
        else:
            index += 1
    return cuts


def _starts_statement(tokens: Sequence[tokenize.TokenInfo], index: int) -> bool:
    before = tokens[index - 1] if index else None
    return before is None or before.type in _STATEMENT_START or before.string == ";"


def _closing(tokens: Sequence[tokenize.TokenInfo], opening: int) -> int | None:
    """The index of the bracket closing the one at `opening`."""
    depth = 0
    for index in range(opening, len(tokens)):
        string = tokens[index].string
        if tokens[index].type != tokenize.OP:
            continue
        if string in _OPENING:
            depth += 1
        elif string in _CLOSING:
            depth -= 1
            if depth == 0:
                return index if string == "]" else None
    return None


def _type_params(tokens: Sequence[tokenize.TokenInfo], source: str, offset: Offset) -> bool:
    """Whether the tokens inside the brackets are a type parameter list: one or more parameters, comma-separated
    (a trailing comma allowed), each a name, `*name`, `**name` or `name: bound` with a bound this parser reads."""
    params: list[list[tokenize.TokenInfo]] = [[]]
    depth = 0
    for token in tokens:
        if token.type == tokenize.OP and token.string in _OPENING:
            depth += 1
        elif token.type == tokenize.OP and token.string in _CLOSING:
            depth -= 1
        if depth == 0 and token.string == "," and token.type == tokenize.OP:
            params.append([])
        else:
            params[-1].append(token)
    if not params[-1]:
        params.pop()  # a trailing comma
    return bool(params) and all(_type_param(param, source, offset) for param in params)


def _type_param(param: Sequence[tokenize.TokenInfo], source: str, offset: Offset) -> bool:
    kinds = [token.type for token in param]
    if kinds == [tokenize.NAME]:
        return True
    if kinds == [tokenize.OP, tokenize.NAME]:
        return param[0].string in ("*", "**")
    if len(param) < 3 or kinds[0] != tokenize.NAME or param[1].string != ":":
        return False
    bound = source[offset(param[2].start):offset(param[-1].end)]
    try:
        ast.parse(f"(\n{bound}\n)", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
