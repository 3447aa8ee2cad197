"""A message's headline: what was found and where, the first clause of the rule's message template.

Rule messages read "what (where); consequence — advice" (STYLE.md). The terminal shows one short line per
finding, as ruff does, and leaves the why and the how to `12f-lint explain` and `--show-advice`; the
machine formats keep the whole message. The cut is made on the template, not on the rendered text, so a
separator (`;`, `:`, ` — `, `, so`) inside an inserted value (a shell command, a parse error) never cuts a message short.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

_SEPARATORS = ("; ", ": ", " — ", ", so ")
_OPENERS, _CLOSERS = "({[", ")}]"
_MIN_WORDS = 2
"""A headline says something about its subject: "`CACHE_BACKEND` is `locmem`" (one word of prose) reads on
to the consequence, "`DEBUG = True` is set in code (settings.py:3)" stops there."""
_KEPT = ("{site}", "{started_by?", "{reason}")
"""Where the problem is (the function, the start command) and why a file could not be checked (TF001's
parse error): a headline never leaves them behind."""
_CODE = re.compile(r"`[^`]*`")
_PLACEHOLDER = re.compile(r"\{\w+\?(?:[^{}]|\{\w+\})*\}|\{\w+\}")
_ASIDE = re.compile(r"\([^()]*\)")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _cuts(template: str) -> Iterator[int]:
    """Offsets of the clause separators outside code spans, placeholders and parentheses."""
    depth, code = 0, False
    for index, char in enumerate(template):
        if char == "`":
            code = not code
        elif code:
            continue
        elif char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0 and template.startswith(_SEPARATORS, index):
            yield index


def _prose_words(text: str) -> int:
    """How many words of prose the text has, code spans, placeholders and asides left out."""
    return len(_WORD.findall(_ASIDE.sub(" ", _PLACEHOLDER.sub(" ", _CODE.sub(" ", text)))))


@lru_cache(maxsize=512)
def headline(template: str) -> str:
    """The template up to its first clause separator that leaves a headline of some prose and every
    placeholder it must keep; the whole template when it has none. The result is a template too (cuts
    are never inside braces)."""
    for cut in _cuts(template):
        head, rest = template[:cut], template[cut:]
        if _prose_words(head) >= _MIN_WORDS and not any(kept in rest for kept in _KEPT):
            return head
    return template
