"""Shell command lines as a flat sequence of simple commands, via tree-sitter-bash.

tree-sitter is error-tolerant (a half-broken script still yields its commands) and
gives byte offsets, so every command keeps its exact line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from twelvefactor_lint.devprod import is_dev_flag, is_prod_flag, names_dev_value

_QUOTED = {"string", "raw_string", "ansi_c_string", "translated_string"}
_SKIPPED = {"function_definition", "comment", "heredoc_body", "command_substitution", "process_substitution"}
_CONNECTORS = {"&&", "||", ";", "|", "|&", "&", ";;"}
_SPECIAL = set("*?[]~{}\\$`!#&|;<>()'\"")
"""Characters that make a bare word more than its own text to a shell: globs, expansions, escapes, quotes."""
_BUILTINS = {"exec", "cd", ".", "source", "export", "set", "unset", "eval", "trap", "ulimit", "umask", "wait", "alias",
             "shift", "read", "return", "exit", "readonly", "local", "declare", "typeset", "let", "builtin", "command",
             "hash", "type", "times", "getopts", "jobs", "fg", "bg"}
"""Shell builtins: no program of that name runs without a shell."""


@dataclass(frozen=True)
class SimpleCommand:
    argv: tuple[str, ...]
    """Words with quotes removed; expansions (`$PORT`) are kept as written."""
    background: bool = False
    connector: str = ""
    """The operator joining it to the next command: `&&`, `||`, `;`, `|`, `&` or "" when last."""
    line: int = 0
    """0-based line within the parsed text."""
    redirects: tuple[tuple[str, str], ...] = ()
    """(operator, target) of file redirections, e.g. (">>", "/var/log/app.log"); fd duplications excluded."""
    exec: bool = False
    """Run through `exec` (set once wrappers are unwrapped): it replaces the shell instead of being its child."""
    arm: str = ""
    """The patterns (`server|web`) of the `case "$1" in` arm the command is in: a dispatcher entrypoint
    runs only the arm its first argument selects."""
    condition: str = ""
    """When the script runs it, if an `if` on an environment variable decides (`when [ "$DEBUG" = 1 ]`,
    `unless ...` in the else branch): opt-in configuration, not what every start does."""
    branch: str = ""
    """What the environment must hold for the script to reach it, when `if` tests on environment variables decide
    (`TAUTULLI_DOCKER!=True` in the `else` of `if [[ "$TAUTULLI_DOCKER" == "True" ]]`; nested ones joined by ` && `):
    link evaluates it against what the deploy that starts the script sets."""
    unless_exists: str = ""
    """The path whose absence the script tests before running it: the `then` branch of `if [ ! -d zenodo.egg-info ]`
    (or `if ! [ -e x ]`), what follows `[ ! -d node_modules ] &&` or `[ -d .venv ] ||`. It runs only when the path is
    missing."""
    repeated: bool = False
    """Sent to the background inside a loop's body (`for ...; do worker & done`): one process a turn, as many as the
    loop runs (not a loop sent to the background whole, `while true; do worker; done &`, which runs one at a time)."""

    @property
    def program(self) -> str:
        return self.argv[0].rsplit("/", 1)[-1] if self.argv else ""


_FOUR_BYTE_CHARACTER = re.compile(rb"[\xf0-\xf7][\x80-\xbf]{3}")


class _Parser:
    """tree-sitter-bash reads out of bounds - a SIGSEGV that kills the run - on `{` followed by a
    4-byte UTF-8 character (tree-sitter-bash#337, open). No shell syntax is made of such characters,
    so each one is parsed as U+FFFD and `_`: the same four bytes long, so byte offsets still hold."""

    def __init__(self, parser):
        self._parser = parser

    def parse(self, source: bytes):
        return self._parser.parse(_FOUR_BYTE_CHARACTER.sub("\ufffd_".encode(), source))


@lru_cache(maxsize=1)
def _parser() -> _Parser:
    import tree_sitter
    import tree_sitter_bash

    return _Parser(tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language())))


def parse(script: str) -> list[SimpleCommand]:
    """Simple commands in execution order, with how each one is joined to the next.

    A call to a function the script defines runs that function's commands (a script's `main`
    or `init` function is where the server starts), expanded a few levels deep at most; a call under
    a development switch passes it (its `condition`) to them.
    """
    tree = _parser().parse(script.encode("utf-8", "surrogatepass"))
    functions: dict[str, list[SimpleCommand]] = {}
    for node in _functions(tree.root_node):
        name = next((c for c in node.children if c.type == "word"), None)
        body: list[SimpleCommand] = []
        for child in node.children:
            if child.type not in ("word", "function", "(", ")"):
                _collect(child, body)
        if name is not None:
            functions[_text(name)] = body
    commands: list[SimpleCommand] = []
    _collect(tree.root_node, commands)
    branches = _env_branches(tree.root_node)
    if branches:
        functions = {name: _in_branches(body, branches) for name, body in functions.items()}
        commands = _in_branches(commands, branches)
    return _inline(commands, functions, depth=3)


def assignments(script: str) -> dict[str, str]:
    """The value each variable the script sets is given (`ACCESS_LOG=${ACCESS_LOG:--}`, `export X=...`), as
    written; a variable set to different values in different places is left out (its value depends on the path)."""
    found: dict[str, str | None] = {}
    pending = [_parser().parse(script.encode("utf-8", "surrogatepass")).root_node]
    while pending:
        node = pending.pop()
        if node.type == "variable_assignment" and node.child_count == 3:
            name, value = _text(node.children[0]), _word(node.children[2])
            found[name] = value if found.get(name, value) == value else None
        pending.extend(node.children)
    return {name: value for name, value in found.items() if value is not None}


_REFERENCE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def evaluated(commands: list[SimpleCommand], variables: dict[str, str]) -> list[SimpleCommand]:
    """`eval "$cmd"` (or `eval exec $CMD`) runs the words it is given as a command line: where the variables
    are ones the script sets (`cmd="gunicorn app:app"`), the commands of that line, in the eval's place."""
    result = []
    for command in commands:
        if command.program != "eval" or len(command.argv) < 2:
            result.append(command)
            continue
        text = " ".join(command.argv[1:])
        line = _REFERENCE.sub(lambda m: variables.get(m[1] or m[2], m[0]), text)
        inner = parse(line) if line != text else []
        result += [replace(c, line=command.line, arm=command.arm, condition=command.condition, branch=command.branch,
                           background=c.background or command.background, repeated=c.repeated or command.repeated)
                   for c in inner] or [command]
    return result


