"""Variable substitution as Docker and compose do it: `$V`, `${V}`, `${V:-default}`, `${V:+alternative}`."""

from __future__ import annotations

import re

_VARIABLE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_]\w*)(?::?(?P<op>[-+])(?P<word>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))")


def substitute(text: str, variables: dict[str, str]) -> str:
    """Docker's variable substitution: `$V`, `${V}`, `${V:-default}`, `${V:+alternative}`; unknown -> ""."""
    def value(match: re.Match) -> str:
        name = match["braced"] or match["bare"]
        current = variables.get(name)
        if match["op"] == "-":
            return current or match["word"]
        if match["op"] == "+":
            return match["word"] if current else ""
        return current or ""

    return _VARIABLE.sub(value, text)


def literal_default(text: str) -> bool:
    """`${V:-word}` / `${V-word}` with a word: a deploy that forgets V gets the literal instead."""
    return any(match["op"] == "-" and match["word"] for match in _VARIABLE.finditer(text))


_REQUIRED = re.compile(r"^\$\{[A-Za-z_]\w*:?\?[^}]*\}$")


def required(text: str) -> bool:
    """`${V?message}` / `${V:?message}` alone: compose refuses to start when V is unset (or empty)."""
    return bool(_REQUIRED.match(text.strip()))
