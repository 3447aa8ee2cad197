"""The Python analyzer: one `ast` parse per file, then the fact extractors.

Scanned code is parsed, never imported or executed. A file the running Python
cannot parse becomes a `parse_error` fact with the reason.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from dataclasses import replace
from typing import Any

from twelvefactor_lint.analyze import NEWER_SYNTAX, PYTHON2_SYNTAX, Unanalyzable, directives, skip_if_template
from twelvefactor_lint.analyze.python import conditions, newer, values
from twelvefactor_lint.analyze.python.api_calls import call_facts
from twelvefactor_lint.analyze.python.background import background_facts
from twelvefactor_lint.analyze.python.config_layers import config_layer_facts
from twelvefactor_lint.analyze.python.config_module import config_module_facts
from twelvefactor_lint.analyze.python.config_values import (
    config_default_facts,
    dev_config_classes,
    selectable_configurations,
    setting_facts,
    test_config_classes,
)
from twelvefactor_lint.analyze.python.context import MODULE, STARTUP, Contexts, module_kind
from twelvefactor_lint.analyze.python.credentials import credential_facts
from twelvefactor_lint.analyze.python.datastores import datastore_facts, might_have_datastore
from twelvefactor_lint.analyze.python.file_settings import ENV_WORDS, file_settings_facts
from twelvefactor_lint.analyze.python.file_writes import file_write_facts
from twelvefactor_lint.analyze.python.handlers import find_handlers, thread_workers
from twelvefactor_lint.analyze.python.imports import import_facts, sys_path_facts
from twelvefactor_lint.analyze.python.index import build as build_index
from twelvefactor_lint.analyze.python.locators import locator_facts, smtp_unused
from twelvefactor_lint.analyze.python.locks import lock_facts
from twelvefactor_lint.analyze.python.log_sinks import log_sink_facts
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.analyze.python.references import (
    django_cache_calls,
    flask_cache_refs,
    import_uses,
    key_uses,
    limit_refs,
    module_refs,
    session_refs,
    start_calls,
)
from twelvefactor_lint.analyze.python.refresh import refresh_facts
from twelvefactor_lint.analyze.python.required_env import required_env_facts
from twelvefactor_lint.analyze.python.setup_script import setup_declaration
from twelvefactor_lint.analyze.python.state import state_facts
from twelvefactor_lint.analyze.python.urlconf import route_facts
from twelvefactor_lint.analyze.python.worker_loops import worker_loops
from twelvefactor_lint.devprod import docstring_says_development, header_says_development
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.discover.sources import split_lines
from twelvefactor_lint.facts import FileAnalysis, parse_error
from twelvefactor_lint.facts.python import ConfigurationClass, EnvFunction, ModuleRefs, PythonFact, PythonSiteFact, Setting

_LOGGING_WORDS = ("logging", "loguru", "Handler", "handlers", "stdout", "stderr", "open(")
_KEY_WORDS = ("session", "flash", "ECRET_KEY", "ecret_key", "signed_cookie")
"""Words a module using what signs with a web app's secret key spells (a cheap pre-check for `key_uses`)."""
_BACKGROUND_WORDS = re.compile(r"\.\s*(?:start\s*\(|submit\b)|add_task|create_task|ensure_future|run_in_executor")
"""What a module starting work on the side spells (a cheap pre-check for `background_facts`): `.start(`, `.submit`,
`add_task`, `create_task`, `ensure_future`, `run_in_executor`."""
_REFRESH_WORDS = re.compile(r"\bglobal\s|\.(?:update|clear)\(")
"""What a module function refreshing module state spells (a cheap pre-check for `refresh_facts`)."""
_PY = f"Python {sys.version_info.major}.{sys.version_info.minor}"