def plain_words(script: str) -> tuple[str, ...] | None:
    """The words of a line that is one simple command using no shell feature (no expansion, glob,
    escape, redirect, operator, assignment, comment or builtin), else None: such a line means the
    same as its words run directly, so it can become an exec-form argv."""
    data = script.encode("utf-8", "surrogatepass")
    root = _parser().parse(data).root_node
    if root.has_error or root.child_count != 1 or root.children[0].type != "command":
        return None
    nodes = root.children[0].children
    gaps = zip([root.start_byte, *(n.end_byte for n in nodes)], [*(n.start_byte for n in nodes), len(data)], strict=True)
    if any(data[start:end].strip(b" \t") for start, end in gaps):
        return None
    words = []
    for node in nodes:
        word = node.named_children[0] if node.type == "command_name" and node.child_count == 1 else node
        text = _plain(word)
        if text is None:
            return None
        words.append(text)
    return tuple(words) if words[0] and words[0] not in _BUILTINS else None


def _plain(node) -> str | None:
    """A word's literal text when quoting is all it uses: a bare word without special characters,
    '...', or "..." without `$`, backquotes or backslashes."""
    if node.type in ("word", "number"):
        text = _text(node)
        return None if _SPECIAL & set(text) else text
    if node.type == "raw_string":
        return _text(node)[1:-1]
    if node.type == "string" and all(c.type == "string_content" for c in node.named_children):
        inner = _text(node)[1:-1]
        return None if set("$`\\") & set(inner) else inner
    return None


def _functions(root) -> list:
    found, pending = [], [root]
    while pending:
        node = pending.pop()
        if node.type == "function_definition":
            found.append(node)
        pending.extend(node.children)
    return found


