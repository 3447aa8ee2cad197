"""A key made up at start and saved with the app's configuration (`CONFIG.write()`, dotenv's `set_key`) is persisted,
not per process (TF617 info)."""

from __future__ import annotations

import textwrap

from twelvefactor_lint.analyze.python import analyze
from twelvefactor_lint.facts.python import SecretRandomFallback


def _fallbacks(source: str) -> list[SecretRandomFallback]:
    facts = analyze("app/__init__.py", textwrap.dedent(source).encode("utf-8")).facts
    return [f for f in facts if isinstance(f, SecretRandomFallback)]


def test_a_key_set_on_the_config_object_that_is_then_written_is_saved():
    [fact] = _fallbacks("""
        import uuid

        def initialize(CONFIG):
            if not CONFIG.JWT_SECRET:
                CONFIG.JWT_SECRET = uuid.uuid4().hex
                CONFIG.write()
    """)
    assert fact.config_saved == "`CONFIG.write()` at line 7" and not fact.persisted


def test_another_object_saved_or_a_save_before_the_key_is_not():
    facts = _fallbacks("""
        import uuid

        def initialize(CONFIG, other):
            CONFIG.write()
            CONFIG.JWT_SECRET = uuid.uuid4().hex
            other.save()
    """)
    assert [f.config_saved for f in facts] == [""]