def analyze(path: str, data: bytes, module_kind: str = "") -> FileAnalysis:
    """The file's facts; syntax newer than the running Python is analyzed by a newer interpreter on PATH,
    else the file is skipped (`NeedsNewerPython`), never reported as a parse error. `module_kind`: what a
    start command says the module is (`server_config` for `gunicorn -c FILE`), whatever its name suggests
    (a newer interpreter judges by the name alone)."""
    try:
        return analyze_here(path, data, module_kind)
    except _NewerSyntaxCandidate as candidate:
        if _python2(candidate.error):
            raise Unanalyzable(f"{PYTHON2_SYNTAX} (line {candidate.error.lineno}): 12f-lint reads Python 3 code") from None
        if not newer.is_newer_syntax(data):
            return candidate.analysis
        elsewhere = newer.analyze_elsewhere(path, data)
        if isinstance(elsewhere, FileAnalysis):
            return elsewhere
        also = f"; {' and '.join(elsewhere)} on PATH could not parse it either" if elsewhere else ""
        raise newer.NeedsNewerPython(f"{NEWER_SYNTAX} (line {candidate.error.lineno}): "
                                     f"run 12f-lint on a newer Python to analyze it{also}") from None


_PYTHON2_MESSAGES = ("Missing parentheses in call to 'print'", "Missing parentheses in call to 'exec'",
                     "parameters cannot be parenthesized", "leading zeros in decimal integer literals")
"""What Python 3 says of a print or exec statement, a tuple parameter (`lambda (k, v): v`) or an octal `0777`."""
_PYTHON2_LINE = re.compile(r"`[^`]+`|<>|\b\d+L\b|\b[uU][rR]['\"]|^\s*raise\s+[\w.]+\s*,\s*\S")
"""Python 2 only, on a line Python 3 calls invalid: a backtick repr, `<>`, a long literal, `ur''`, `raise E, "m"`."""


def _python2(error: SyntaxError) -> bool:
    """Whether the syntax error is Python 2 code: valid where it runs (an image on Python 2.7), so not a broken file."""
    if any(message in (error.msg or "") for message in _PYTHON2_MESSAGES):
        return True
    return error.msg in ("invalid syntax", "invalid decimal literal") and bool(_PYTHON2_LINE.search(error.text or ""))


class _NewerSyntaxCandidate(Exception):
    def __init__(self, error: SyntaxError, analysis: FileAnalysis):
        self.error, self.analysis = error, analysis