def _inline(commands: list[SimpleCommand], functions: dict[str, list[SimpleCommand]], depth: int) -> list[SimpleCommand]:
    if depth == 0 or not functions:
        return commands
    result = []
    for command in commands:
        body = functions.get(command.argv[0]) if command.argv else None
        if body is None:
            result.append(command)
            continue
        inner = _inline(body, functions, depth - 1)
        for index, nested in enumerate(inner):
            last = index == len(inner) - 1
            result.append(replace(nested, background=nested.background or command.background,
                                  connector=command.connector if last else nested.connector,
                                  # a function called from a `case` arm runs in it; from a loop, once a turn
                                  arm=command.arm or nested.arm, repeated=command.repeated or nested.repeated,
                                  unless_exists=command.unless_exists or nested.unless_exists,
                                  # a function called under a development switch (`if [[ "$MODE" == "DEV" ]]; then
                                  # set_dev_mode`) is development code, as a command there is
                                  condition=nested.condition or _development_condition(command.condition),
                                  branch=_both(command.branch, nested.branch)))
    return result


_ENV_TEST = re.compile(r"""^\[\[?\s*"?\$\{?([A-Z_][A-Z0-9_]*)\}?"?\s*(==?|!=)\s*"""
                       r"""(?:"([^"$`\\]*)"|'([^']*)'|([\w.:/-]+))\s*\]\]?$""")
"""`[ "$APP_DOCKER" = "True" ]`, `[[ $MODE != worker ]]`: a test that an environment variable is (or is not) a word."""


def _env_branches(root) -> dict[int, list[str]]:
    """Line -> what the environment must hold to reach the commands on it (`VAR=value`, `VAR!=value`), from each
    `if`/`elif` chain testing environment variables (upper case, not set by the script itself) against a word: a
    branch's own test holds and every earlier test of its chain failed. A test of another kind adds nothing (what
    is kept is always necessary, never sufficient); a line two branches share is left out."""
    found: dict[int, list[str]] = {}
    pending = [root]
    while pending:
        node = pending.pop()
        pending.extend(node.children)
        if node.type != "if_statement":
            continue
        earlier: list[str] = []  # the negations of the chain's earlier tests
        ranges: list[tuple[set[int], list[str]]] = []
        for clause in [node, *(c for c in node.children if c.type in ("elif_clause", "else_clause"))]:
            then = next((i for i, c in enumerate(clause.children) if c.type == "then"), None)
            if clause.type == "else_clause":
                body, test = clause.children[1:], None
            elif then is None:
                break
            else:
                body = [c for c in clause.children[then + 1:] if c.type not in ("elif_clause", "else_clause", "fi")]
                tests = [t for t in clause.children[1:then] if t.type != ";"]
                test = _env_test(tests[0], root) if len(tests) == 1 else None
            lines = {line for child in body for line in range(child.start_point[0], child.end_point[0] + 1)}
            ranges.append((lines, [*earlier, *([f"{test[0]}{test[1]}{test[2]}"] if test else [])]))
            if test:
                earlier.append(f"{test[0]}{'=' if test[1] == '!=' else '!='}{test[2]}")
        shared = [line for i, (lines, _) in enumerate(ranges) for other, _ in ranges[i + 1:] for line in lines & other]
        for lines, predicate in ranges:
            for line in lines - set(shared) if predicate else ():
                found.setdefault(line, []).extend(p for p in predicate if p not in found.get(line, []))
    return found


def _env_test(node, root) -> tuple[str, str, str] | None:
    """(variable, `=` or `!=`, word) of a test comparing an environment variable with a word; None for any other."""
    match = _ENV_TEST.match(_text(node).strip())
    if match is None or next(_assigned(root, match[1]), None) is not None:  # the script's own variable
        return None
    word = next(w for w in match.group(3, 4, 5) if w is not None)
    return match[1], "!=" if match[2] == "!=" else "=", word


def _in_branches(commands: list[SimpleCommand], branches: dict[int, list[str]]) -> list[SimpleCommand]:
    return [replace(c, branch=_both(c.branch, " && ".join(branches[c.line]))) if c.line in branches else c
            for c in commands]


def _both(outer: str, inner: str) -> str:
    """Two branch conditions together (a function's own inside the branch that calls it)."""
    return " && ".join(dict.fromkeys(p for p in (*outer.split(" && "), *inner.split(" && ")) if p))


