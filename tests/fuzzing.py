"""Shared fuzzing setup: the hypothesis profiles, the property every analyzer keeps, and generators.

Profiles (pick one with `TF_FUZZ_PROFILE`):
- `ci` (default): a few dozen examples per test, derandomized, so the suite stays short and a
  failure in CI is reproducible with the same command;
- `long`: 10,000 examples per test, random, with the example database, for an on-demand hunt:
  `TF_FUZZ_PROFILE=long python -m pytest tests/test_fuzz_*.py --hypothesis-show-statistics`.

The property: an analyzer returns a FileAnalysis whose facts are well-formed (located inside the
file, JSON-serialisable attributes) - a `parse_error` fact for input it cannot read - and never
raises. Time is bounded by hypothesis's deadline, set generously (it catches hangs, not slowness).
"""

from __future__ import annotations

import io
import json
import os
import re
import tokenize
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twelvefactor_lint.facts import Directive, Fact, FileAnalysis

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=40, deadline=timedelta(seconds=5), derandomize=True,
                          database=None, suppress_health_check=_SLOW_OK)
settings.register_profile("long", max_examples=10_000, deadline=timedelta(seconds=10), print_blob=True,
                          suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("TF_FUZZ_PROFILE", "ci"))


def line_bound(data: bytes) -> int:
    """The last line a fact may point at: one past the line count of any decoding an analyzer may use."""
    texts = [data.decode("utf-8", "replace"), data.decode("latin-1"), data.decode("utf-16", "replace")]
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)  # a Python coding cookie
        texts.append(data.decode(encoding, "replace"))
    except (SyntaxError, LookupError):
        pass
    return max(len(data.splitlines()), *(len(t.splitlines()) for t in texts)) + 1


def check_analysis(analysis: FileAnalysis, path: str, data: bytes) -> None:
    """The property of every analyzer's output (see the module docstring)."""
    assert isinstance(analysis, FileAnalysis)
    last_line = line_bound(data)
    for fact in analysis.facts:
        assert isinstance(fact, Fact), fact
        assert fact.kind != "internal_error", fact
        assert fact.path == path, fact
        assert 1 <= fact.line <= last_line, fact
        assert fact.column >= 1, fact
        assert fact.end_line is None or fact.end_line >= fact.line, fact
        json.dumps(fact.to_dict())
    for directive in analysis.directives:
        assert isinstance(directive, Directive), directive
        assert 1 <= directive.line <= last_line, directive
        assert all(isinstance(s, str) and s for s in directive.selectors), directive


def analyzer_tests(analyze, paths: st.SearchStrategy[str], texts: st.SearchStrategy[str]):
    """An analyzer's two fuzz tests: arbitrary bytes, and generated text damaged and re-encoded."""

    @given(st.binary(max_size=2000), paths)
    def arbitrary_bytes(data, path):
        check_analysis(analyze(path, data), path, data)

    @given(files_from(texts), paths)
    def generated_files(data, path):
        check_analysis(analyze(path, data), path, data)

    return arbitrary_bytes, generated_files


# --- turning generated text into hostile bytes ------------------------------------------------

NOISE = ["\\", "\n", "\r\n", "\r", "\t", "#", "'", '"', "`", "$(", ")", "<<EOF", "EOF", "&", "&&", ";", "|",
         "[", "]", "{", "}", ":", "*", "&a", "<<", "\x00", "\ufeff", " ", "-", "--", "\u2028", "é", "\U0001f680"]


@st.composite
def mangled(draw, texts: st.SearchStrategy[str]) -> str:
    """A generated text with up to three random edits: what a half-written or truncated file looks like."""
    text = draw(texts)
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 12)))
        text = text[:start] + draw(st.sampled_from(NOISE) | st.text(max_size=4)) + text[end:]
    return text


@st.composite
def encoded(draw, texts: st.SearchStrategy[str]) -> bytes:
    """Text as the bytes of a file: UTF-8 (sometimes with a BOM), UTF-16, latin-1, CRLF line ends."""
    text = draw(texts)
    if draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


