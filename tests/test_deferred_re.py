"""Patterns compiled on first use: a module a warm run imports compiles none of the patterns that run never matches."""

from __future__ import annotations

import re

from twelvefactor_lint.infra.deferred_re import deferred


def test_a_deferred_pattern_is_compiled_when_first_used_and_matches_as_compiled(monkeypatch):
    compiled: list[object] = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda *args: compiled.append(args) or real(*args))
    words, head = deferred(r"(?:^|[._-])(test|e2e)(?:$|[._-])", re.IGNORECASE), deferred(rb"^kind:[ \t]*\S", re.MULTILINE)
    assert not compiled
    assert words.search("settings.TEST.py")[1] == "TEST" and words.search("latest.py") is None
    assert head.search(b"apiVersion: v1\nkind: Pod\n") and not head.search(b"  kind: Pod\n")
    assert words.pattern.startswith("(?:^") and words.flags & re.IGNORECASE and compiled


def test_a_deferred_pattern_equals_and_hashes_as_the_compiled_one():
    compiled = re.compile(r"^db_(password|pass)$", re.IGNORECASE)
    same, other = deferred(r"^db_(password|pass)$", re.IGNORECASE), deferred(r"^db_(password|pass)$")
    assert same == compiled and compiled == same and same == deferred(r"^db_(password|pass)$", re.IGNORECASE)
    assert other != compiled and hash(same) == hash(compiled) and {same: 1}[compiled] == 1