def _collect(node, out: list[SimpleCommand]) -> None:
    if node.type in _SKIPPED:
        return
    if node.type == "command":
        argv = tuple(_word(child) for child in node.children
                     if child.type not in ("variable_assignment", "file_redirect", "herestring_redirect"))
        if argv and argv[0].count("{") == argv[0].count("}"):  # `$n}`: the rest of an expansion the grammar misread
            out.append(SimpleCommand(argv, line=node.start_point[0]))
        return
    if node.type == "case_item" and _dispatches(node.parent):
        patterns = []
        for child in node.children:
            if child.type == ")":
                break
            if child.type != "|":
                patterns.append(_word(child))
        _collect_arm(node.children[len(patterns) * 2:], "|".join(patterns), out)
        return
    if node.type == "if_statement" and _dispatch_chain(node, out):
        return
    if node.type == "if_statement" and _path_guard(node, out):  # before a switch: `[ ! -d "$DIR/.git" ]` reads one
        return
    if node.type in ("if_statement", "elif_clause") and _conditional(node, out):
        return
    if node.type == "list" and _guarded_list(node, out):
        return
    if node.type == "redirected_statement":
        before = len(out)
        for child in node.children:
            if child.type != "file_redirect":
                _collect(child, out)
        redirects = tuple(r for r in (_redirect(c) for c in node.children if c.type == "file_redirect") if r)
        if len(out) > before and redirects:
            out[-1] = replace(out[-1], redirects=out[-1].redirects + redirects)
        return
    start = len(out)
    _collect_sequence(node, out)
    if node.type == "do_group":  # a loop's body: what it sends to the background starts once a turn
        for index in range(start, len(out)):
            out[index] = replace(out[index], repeated=out[index].background)


def _collect_sequence(node, out: list[SimpleCommand]) -> None:
    """The node's children in order, each joined to the next by its connector (`&` sends what precedes it to the
    background)."""
    start = len(out)
    for child in node.children:
        if child.type in _CONNECTORS:
            if len(out) > start:
                out[-1] = replace(out[-1], connector=child.type)
            if child.type == "&":
                _mark_background(out, start)
            continue
        before = len(out)
        _collect(child, out)
        if len(out) > before:
            start = before


_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)")
_COMPARED = re.compile(r"!?==?\s*[\"']?([\w.-]+)")


_OFF = frozenset({"0", "false", "no", "n", "off"})
_ON = frozenset({"1", "true", "yes", "y", "on"})


def _development_condition(condition: str) -> str:
    """The condition, if it is a development switch's (`when [[ "${DJANGO_MODE}" == "DEV" ]]`); else "". (Other
    switches a function is called under, `if [[ ! -d "$NODE_MODULES" ]]`, are not passed on: what runs only when an
    install is missing still runs in production.)"""
    return condition if condition and development_switch(condition) else ""


def development_switch(condition: str) -> bool:
    """Whether a command's `condition` tests a development switch: `$IS_LOCAL_DEV`, `${DEBUG}`, `$DEV_MODE`,
    `"$APP_ENV" = "development"`, `"$APP_CONFIG" = "config.DevelopmentConfig"`, a production switch turned off
    (`"$IN_PRODUCTION" = 0`): what runs under it is development code."""
    variables = _VARIABLE.findall(condition)
    compared = _COMPARED.findall(condition)
    if any(is_dev_flag(name) for name in variables) or any(names_dev_value(value) for value in compared):
        return True
    taken = condition.startswith("unless ") == ("!=" in condition)  # the branch runs when the comparison holds
    return any(is_prod_flag(name) for name in variables) and bool({v.lower() for v in compared} & (_OFF if taken else _ON))


def unset_default(condition: str, variables: dict[str, str]) -> str:
    """The variable whose absence makes a `when` condition hold: `[ "$PRODUCTION" = 0 ]` after
    `PRODUCTION=${IN_PRODUCTION:-0}` holds when IN_PRODUCTION is unset (`IN_PRODUCTION`); `""` otherwise."""
    tested = _TESTED.search(condition) if condition.startswith("when ") else None
    fallback = _FALLBACK.match(variables.get(tested[1], "")) if tested else None
    return fallback[1] if tested and fallback and fallback[2].strip("\"'") == tested[3] else ""


_TESTED = re.compile(r"\[\[? \"?\$\{?(\w+)\}?\"? (==?) \"?([\w.-]+)\"? \]")
_FALLBACK = re.compile(r"^\"?\$\{(\w+):?-([^}]*)\}\"?$")
_SELECTS = re.compile(r"!?==?\s*[\"']?[A-Za-z_][\w-]*")
"""A comparison with a word (`"$ROLE" = "worker"`): the test selects what the container is, not an option."""
_TOGGLE = re.compile(r"!?==?\s*[\"']?(true|false|yes|no|y|n|on|off|enabled?|disabled?)[\"']?(\s|$)", re.IGNORECASE)
"""A comparison with a switch's value (`"$DEBUG" = "true"`): an option, as one with a development value is
(`"$ENV" = "development"`)."""