def analyze_here(path: str, data: bytes, module_kind: str = "") -> FileAnalysis:
    """The file's facts as the running Python parses it (a newer interpreter runs this for `analyze`)."""
    text = _decode(data)
    try:
        tree = ast.parse(data, filename=path)
    except SyntaxError as error:
        skip_if_template(text)
        reason = f"{type(error).__name__}: {error.msg} (as parsed by {_PY})"
        fact = parse_error(path, reason, error.lineno or 1, error.offset or 1)
        analysis = FileAnalysis((fact,), directives.scan_hash_comments(split_lines(text), trailing=True))
        if not isinstance(error, IndentationError):  # TabError is one too: no grammar makes those valid
            raise _NewerSyntaxCandidate(error, analysis) from None
        return analysis
    except (ValueError, RecursionError, MemoryError) as error:
        fact = parse_error(path, f"cannot parse: {type(error).__name__}: {error}")
        return FileAnalysis((fact,), ())
    index = build_index(tree)
    names = Names(tree, index.imports)
    values.rule_out_env_helpers(text, names)
    handlers = find_handlers(index, names, path)
    contexts = Contexts(tree, index, names, handlers, path, module_kind)
    workers = thread_workers(index, names, handlers) if contexts.web_app else []  # a web process's own threads
    workers += worker_loops(tree, names, handlers + workers)  # consumer loops a start command runs
    facts: list[PythonFact] = state_facts(tree, names, handlers + workers, path, index, text)
    settings = setting_facts(tree, index, names, contexts, path)
    facts += settings
    facts += locator_facts(settings, index, names, contexts, path, tree)
    facts += call_facts(tree, index, names, contexts, path)
    if _BACKGROUND_WORDS.search(text):
        facts += background_facts(index, names, contexts, path)
    if _REFRESH_WORDS.search(text):
        facts += refresh_facts(names, path)
    facts += file_write_facts(index, names, contexts, path)
    facts += credential_facts(index, names, contexts, path, text, smtp_unused(settings))
    if not any(word in text for word in ENV_WORDS):  # only a module reading no variable keeps its config in a file
        facts += file_settings_facts(tree, names, path)
    if contexts.module_kind == "settings":
        facts += config_module_facts(tree, names, path)
    if contexts.module_kind == "settings" and any(word in text for word in ("environ", "getenv", "raise", "exit")):
        # a check of the environment, or of a setting's value a base module read from it
        facts += required_env_facts(tree, names, contexts, path)
    if "environ" in text or "getenv" in text:
        facts += config_default_facts(index, names, contexts, path)
    if "from_pyfile" in text or "from_object" in text or "init_app" in text:  # a cheap pre-check: config layers only
        facts += config_layer_facts(index, names, contexts, path)
    facts += route_facts(index, names, path)
    facts += lock_facts(index, names, contexts, path)
    if might_have_datastore(text):
        facts += datastore_facts(names, contexts, path)
    facts += import_facts(tree, index, path)
    facts += sys_path_facts(index.calls, path, index.ifs)
    flask_caches, cache_uses = flask_cache_refs(tree, names, text) if "ache" in text else ((), ())
    session_uses, session_stores = session_refs(index, names, text) if "ession" in text else ((), ())
    django_cache = django_cache_calls(tree, names) if "django.core.cache" in text else ()
    limit_uses = limit_refs(index, names) if "imit" in text else ()
    signing = key_uses(tree, names, text) if any(word in text for word in _KEY_WORDS) else ()
    facts.append(replace(module_refs(index, path), start_calls=start_calls(  # in start-up code itself, not in
        index, names, path, lambda site: (site.function is None or id(site.function) in contexts.scopes)  # its closures
        and _at_start(contexts.of(site).context, contexts, site.statement_line)), flask_caches=flask_caches,
        cache_uses=cache_uses, django_cache_calls=django_cache,
        session_uses=session_uses, session_stores=session_stores, limit_uses=limit_uses,
        key_uses=signing, uses=import_uses(index, names, path)))
    if any(word in text for word in _LOGGING_WORDS):  # a cheap pre-check spares most files the log-sink pass
        facts += log_sink_facts(tree, index, names, path)
    found = conditions.branches(tree, index.ifs, names) + conditions.test_classes(names) + conditions.test_helpers(names) + [
        conditions.Branch(cls.lineno, cls.end_lineno or cls.lineno, "", False, True) for cls in dev_config_classes(names)] + [
        conditions.Branch(cls.lineno, cls.end_lineno or cls.lineno, "", True) for cls in test_config_classes(names)]
    if conditions.builds_test_fixtures(names):
        found.append(conditions.Branch(1, len(text.splitlines()) + 1, "", True))
    elif contexts.module_kind == "settings" and _declared_development(tree, text):
        found.append(conditions.Branch(1, len(text.splitlines()) + 1, "", False, True))
    # only a setting takes a runtime test (`_placed`): most modules set none, and unparsing every `if` is not free
    runtime = conditions.runtime_branches(index.ifs, found) if any(isinstance(f, Setting) for f in facts) else []
    calls = conditions.tested_calls(index.ifs, names, found) if index.ifs else []
    if "Configuration" in text:
        facts += [ConfigurationClass(path, cls.lineno, cls.col_offset + 1, anchor=f"configuration_class:{cls.name}",
                                     module=dotted_module(path), name=cls.name)
                  for cls in selectable_configurations(names)]
    if any(word in text for word in values.ENV_READ_WORDS):
        facts += [EnvFunction(path, func.lineno, func.col_offset + 1, anchor=f"env_function:{func.name}",
                              module=dotted_module(path), name=func.name, env_key=key)
                  for func, key in conditions.env_functions(names)]
    facts = [_placed(f, contexts, found, runtime, calls) for f in facts]
    declared = setup_declaration(tree, path) if path.rsplit("/", 1)[-1] == "setup.py" else None
    return FileAnalysis((*facts, *([declared] if declared else [])), _directives(data, text))