def files_from(texts: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """Grammar-aware inputs: generated text, mangled, encoded."""
    return encoded(mangled(texts))


# --- shell command lines, used by the Dockerfile, compose and Procfile generators ----------------

PROGRAMS = ["gunicorn", "uvicorn", "python", "nginx", "supervisord", "service", "systemctl", "/etc/init.d/nginx",
            "cron", "crond", "redis-server", "memcached", "celery", "honcho", "sh", "bash", "exec", "tini", "dumb-init",
            "gosu", "su-exec", "env", "nohup", "wait", "true", ":", "sleep", "apache2ctl", "pg_ctl", "php-fpm", "sshd",
            "/docker-entrypoint.sh", "./start.sh", "pm2-runtime", "s6-svscan", "uwsgi", "daphne", "flask"]
ARGS = ["start", "restart", "-D", "--daemon", "-d", "-f", "-c", "-lc", "--", "-g", "daemon off;", "app:app", "worker",
        "beat", "multi", "--bind=0.0.0.0:$PORT", "$PORT", "${PORT:-8000}", "\"$@\"", "*.py", "~", "nginx", "www-data",
        "--daemonize", "--daemonize=yes", "no", "-n", "FOREGROUND", "A=1", "-w", "4", "manage.py", "runserver"]
OPERATORS = [" && ", " || ", "; ", " | ", " & ", "\n", " |& ", " ;; "]


def _quote(word: str, style: str) -> str:
    if style == "single":
        return "'" + word.replace("'", "'\\''") + "'"
    if style == "double":
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if style == "ansi":
        return "$'" + word.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return word


@st.composite
def _simple_command(draw, inner: st.SearchStrategy[str]) -> str:
    words = [draw(st.sampled_from(PROGRAMS))]
    for _ in range(draw(st.integers(0, 4))):
        word = draw(st.sampled_from(ARGS) | st.text(max_size=6))
        words.append(_quote(word, draw(st.sampled_from(["plain", "plain", "single", "double", "ansi"]))))
    if draw(st.integers(0, 4)) == 0:  # `sh -c '<script>'`, the script itself a command line
        words = [draw(st.sampled_from(["sh", "bash", "/bin/sh"])), draw(st.sampled_from(["-c", "-lc", "-ec"])),
                 _quote(draw(inner), draw(st.sampled_from(["single", "double"])))]
    prefix = draw(st.sampled_from(["", "", "A=1 ", "exec ", "tini -- ", "gosu app ", "env -i B=2 "]))
    suffix = draw(st.sampled_from(["", "", " >/dev/null 2>&1", " < in.txt", " <<<\"x\"", " 2>&1 | tee log"]))
    return prefix + " ".join(words) + suffix


def _wrapped(body: str, how: str) -> str:
    return {
        "plain": body, "subshell": f"( {body} )", "group": f"{{ {body}; }}", "if": f"if test -f x; then {body}; fi",
        "while": f"while true; do {body}; done", "for": f"for x in a b; do {body}; done",
        "case": f"case $1 in a) {body};; *) true;; esac", "function": f"f() {{ {body}; }}; f",
        "substitution": f"echo $({body})", "backticks": f"echo `{body}`", "heredoc": f"cat <<EOF\n{body}\nEOF\n{body}",
        "comment": f"{body} # trailing comment", "background": f"{body} &",
    }[how]


def _command_line(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw) -> str:
        parts = [draw(_simple_command(inner))]
        for _ in range(draw(st.integers(0, 3))):
            parts += [draw(st.sampled_from(OPERATORS)), draw(_simple_command(inner))]
        how = draw(st.sampled_from(["plain", "plain", "plain", "subshell", "group", "if", "while", "for", "case",
                                    "function", "substitution", "backticks", "heredoc", "comment", "background"]))
        return _wrapped("".join(parts), how)
    return build()


shell_lines: st.SearchStrategy[str] = st.recursive(
    st.builds(lambda p, a: f"{p} {a}", st.sampled_from(PROGRAMS), st.sampled_from(ARGS)),
    _command_line, max_leaves=6)
"""Shell command lines: simple commands joined by operators, in compound commands, nested `sh -c`."""


def fill(template: str, draw, **choices: st.SearchStrategy[str]) -> str:
    """Replace each `$NAME` in a template with a fresh draw from `choices[NAME]`."""
    return re.sub(r"\$([A-Z]+)\b", lambda m: draw(choices[m[1]]) if m[1] in choices else m[0], template)