def _conditional(node, out: list[SimpleCommand]) -> bool:
    """Collect an `if`/`elif` whose test reads an environment switch (not a role: `"$ROLE" = worker`),
    marking the opt-in branch with when it runs: the `then` branch of a test that a variable is set or
    has a value (`[ "$DEBUG" = 1 ]`), the `else` branch of a negated one (`[ -z "$X" ]`, `!=`); the
    other branch is what a deploy that sets nothing runs, and stays unmarked. False, collecting
    nothing, for any other `if`."""
    children = node.children
    then = next((i for i, c in enumerate(children) if c.type == "then"), None)
    if then is None:
        return False
    tests = children[1:then]
    text = " ".join(_text(t) for t in tests if t.type != ";")
    if not any(_reads_env(t) for t in tests) or \
            _SELECTS.search(text) and not (_TOGGLE.search(text) or
                                           any(names_dev_value(v) for v in _COMPARED.findall(text))):
        return False
    negated = sum(_negations(t) for t in tests) % 2 == 1  # `[ ! -z "$X" ]` asks that X be set
    for child in tests:
        _collect(child, out)
    before = len(out)
    for child in children[then + 1:]:
        if child.type in ("elif_clause", "else_clause"):
            if not negated:
                _mark_condition(out, before, f"when `{text}`")
            before = len(out)
            _collect(child, out)
            if negated and child.type == "else_clause":
                _mark_condition(out, before, f"unless `{text}`")
            before = len(out)
        else:
            _collect(child, out)
    if not negated:
        _mark_condition(out, before, f"when `{text}`")
    return True


_PATH_TESTS = frozenset({"-d", "-e", "-f"})


def _tested_path(node) -> tuple[str, bool] | None:
    """(path, wanted) of a test that a path exists (`[ -d x ]`, `test -e x`: wanted True) or not (`[ ! -d x ]`,
    `! [ -e x ]`, `test ! -f x`: False); None for any other test, or a path that is an expansion (but for a test
    that a directory a variable names is a git checkout, `[ ! -d "$DIR/.git" ]`)."""
    words: list[str] = []
    negated = False
    if node.type == "negated_command":
        inner = [c for c in node.children if c.type != "!"]
        found = _tested_path(inner[0]) if len(inner) == 1 else None
        return (found[0], not found[1]) if found else None
    if node.type == "test_command":
        text = _text(node).strip()
        if not (text.startswith("[ ") and text.endswith(" ]") or text.startswith("[[ ") and text.endswith(" ]]")):
            return None
        words = text.strip("[] ").split()
    elif node.type == "command" and node.children and _text(node.children[0]) == "test":
        words = [_word(c) for c in node.children[1:]]
    else:
        return None
    if words and words[0] == "!":
        negated, words = True, words[1:]
    if len(words) != 2 or words[0] not in _PATH_TESTS:
        return None
    path = words[1].strip("\"'")
    if not path or set(path) & set("`*?") or "$" in path and not path.rstrip("/").endswith("/.git"):
        return None  # a variable's path only as "not yet a checkout" (`[ ! -d "$MODELS_DIR/.git" ]`)
    return path, not negated


def _path_guard(node, out: list[SimpleCommand]) -> bool:
    """An `if` whose one test asks that a path not exist (`if [ ! -d zenodo.egg-info ]; then pip install -e .; fi`):
    its `then` branch runs only when the path is missing (`unless_exists`). False, collecting nothing, for any other
    `if` (an `else` or `elif` after it is collected as is)."""
    children = node.children
    then = next((i for i, c in enumerate(children) if c.type == "then"), None)
    tests = [t for t in children[1:then] if t.type != ";"] if then is not None else []
    found = _tested_path(tests[0]) if len(tests) == 1 else None
    if then is None or found is None or found[1]:
        return False
    _collect(tests[0], out)
    before = len(out)
    rest = [i for i, c in enumerate(children) if i > then and c.type in ("elif_clause", "else_clause")]
    end = rest[0] if rest else len(children)
    for child in children[then + 1:end]:
        _collect(child, out)
    _mark_unless_exists(out, before, found[0])
    for child in children[end:]:
        _collect(child, out)
    return True


