"""Fuzzing config loading: arbitrary bytes as `.12f-lint.toml` and `pyproject.toml`, generated TOML
(known keys with values of every type, unknown keys, bad patterns), and generated tables run through
the pipeline. The property: Settings (and a Result) or a ConfigError - never another exception."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fuzzing import mangled
from hypothesis import given
from hypothesis import strategies as st

from twelvefactor_lint.config import _KEYS, ConfigError, Settings, load, parse_table
from twelvefactor_lint.runner import run

PATTERNS = st.sampled_from(["ALL", "TF601", "TF6", "mutable-module-state", "error", "info", "*.py", "!", "\\", "[z-a]",
                            "**/", "/", "", "legacy/", "!keep.py", "#x", "TF999"])
SCALARS = st.booleans() | st.integers(-2, 2**40) | st.floats() | st.text(max_size=8) | PATTERNS
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    PATTERNS | st.text(max_size=6), inner, max_size=3), max_leaves=8)
TABLES = st.dictionaries(st.sampled_from(sorted(_KEYS)) | st.text(max_size=8), VALUES, max_size=5)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def toml_document(table: dict, pyproject: bool) -> str:
    body = "".join(f"{json.dumps(key)} = {toml_value(value)}\n" for key, value in table.items())
    return ('[project]\nname = "x"\n\n[tool.12f-lint]\n' + body) if pyproject else body


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("config")


def load_or_error(directory: Path, name: str, data: bytes) -> Settings | None:
    for stale in (".12f-lint.toml", "pyproject.toml"):
        (directory / stale).unlink(missing_ok=True)
    (directory / name).write_bytes(data)
    try:
        return load([directory])
    except ConfigError as error:
        assert str(error) and "\n" not in str(error), "a config error is one line on stderr"
        return None


@given(st.binary(max_size=1000), st.sampled_from([".12f-lint.toml", "pyproject.toml"]))
def test_arbitrary_bytes(directory, data, name):
    load_or_error(directory, name, data)


@given(mangled(st.builds(toml_document, TABLES, st.booleans())), st.booleans())
def test_generated_toml(directory, text, pyproject):
    load_or_error(directory, "pyproject.toml" if pyproject else ".12f-lint.toml", text.encode("utf-8"))


@given(TABLES)
def test_generated_tables_through_the_pipeline(directory, catalogue, table):
    try:
        settings = parse_table(table, directory, None)
    except ConfigError:
        return
    try:
        result = run([directory], settings, catalogue)
    except ConfigError:
        return
    # nothing to lint but the pyproject.toml an earlier example may have left, read for its dependencies
    assert result.analyzed == int((directory / "pyproject.toml").exists())


def test_a_quadratic_dotted_key_is_refused_not_parsed(tmp_path):
    """tomllib spends memory quadratic in a dotted key's length; 200 KB of `.a` once exhausted 24 GiB."""
    (tmp_path / ".12f-lint.toml").write_text("a" + ".a" * 100_000 + " = 1\n", encoding="utf-8")
    script = textwrap.dedent("""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
        from twelvefactor_lint.config import ConfigError, load
        try:
            load([sys.argv[1]])
        except ConfigError as error:
            print(error)
    """)
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-500:]
    assert "more than 1000 dots" in done.stdout


@pytest.mark.parametrize("text, message", [
    ('select = ["\xff"]', "not UTF-8"),
    ("a = " + "[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ('extend-exclude = ["!"]', "invalid pattern '!'"),
    ('exclude = ["[z-a]"]', "invalid pattern '[z-a]'"),
    ('[per-file-ignores]\n"\\\\" = ["TF601"]', "invalid pattern"),
    ('"a\\nb" = 1', "unknown setting `a b`"),  # still one line on stderr
])
def test_hostile_configs_are_config_errors(tmp_path, text, message):
    (tmp_path / ".12f-lint.toml").write_bytes(text.encode("latin-1"))
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load([tmp_path])