def analyze_refs(path: str, data: bytes) -> FileAnalysis:
    """Only the file's `ModuleRefs` (what link.reach follows), with the module kind `analyze` gives it: a
    focused run reads the production modules around the named files this way. Only the parse, the index and
    (for a module that may be settings or a server config) the handlers are needed; a file this Python cannot
    parse takes the full analysis, which decides."""
    try:
        tree = ast.parse(data, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        analysis = analyze(path, data)
        return FileAnalysis(tuple(f for f in analysis.facts if isinstance(f, ModuleRefs)))
    index = build_index(tree)
    names = Names(tree, index.imports)
    kind = module_kind(tree, index, names, False, path)
    if kind != "app" and find_handlers(index, names, path):  # handlers make any module an app
        kind = "app"
    return FileAnalysis((replace(module_refs(index, path), module_kind=kind),))


def _placed(fact: PythonFact, contexts: Contexts, found: list[conditions.Branch],
            runtime: list[conditions.Branch], calls: list[conditions.Branch]) -> PythonFact:
    """Module-wide attributes, `at_start` (the code runs whenever a web process starts: start-up code, or
    import-time code of a module that serves requests, outside a main guard) and the env-driven branch the
    code is in (`condition`, `ci_only`; `dev_only` when a development flag selects it), if any; a setting
    under no such branch but under another `if` has that test (`runtime_test`); code under no such branch but under
    an `if` calling an imported function has that call (`tested_call`, for link)."""
    in_main = fact.line in contexts.main_lines
    at_start = _at_start(fact.context if isinstance(fact, PythonSiteFact) else None, contexts, fact.line)
    branch = conditions.innermost(found, fact.line)
    changes: dict[str, Any] = {"module_kind": contexts.module_kind, "in_main_block": in_main, "at_start": at_start}
    if branch is None:
        call = conditions.innermost(calls, fact.line) if calls else None
        if call is not None:
            changes["tested_call"] = call.condition
        test = conditions.innermost(runtime, fact.line) if isinstance(fact, Setting) else None
        if test:
            changes["runtime_test"] = test.condition
    elif branch.ci_only:
        changes["ci_only"] = True
    elif branch.condition != f"when {getattr(fact, 'env_key', '')} is not set":
        # not `if not SECRET_KEY: SECRET_KEY = token()`, the fallback of the read itself: what an unset variable runs
        changes |= {"condition": branch.condition, "dev_only": fact.dev_only or branch.dev_only}
    return replace(fact, **changes)


def _declared_development(tree: ast.Module, text: str) -> bool:
    """A settings module whose docstring or opening comment block declares it development settings (a docstring
    `Settings for local development`, `# For development only`): what it sets no deploy runs, whatever its name."""
    return docstring_says_development(ast.get_docstring(tree)) or header_says_development(text.splitlines()[:40])


def _at_start(context: str | None, contexts: Contexts, line: int) -> bool:
    """Code in `context` at `line` runs whenever a web process starts: start-up code, or import-time code of a
    module that serves requests, outside a main guard."""
    return context == STARTUP or (context == MODULE and contexts.web_app and line not in contexts.main_lines)


def _decode(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        return data.decode("utf-8", errors="replace")


def _directives(data: bytes, text: str) -> tuple:
    """Directives from real comments (tokenize), so `#` inside strings is never misread; tokenized only when
    the file has a marker that can make one."""
    if not directives.may_hold_directive(data):
        return ()
    comments: list[tuple[int, str, bool]] = []
    code_lines: set[int] = set()
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