def _guarded_list(node, out: list[SimpleCommand]) -> bool:
    """`[ ! -d node_modules ] && npm install`, `[ -d .venv ] || uv sync`: what follows the test runs only when the path
    is missing. False, collecting nothing, for any other list."""
    children = node.children
    if len(children) < 3 or children[1].type not in ("&&", "||"):
        return False
    found = _tested_path(children[0])
    if found is None or found[1] != (children[1].type == "||"):
        return False
    start = len(out)
    _collect(children[0], out)
    before = len(out)
    if before > start:
        out[-1] = replace(out[-1], connector=children[1].type)
    _collect_sequence(_Children(children[2:]), out)
    _mark_unless_exists(out, before, found[0])
    return True


class _Children:
    """Some of a node's children, as a node `_collect_sequence` walks."""

    def __init__(self, children) -> None:
        self.children = children


def _mark_unless_exists(out: list[SimpleCommand], start: int, path: str) -> None:
    for index in range(start, len(out)):
        out[index] = replace(out[index], unless_exists=out[index].unless_exists or path)


def _negations(node) -> int:
    """How many times a test negates (`-z`, `!=`, `!`): an odd count asks that a variable be unset or differ, and
    its `then` branch is the default."""
    if node.type in ("!=", "!", "-z") or node.type == "test_operator" and _text(node) == "-z":
        return 1
    return sum(_negations(c) for c in node.children)


def _reads_env(node) -> bool:
    """Whether a test reads a variable the environment sets (`$DEBUG`, `${IS_LOCAL_DEV}`; not `$1`, `$#`,
    `${results[0]}`)."""
    if node.type == "variable_name":  # environment variables are upper case; the script's own are not
        return _text(node).isupper()
    return node.type not in ("command_substitution", "process_substitution") and any(_reads_env(c) for c in node.children)


def _mark_condition(out: list[SimpleCommand], start: int, condition: str) -> None:
    for index in range(start, len(out)):
        out[index] = replace(out[index], condition=out[index].condition or condition)


_FIRST_ARGUMENT = re.compile(r"\$(1|\{1(:?[-=][^}]*)?\})")
"""The script's first argument: `$1`, `${1}`, `${1:-web}`."""
_SUBJECT = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
"""A `case` subject that is one variable (`"${SERVICE}"`)."""


def _dispatches(case) -> bool:
    """Whether a `case` statement switches on the script's first argument: `case "$1" in`, or on a variable the script
    sets from it (`SERVICE=$1` ... `case "${SERVICE}" in`)."""
    subject = case.children[1] if case is not None and case.type == "case_statement" and case.child_count > 1 else None
    return subject is not None and _first_argument(_word(subject), case)


def _first_argument(word: str, node) -> bool:
    """Whether `word` is the script's first argument (`$1`, `${1:-web}`), or a variable the script sets from it."""
    if _FIRST_ARGUMENT.fullmatch(word):
        return True
    variable = _SUBJECT.fullmatch(word)
    if variable is None:
        return False
    name = variable[1] or variable[2]
    values = {_own_default(value, name) for value in _assigned(_root(node), name)}
    # `MODE=${MODE:=$1}` then `MODE=${MODE:=registry}`: the environment's value, else the first argument, else a word
    # a start without arguments gets
    firsts = {value for value in values if _FIRST_ARGUMENT.fullmatch(value)}
    return bool(firsts) and all(value in firsts or _WORD.fullmatch(value) for value in values)


_SELF_DEFAULT = re.compile(r"\$\{(\w+):?[-=](.*)\}")
_WORD = re.compile(r"[\w.-]+")


def _own_default(value: str, name: str) -> str:
    """What `NAME=${NAME:=...}` gives when the environment leaves NAME unset: the default (`$1`, a word); any other
    value as written."""
    value = value.strip("\"'")
    match = _SELF_DEFAULT.fullmatch(value)
    return match[2].strip("\"'") if match and match[1] == name else value


_DEFAULT = re.compile(r"\$\{\w+:?-([^}]*)\}")


def _default(word: str, node) -> str:
    """What the subject is when the script gets no argument: `${1:-api}` is `api`; so is `$SERVER` after
    `SERVER=${1:-$DEFAULT}` and `DEFAULT="api"`; "" when not known."""
    match = _DEFAULT.fullmatch(word.strip("\"'"))
    variable = _SUBJECT.fullmatch(word.strip("\"'"))
    root = _root(node)
    if match is None and variable is not None:
        values = set(_assigned(root, variable[1] or variable[2]))
        match = _DEFAULT.fullmatch(values.pop().strip("\"'")) if len(values) == 1 else None
    default = match[1].strip("\"'") if match else ""
    indirect = _SUBJECT.fullmatch(default)
    if indirect is not None:
        values = set(_assigned(root, indirect[1] or indirect[2]))
        default = values.pop().strip("\"'") if len(values) == 1 else ""
    return default


def _root(node):
    while node.parent is not None:
        node = node.parent
    return node


_ARM_TEST = re.compile(r"""^\[\[?\s*"?(\$\{?\w+(?::?[-=][^}]*)?\}?)"?\s*==?\s*["']?([\w.:/-]+)["']?\s*\]\]?$""")
"""`[ "$1" = "web" ]`, `[[ $SERVER == worker ]]`, `[ "$1" = '/venv/bin/uwsgi' ]`: a test that the subject is one word
(a program's path too: the dispatcher compares the argument as written, so `uwsgi` does not select it)."""


def _dispatch_chain(node, out: list[SimpleCommand]) -> bool:
    """An `if`/`elif` chain each of whose tests compares the script's first argument with a word (`if [ "$1" == "web" ]
    ... elif [ "$1" == "web-local" ] ... else exec "$@"`) is a dispatcher, as `case "$1" in` is: each branch is an
    arm named by its word (the `else` branch: `*`). False, collecting nothing, for any other `if`."""
    clauses = [node, *(c for c in node.children if c.type == "elif_clause")]
    words = []
    for clause in clauses:
        then = next((i for i, c in enumerate(clause.children) if c.type == "then"), None)
        if then is None:
            return False
        tests = [t for t in clause.children[1:then] if t.type != ";"]
        match = _ARM_TEST.match(_text(tests[0]).strip()) if len(tests) == 1 else None
        if match is None or not _first_argument(match[1], node):
            return False
        words.append((clause, then, match[2], _default(match[1], node)))
    for clause, then, word, default in words:
        # the word the subject defaults to (`${1:-api}`) is also what a start without arguments selects: `api|""`
        _collect_arm([c for c in clause.children[then + 1:] if c.type not in ("elif_clause", "else_clause", "fi")],
                     f'{word}|""' if word == default else word, out)
    for clause in (c for c in node.children if c.type == "else_clause"):
        _collect_arm(clause.children[1:], "*", out)
    return True


def _collect_arm(body, arm: str, out: list[SimpleCommand]) -> None:
    """Collect the commands of a dispatcher arm's `body`, each marked with `arm` (unless an inner arm marked it)."""
    before = len(out)
    for child in body:
        _collect(child, out)
    for index in range(before, len(out)):
        out[index] = replace(out[index], arm=out[index].arm or arm)


def _assigned(root, name: str):
    """The values the script gives `name` (`NAME=...`, `export NAME=...`), as written."""
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type == "variable_assignment" and node.child_count == 3 and _text(node.children[0]) == name:
            yield _word(node.children[2])
        pending.extend(node.children)


def _mark_background(out: list[SimpleCommand], start: int) -> None:
    for index in range(start, len(out)):
        out[index] = replace(out[index], background=True)


def _redirect(node) -> tuple[str, str] | None:
    """A redirection into a file (`> f`, `>> f`, `2> f`, `&> f`, `>& f`); None for `2>&1` and friends."""
    operators = {">", ">>", "&>", "&>>", ">|", ">&"}
    operator = next((c.type for c in node.children if c.type in operators), None)
    target = next((c for c in node.children if c.type not in operators | {"file_descriptor"}), None)
    if operator is None or target is None:
        return None
    word = _word(target)
    if operator == ">&" and (word.isdigit() or word == "-"):  # `2>&1`, `>&-`: a descriptor, not a file
        return None
    return operator, word


def _word(node) -> str:
    if node.type == "command_name":
        return "".join(_word(c) for c in node.children) or _text(node)
    if node.type in _QUOTED:
        inner = [c for c in node.children if c.type not in ('"', "'", "$'", '$"')]
        if node.type in ("raw_string", "ansi_c_string"):
            text = _text(node)
            return text[2:-1] if text.startswith("$'") else text[1:-1]
        return "".join(_text(c) for c in inner) if inner else _text(node)[1:-1]
    if node.type == "concatenation":
        return "".join(_word(c) for c in node.children)
    return _text(node)


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")
