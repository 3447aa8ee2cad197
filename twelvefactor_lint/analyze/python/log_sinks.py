"""Log output routed to files by the application (TF1101's facts).

Covers the stdlib file handlers (aliases resolved), `logging.basicConfig(filename=)`,
dictConfig-shaped dicts (Django `LOGGING`, `dictConfig({...})`), loguru file sinks
`sys.stdout`/`sys.stderr` redirected into a file, and a log-named file opened for append
(`open("access.log", "a")`: logs written without `logging`). Targets that are the standard
streams (`/dev/stdout`, `/proc/self/fd/1`, ...) or `os.devnull` are not files and are ignored.

The file handlers one setup adds in code (one function, or the module body: `activity.log` and `error.log` of one
logger; rotating ones apart from the others) are one decision: the first speaks for the others (`others`, `places`).
A file opened for append at a path made from a task's or job's id (`open(get_task_log_path(task_id), "a")`) is that
run's output, kept for the users who read it back, not the process's event stream: not a sink. Neither is a file
opened for append whose handle nothing writes to (created or touched: `with open(path, "a"): os.utime(path)`), nor
one the module itself loads as a table of values (`numpy.genfromtxt(LOGFILE, delimiter=",")`: data samples).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import replace

from twelvefactor_lint.analyze.python.conditions import list_read
from twelvefactor_lint.analyze.python.index import Function, Index, Site, walk
from twelvefactor_lint.analyze.python.names import Names, module_statements
from twelvefactor_lint.analyze.python.values import env_read
from twelvefactor_lint.facts.python import LogFileSink

_FILE_HANDLERS = {
    "logging.FileHandler", "logging.handlers.RotatingFileHandler", "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler", "concurrent_log_handler.ConcurrentRotatingFileHandler",
    "concurrent_log_handler.ConcurrentTimedRotatingFileHandler", "cloghandler.ConcurrentRotatingFileHandler",
}
_STREAM_TARGET = re.compile(r"^/dev/(stdout|stderr|null)$|^/proc/(self|1)/fd/[12]$")
_DICTCONFIG = {"logging.config.dictConfig"}
_OPENERS = {"open", "io.open", "codecs.open"}
_LOG_NAME = re.compile(r"(^|[^a-z0-9])logs?(_?files?|_?paths?|_?names?)?([^a-z0-9]|$)", re.IGNORECASE)
"""A path whose text says log (`app.log`, `logs/x`, `LOG_FILE`, `config["api_access_log"]`), not `login` or `catalog`."""
_DATA_FILE = re.compile(r"\.(jsonl?|csv|tsv|ya?ml|db|sqlite3?|pickle|pkl)\b", re.IGNORECASE)
"""A structured data file (`chat_log.jsonl`): the app's records, not its event stream."""


def _short(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]


def _target(node: ast.expr | None) -> str:
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_stream(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_STREAM_TARGET.match(node.value))
    return isinstance(node, ast.Attribute) and node.attr == "devnull"


def _argument(call: ast.Call, position: int | None, keyword: str) -> ast.expr | None:
    """The argument passed by keyword, or at `position` (None: keyword-only)."""
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    if position is None or len(call.args) <= position:
        return None
    return call.args[position]


def _fact(node: ast.expr | ast.stmt, path: str, api: str, target: str, statement_line: int, rotation: str = "",
          config: str = "") -> LogFileSink:
    return LogFileSink(path, node.lineno, node.col_offset + 1, node.end_lineno, (node.end_col_offset or 0) + 1,
                       api=api, target=target or "a file", statement_line=statement_line, rotation=rotation,
                       config=config, anchor=f"{api}:{target}")


def _rotation(handler_class: str, options: set[str]) -> str:
    """How the app rotates or retains the file itself (TF1102), "" when it does not."""
    if "Timed" in handler_class:
        return f"{_short(handler_class)} rotates by time"
    if "Rotating" in handler_class:
        return f"{_short(handler_class)} rotates by size" if options & {"maxBytes", "backupCount"} else ""
    managed = sorted(options & {"rotation", "retention", "compression"})
    return f"loguru {'/'.join(managed)}=" if managed else ""


def _dict_get(node: ast.Dict, key: str) -> ast.expr | None:
    for k, v in zip(node.keys, node.values, strict=True):
        if isinstance(k, ast.Constant) and k.value == key:
            return v
    return None


def _dictconfig_sinks(config: ast.Dict, path: str, owner: str, statement_line: int,
                      names: Names) -> list[LogFileSink]:
    """`owner`: the config as messages name it (`LOGGING`, `dictConfig({...})`). The file handlers of one config are
    one decision: three or more are folded into one finding when findings are rolled up (judge.rollup); two are
    folded here, into the first (`others`, `places`), when a logger lists both (`"handlers": ["file", "error_file"]`
    on the root logger: a debug log and its ERROR-level twin) under the same condition. Two file handlers of
    different loggers stay apart."""
    found = list(_dictconfig_handlers(config, path, owner, statement_line, names))
    facts = [fact for _, fact in found]
    if len(found) != 2:
        return facts
    (name, first), (other_name, other) = found
    if (first.condition, first.switch) != (other.condition, other.switch) \
            or not _listed_together(config, name, other_name):
        return facts
    return [replace(first, others=f"1 more in this config: line {other.line}",
                    places=((other.path, other.line, other.column),))]


def _listed_together(config: ast.Dict, first: str, other: str) -> bool:
    """One of the config's loggers (or its root logger) lists both handlers, literally."""
    loggers = _dict_get(config, "loggers")
    for holder in [*(loggers.values if isinstance(loggers, ast.Dict) else []), _dict_get(config, "root")]:
        listed = _dict_get(holder, "handlers") if isinstance(holder, ast.Dict) else None
        if isinstance(listed, (ast.List, ast.Tuple)) and {first, other} <= {
                e.value for e in listed.elts if isinstance(e, ast.Constant)}:
            return True
    return False


def _dictconfig_handlers(config: ast.Dict, path: str, owner: str, statement_line: int,
                         names: Names) -> Iterator[tuple[str, LogFileSink]]:
    """(handler name, fact) for each file handler of the config."""
    handlers = _dict_get(config, "handlers")
    if not isinstance(handlers, ast.Dict):
        return
    used = _used_handlers(config, names)
    for name_node, handler in zip(handlers.keys, handlers.values, strict=True):
        name = name_node.value if isinstance(name_node, ast.Constant) else "?"
        for fact in _sinks_of(name, handler, path, owner, statement_line, names, used):
            yield str(name), fact


def _sinks_of(name: object, handler: ast.expr, path: str, owner: str, statement_line: int, names: Names,
              used: tuple[set[str], str, dict[str, _Arm], tuple[str, ...]] | None) -> Iterator[LogFileSink]:
    """The handler's file sink, under the condition that picks it when no logger lists it unconditionally."""
    for fact in _handler_sink(name, handler, path, owner, statement_line, names):
        if used is None or name in used[0]:
            yield fact
        elif name in used[2]:
            yield _switched(fact, used[2][name], names)
        elif used[1]:
            yield replace(fact, condition=f"when {used[1]} names `{name!s}`",
                          listed_by=(*used[3], str(name)) if used[3] else ())
        else:
            yield replace(fact, condition=f"when a logger is given handler `{name!s}` (none in this config is)")


_Arm = tuple[ast.expr | None, bool, list[str]]
"""(the test of the conditional expression choosing them, or None: always; the arm, True for the first; handler
names)."""


def _arms(node: ast.expr | None, names: Names, depth: int = 0) -> list[_Arm] | None:
    """The handler names a dictConfig list holds, with the conditional expression choosing each (`["project"] if not
    LOG_STDOUT else ["console"]`, `[_default_handler]` with `_default_handler = "json_file" if not LOG_STDOUT else
    "console"`); None when it holds anything else."""
    if node is None:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(None, True, [node.value])]
    if isinstance(node, (ast.List, ast.Tuple)):
        found: list[_Arm] = []
        for item in node.elts:
            arms = _arms(item, names, depth)
            if arms is None:
                return None
            found += arms
        return found
    if isinstance(node, ast.Name) and depth < 3 and isinstance(names.values.get(node.id), (ast.IfExp, ast.Constant)):
        return _arms(names.values[node.id], names, depth + 1)
    if isinstance(node, ast.IfExp):
        body, orelse = _arms(node.body, names, depth), _arms(node.orelse, names, depth)
        if body is None or orelse is None or any(arm[0] is not None for arm in [*body, *orelse]):
            return None
        return [(node.test, True, [n for arm in body for n in arm[2]]),
                (node.test, False, [n for arm in orelse for n in arm[2]])]
    return None


def _used_handlers(config: ast.Dict, names: Names) -> tuple[set[str], str, dict[str, _Arm], tuple[str, ...]] | None:
    """The handler names a dictConfig's own `loggers`, `root` and other handlers list literally, a handler list
    it reads from configuration (`app.config["LOG_HANDLERS"]`, `settings.LOG_HANDLERS`: the deploy picks which
    handlers log), else `""`, the handlers listed only in an arm of a conditional expression (the arm naming
    them), and the environment variables a handler list is read from; None when the lists are not all one or the
    other (or there are none: the config may be one of several merged)."""
    sections = [_dict_get(config, "loggers"), _dict_get(config, "root")]
    if all(section is None for section in sections):
        return None
    holders: list[ast.expr] = [s for s in sections[1:] if s is not None]
    for section in (sections[0], _dict_get(config, "handlers")):
        if section is not None:
            if not isinstance(section, ast.Dict) or None in section.keys:
                return None
            holders += section.values
    used: set[str] = set()
    switched: dict[str, _Arm] = {}
    configured = ""
    variables: set[str] = set()
    for holder in holders:
        if not isinstance(holder, ast.Dict) or None in holder.keys:
            return None
        for key in ("handlers", "target"):
            listed = _dict_get(holder, key)
            if isinstance(listed, (ast.Subscript, ast.Attribute, ast.Call)):
                configured = configured or f"the configured handler list `{_target(listed)}`"
                continue
            from_env = _env_listed(listed, names) if isinstance(listed, ast.Name) else None
            if from_env is not None and from_env[0]:
                configured = configured or " or ".join(sorted(from_env[0]))
                variables |= from_env[0]
                used |= from_env[1]
                continue
            arms = _arms(listed, names)
            if arms is None:
                return None
            for test, taken, listed_names in arms:
                if test is None:
                    used |= set(listed_names)
                else:
                    switched.update({n: (test, taken, listed_names) for n in listed_names})
    return used, configured, {n: arm for n, arm in switched.items() if n not in used}, tuple(sorted(variables))


def _env_listed(node: ast.expr, names: Names, depth: int = 0) -> tuple[set[str], set[str]] | None:
    """(the variables, the handler names listed unless a deploy sets them) of a handler list read from the
    environment: `LOGGING_HANDLERS = os.getenv("DJANGO_LOG_HANDLERS", "console").split(",")` -> ({DJANGO_LOG_HANDLERS},
    {console}), through every module-level binding of a name (`LOGGING_HANDLERS += ["watchtower"]`, `DEBUG_HANDLERS =
    [h for h in LOGGING_HANDLERS if h != "ecs"]`, `DEBUG_HANDLERS = ["console"]`); None when any part is something
    else."""
    if depth > 4:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return set(), {node.value}
    if isinstance(node, (ast.List, ast.Tuple)) or isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node.left, node.right]
        variables: set[str] = set()
        listed: set[str] = set()
        for part in parts:
            found = _env_listed(part, names, depth)
            if found is None:
                return None
            variables |= found[0]
            listed |= found[1]
        return variables, listed
    if isinstance(node, ast.Name):
        bindings = names.bindings.get(node.id, [])
        return _env_listed(ast.List(elts=list(bindings)), names, depth + 1) if bindings else None
    if isinstance(node, ast.ListComp) and len(node.generators) == 1 and isinstance(node.elt, ast.Name) \
            and isinstance(node.generators[0].target, ast.Name) and node.elt.id == node.generators[0].target.id:
        return _env_listed(node.generators[0].iter, names, depth)  # a filter lists no more than it is given
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("split", "strip") \
            and (read := list_read(node.func.value, names)) is not None:
        fallback = read[1]
        if fallback is None:
            return {read[0]}, set()
        if isinstance(fallback, ast.Constant) and isinstance(fallback.value, str):
            return {read[0]}, {n for n in re.split(r"[\s,;:]+", fallback.value) if n}
        return None
    return None


_OFF_VALUES = {"", "0", "false", "no", "off", "n", "f"}


def _switched(fact: LogFileSink, arm: _Arm, names: Names) -> LogFileSink:
    """A file handler a logger uses only in one arm of a conditional expression testing an environment switch
    (`"json_file" if not LOG_STDOUT else "console"`, `LOG_STDOUT = config("LOG_STDOUT", default=False)`): the
    deploy picks the handler. When the switch's own fallback picks the other arm, the file is opt-in ("when
    LOG_STDOUT is not set"); otherwise link looks for the settings a deploy runs setting the switch
    (`os.environ.setdefault("LOG_STDOUT", "yes")`), and without one the file is what runs (`switch`)."""
    test, taken, _ = arm
    if test is None:
        return fact
    positive = True
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, positive = test.operand, not positive
    read = env_read(names.values[test.id], names) if isinstance(test, ast.Name) \
        and test.id in names.values else env_read(test, names)
    if read is None:
        return fact
    variable, fallback = read
    file_when_set = positive == taken
    if fallback is None:
        set_by_default: bool | None = False
    elif isinstance(fallback, ast.Constant) and (fallback.value is None or isinstance(fallback.value, (bool, int, str))):
        set_by_default = fallback.value is not None and str(fallback.value).strip().lower() not in _OFF_VALUES
    else:
        set_by_default = None
    when = f"when {variable} is {'set' if file_when_set else 'not set'}"
    if set_by_default is not None and set_by_default != file_when_set:
        return replace(fact, condition=when)
    return replace(fact, switch=f"{'' if file_when_set else '!'}{variable}")


def _handler_sink(name: object, handler: ast.expr, path: str, owner: str, statement_line: int,
                  names: Names) -> Iterator[LogFileSink]:
    """A dictConfig handler entry of the config `owner` that writes to a file: a file handler class, or a `filename`."""
    if not isinstance(handler, ast.Dict):
        return
    cls = _dict_get(handler, "class")
    filename = _dict_get(handler, "filename")
    cls_name = cls.value if isinstance(cls, ast.Constant) and isinstance(cls.value, str) else ""
    file_class = cls_name in _FILE_HANDLERS or cls_name.endswith("FileHandler")
    if _is_stream(filename) or not (file_class or (filename is not None and "Stream" not in cls_name)):
        return
    where = cls if file_class and cls is not None else filename
    if where is None:
        return
    api = f"logging config `{owner}` handler `{name}` ({_short(cls_name) or 'filename'})"
    options = {k.value for k in handler.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    yield _opt_in(_fact(where, path, api, _target(filename), statement_line, _rotation(cls_name, options), owner),
                  filename, names)


_DISCARDED = re.compile(r"^(?:/dev/null|nul)?$", re.IGNORECASE)


def _opt_in(fact: LogFileSink, filename: ast.expr | None, names: Names) -> LogFileSink:
    """A file named by a variable whose fallback is a stream or nothing (`os.environ.get("LOG_FILE", "/dev/null")`,
    `os.getenv("LOG_FILE", "")`): unset, nothing is kept in a file; a deploy opts in by setting it."""
    read = env_read(filename, names) if filename is not None else None
    if read is None or read[1] is None:
        return fact
    fallback = read[1]
    discarded = isinstance(fallback, ast.Constant) and (fallback.value is None or isinstance(fallback.value, str)
                                                         and _DISCARDED.match(fallback.value))
    return replace(fact, condition=f"when {read[0]} is set") if discarded or _is_stream(fallback) else fact


def _added_handler(target: ast.expr) -> str | None:
    """The handler name in `LOGGING["handlers"]["file"] = {...}`, else None."""
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Subscript):
        outer = target.value.slice
        if isinstance(outer, ast.Constant) and outer.value == "handlers":
            key = target.slice
            return str(key.value) if isinstance(key, ast.Constant) else "?"
    return None


def _looks_like_path(node: ast.expr, names: Names) -> bool:
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return isinstance(node, ast.JoinedStr) or isinstance(node.value, str)
    if isinstance(node, ast.Call):
        return (names.qualify(node.func) or "") in {"pathlib.Path", "os.path.join", "pathlib.PurePath"}
    return False


def log_sink_facts(tree: ast.Module, index: Index, names: Names, path: str) -> list[LogFileSink]:
    facts: list[LogFileSink] = []
    seen_dicts: set[int] = set()
    for statement in module_statements(tree):
        for target, value in _assignments(statement):
            if isinstance(value, ast.Dict) and isinstance(_dict_get(value, "handlers"), ast.Dict):
                seen_dicts.add(id(value))
                facts += _dictconfig_sinks(value, path, _target(target), statement.lineno, names)
            elif _added_handler(target) is not None:
                owner = _target(target.value.value) if isinstance(target, ast.Subscript) \
                    and isinstance(target.value, ast.Subscript) else "?"
                facts += _handler_sink(_added_handler(target), value, path, owner, statement.lineno, names)
    redirected: set[int] = set()
    for assignment in index.assignments:
        statement = assignment.node
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call) \
                and names.qualify(statement.value.func) in _OPENERS:
            for target in statement.targets:
                if names.qualify(target) in {"sys.stdout", "sys.stderr"}:
                    redirected.add(id(statement.value))
                    file = _argument(statement.value, 0, "file")
                    if not _is_stream(file):  # `open(os.devnull, "w")` discards the output: no file keeps it
                        facts.append(_fact(statement, path, f"{names.qualify(target)} redirected", _target(file),
                                           statement.lineno))
    touched = _unwritten(tree, index, names)
    tables = [site.node.args[0] for site in index.calls if site.node.args
              and names.qualify(site.node.func) in _TABLE_LOADERS]
    if _registers_pytest_fixtures(index, names):
        return []  # a pytest plugin or fixture module: test tooling, whatever its path says
    readers: list[tuple[Site[ast.Call], str]] | None = None
    sinks = []
    for site in index.calls:
        if id(site.node) in redirected or id(site.node) in touched:
            continue
        for fact in _call_sinks(site.node, names, path, site.statement_line, seen_dicts):
            if fact.api.startswith("`open("):
                if _per_run(site) or _loaded_as_table(site, tables) or _model_file(site):
                    continue
                readers = _parsed_readers(index, names) if readers is None else readers
                if _read_back(site, readers, names):
                    continue
            sinks.append((site, fact))
    guards = _guards(tree) if sinks else []
    return facts + _one_per_setup([(site, _guarded(fact, site, guards, index)) for site, fact in sinks])


def _unwritten(tree: ast.Module, index: Index, names: Names) -> set[int]:
    """id() of the `open()` calls whose handle nothing writes to: `open(path, "a").close()`, `with open(path, "a"):`
    (no name bound, or one the body never uses: `os.utime(path)` inside, to check the file can be written) and
    `handle = open(path, "a")` whose only use is `handle.close()`. Opened for append only to create or touch the file
    (for a handler to write later, or to test it is writable), it writes nothing: not a log kept by hand."""
    found = {id(site.node.func.value) for site in index.calls if isinstance(site.node.func, ast.Attribute)
             and site.node.func.attr == "close" and isinstance(site.node.func.value, ast.Call)}
    for site in index.withs:
        for item in site.node.items:
            if isinstance(item.context_expr, ast.Call) and names.qualify(item.context_expr.func) in _OPENERS and (
                    item.optional_vars is None or isinstance(item.optional_vars, ast.Name)
                    and _only_closed(item.optional_vars.id, site.node.body, names=names)):
                found.add(id(item.context_expr))
    for assignment in index.assignments:
        statement = assignment.node
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call) \
                and names.qualify(statement.value.func) in _OPENERS \
                and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            scope: list[ast.stmt] = list(assignment.function.body) if assignment.function is not None else tree.body
            if _only_closed(statement.targets[0].id, scope, assigned=1, names=names):
                found.add(id(statement.value))
    return found


_ATTACHERS = {"django.core.files.File", "django.core.files.base.File"}
"""Wrappers that attach an open file to a model's file field (`record.log_file = File(handle, name=...)`): the
storage copies what the file holds; nothing is written to it."""


def _only_closed(name: str, body: list[ast.stmt], assigned: int = 0, names: Names | None = None) -> bool:
    """`name` is used in `body` only to close it (`name.close()`), to read its `.name`, or to attach it to a model's
    file field (`File(name, ...)`, `_ATTACHERS`), or not at all; `assigned` is how many times the body may bind it
    (the assignment of the handle itself)."""
    loads = harmless = stores = 0
    for statement in body:
        for node in walk(statement):
            if isinstance(node, ast.Name) and node.id == name:
                if isinstance(node.ctx, ast.Store):
                    stores += 1
                else:
                    loads += 1
            elif isinstance(node, ast.Attribute) and node.attr in {"close", "name"} and isinstance(node.value, ast.Name) \
                    and node.value.id == name:
                harmless += 1
            elif isinstance(node, ast.Call) and names is not None and names.qualify(node.func) in _ATTACHERS:
                harmless += sum(isinstance(a, ast.Name) and a.id == name for a in node.args[:1])
    return stores <= assigned and loads == harmless


_TABLE_LOADERS = {"numpy.genfromtxt", "numpy.loadtxt", "pandas.read_csv", "pandas.read_table", "pandas.read_fwf"}
"""Loaders that read a file as a table of values (`numpy.genfromtxt(path, delimiter=",")`)."""


def _loaded_as_table(site: Site[ast.Call], tables: list[ast.expr]) -> bool:
    """The file appended to is one the module itself loads as a table of values (`numpy.genfromtxt(LOGFILE,
    delimiter=",")` to plot the samples a profiling script appends): its lines are data records, like a `.csv`
    file's, not an event stream."""
    target = _argument(site.node, 0, "file")
    if not isinstance(target, (ast.Name, ast.Attribute)):
        return False
    text = ast.unparse(target)
    return any(isinstance(n, (ast.Name, ast.Attribute)) and ast.unparse(n) == text
               for table in tables for n in walk(table))


_PARSERS = {"eval", "ast.literal_eval", "json.load", "json.loads", "pickle.load", "pickle.loads", "csv.reader",
            "csv.DictReader", "yaml.load", "yaml.safe_load", "marshal.load"}
"""Calls that turn what a file holds into values (`eval(f.readline())`, `json.loads(line)`, `csv.reader(f)`)."""


def _parsed_readers(index: Index, names: Names) -> list[tuple[Site[ast.Call], str]]:
    """The `open()` calls of the module that read a file (no writing mode) into values: the handle `with open(p) as
    f` binds is given, or what it reads is, to a parser (`_PARSERS`); with the path's source text."""
    found = []
    for site in index.withs:
        for item in site.node.items:
            opened = item.context_expr
            if not (isinstance(opened, ast.Call) and names.qualify(opened.func) in _OPENERS and opened.args
                    and isinstance(item.optional_vars, ast.Name)) or _opens_to_write(opened):
                continue
            handle = item.optional_vars.id
            if any(isinstance(n, ast.Call) and names.qualify(n.func) in _PARSERS
                   and any(isinstance(m, ast.Name) and m.id == handle for a in n.args for m in walk(a))
                   for statement in site.node.body for n in walk(statement)):
                found.append((Site(opened, site.function, site.statement_line), ast.unparse(opened.args[0])))
    return found


def _opens_to_write(call: ast.Call) -> bool:
    mode = _argument(call, 1, "mode")
    return not (mode is None or isinstance(mode, ast.Constant) and isinstance(mode.value, str)
                and not set(mode.value) & set("wax+"))


def _read_back(site: Site[ast.Call], readers: list[tuple[Site[ast.Call], str]], names: Names) -> bool:
    """The file appended to is one the module itself reads back into values (`load_emails()` evaluating each record
    `save_email()` appends to `settings.EMAIL_LOG`): the app's own records, which a stream to stdout would lose, not
    its event stream. The same path expression: a setting, an attribute, a module-level name, a literal — or a
    local name only within the same function."""
    target = _argument(site.node, 0, "file")
    if target is None:
        return False
    text = ast.unparse(target)
    local = isinstance(target, ast.Name) and target.id not in names.values
    return any(read == text and (not local or reader.function is site.function) for reader, read in readers)


_MANAGER_CALL = re.compile(r"\.objects\.\w+\(|(?:^|\W)get_object_or_404\(")
"""A Django model instance fetched through its manager (`HarvestSession.objects.get(id=i)`)."""


def _model_file(site: Site[ast.Call]) -> bool:
    """The file appended to is a model instance's file field (`session.log_file.path`, the session fetched with
    `Session.objects.get(...)` in the same function): a record's file, kept for the users who read it (a harvest's
    progress report), not the process's event stream."""
    target = _argument(site.node, 0, "file")
    if not (isinstance(target, ast.Attribute) and target.attr == "path" and isinstance(target.value, ast.Attribute)):
        return False
    owner = target.value.value
    if isinstance(owner, ast.Call):
        return bool(_MANAGER_CALL.search(ast.unparse(owner)))
    if not isinstance(owner, ast.Name) or site.function is None:
        return False
    return any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == owner.id for t in n.targets)
               and _MANAGER_CALL.search(ast.unparse(n.value)) for n in walk(site.function))


def appended_records(index: Index, names: Names) -> set[int]:
    """id() of the `open()` calls appending to a log-named file that is the app's records rather than a log: a model
    instance's file field (`_model_file`), a file the module reads back into values (`_read_back`), or one opened only
    to attach it to a file field (`record.log_file = File(handle)`). Not TF1101's: data, which TF606 judges."""
    found = set()
    readers: list[tuple[Site[ast.Call], str]] | None = None
    for site in index.calls:
        if names.qualify(site.node.func) in _OPENERS and appends_to_log(site.node):
            readers = _parsed_readers(index, names) if readers is None else readers
            if _model_file(site) or _read_back(site, readers, names):
                found.add(id(site.node))
    for block in index.withs:
        for item in block.node.items:
            opened = item.context_expr
            if isinstance(opened, ast.Call) and names.qualify(opened.func) in _OPENERS and appends_to_log(opened) \
                    and isinstance(item.optional_vars, ast.Name) and any(
                        isinstance(n, ast.Call) and names.qualify(n.func) in _ATTACHERS for s in block.node.body
                        for n in walk(s)) and _only_closed(item.optional_vars.id, block.node.body, names=names):
                found.add(id(opened))
    return found


_PYTEST_HOOK = re.compile(r"^pytest_(addoption|configure|runtest_\w+|collection\w*|sessionstart|sessionfinish)$")


def _registers_pytest_fixtures(index: Index, names: Names) -> bool:
    """The module registers pytest fixtures (`@pytest.fixture`) or hooks (`def pytest_addoption(parser)`): a test
    plugin, run by the test runner only, whatever package it sits in (`pytest_project/fixtures/debug.py`)."""
    if "pytest" not in {m.split(".")[0] for m in names.imports.values()} and not any(
            _PYTEST_HOOK.match(name) for name in names.functions):
        return False
    if any(_PYTEST_HOOK.match(name) for name in names.functions):
        return True
    functions = [*names.functions.values(), *index.nested]
    return any((names.qualify(d.func if isinstance(d, ast.Call) else d) or "") in {"pytest.fixture", "pytest.yield_fixture"}
               for function in functions for d in function.decorator_list)


_RUN_ID = re.compile(r"(?i)(?:^|_)(?:task|job|run|execution|build)_?id$")
"""A name holding one run's id (`task_id`, `self.ansible_task_id`, `jobId`)."""


def _per_run(site: Site[ast.Call]) -> bool:
    """The file opened is made from a task's or job's id, directly or through a local name assigned in the same
    function (`log_path = get_celery_task_log_path(task_id)`): one file per run, that run's output."""
    target = _argument(site.node, 0, "file")
    if target is None:
        return False
    expressions = [target]
    if isinstance(target, ast.Name) and site.function is not None:
        expressions += [n.value for n in walk(site.function) if isinstance(n, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == target.id for t in n.targets)]
    return any(isinstance(n, (ast.Name, ast.Attribute)) and _RUN_ID.search(n.id if isinstance(n, ast.Name) else n.attr)
               for expression in expressions for n in walk(expression))


def _one_per_setup(sinks: list[tuple[Site[ast.Call], LogFileSink]]) -> list[LogFileSink]:
    """The file handlers (not dictConfig handlers, redirects or files appended by hand) one function or the module
    body adds under the same condition, folded into the first: one logging setup, one decision. Handlers that rotate
    their files and ones that do not stay apart (TF1102 judges the rotation), and so do loguru sinks beside the
    stdlib's."""
    firsts: dict[tuple[int, str, bool, bool], int] = {}
    kept: list[LogFileSink] = []
    rest: dict[int, list[LogFileSink]] = {}
    for site, fact in sinks:
        key = (id(site.function), fact.condition, bool(fact.rotation), fact.api.startswith("loguru"))
        if fact.config or fact.api.startswith("`open(") or key not in firsts:
            if not (fact.config or fact.api.startswith("`open(")):
                firsts[key] = len(kept)
            kept.append(fact)
        else:
            rest.setdefault(firsts[key], []).append(fact)
    for at, others in rest.items():
        lines = ", ".join(f"line {f.line}" for f in others)
        kept[at] = replace(kept[at], others=f"{len(others)} more in this file: {lines}",
                           places=tuple((f.path, f.line, f.column) for f in others))
    return kept


_Position = tuple[int, int]


def _guards(tree: ast.Module) -> list[tuple[_Position, _Position, str]]:
    """(start, end, tested expression) of each `if x:` / `if x is not None:` / `if x != "":` body, and of each conditional
    expression's first branch (`FileHandler(x) if x else StreamHandler()`), testing a name or attribute
    (`if logfile:`, `if self.__logger_file:`)."""
    found = []
    for node in walk(tree):
        if isinstance(node, (ast.If, ast.IfExp)) and node.body:
            test = node.test
            if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant) \
                    and (isinstance(test.ops[0], ast.IsNot) and test.comparators[0].value is None
                         or isinstance(test.ops[0], ast.NotEq) and test.comparators[0].value in (None, "")):
                test = test.left  # `if x is not None:`, `if log_path != "":`
            if isinstance(test, (ast.Name, ast.Attribute)) or _read(test):
                first, last = (node.body[0], node.body[-1]) if isinstance(node, ast.If) else (node.body, node.body)
                found.append(((first.lineno, first.col_offset),
                              (last.end_lineno or last.lineno, last.end_col_offset or 0), ast.unparse(test)))
    return found


def _guarded(fact: LogFileSink, site: Site[ast.Call], guards: list[tuple[_Position, _Position, str]],
             index: Index) -> LogFileSink:
    """A handler whose file is a value tested just before (`if logfile: FileHandler(logfile)`, `FileHandler(logfile)
    if logfile else ...`) exists only when a caller or the config gives that path (celery's `--logfile`, a
    client's `logger_file` setter, a CLI flag): opt-in. So is one under a test of a file-log parameter of the function
    around it that is off unless the caller turns it on (`def setup(level_file, logfilepath="app.log"): if
    level_file: RotatingFileHandler(logfilepath)`): the caller's configuration decides."""
    call = site.node
    arguments = [a for a in [*call.args, *(k.value for k in call.keywords)]
                 if isinstance(a, (ast.Name, ast.Attribute)) or _read(a)]
    given = {ast.unparse(a) for a in arguments}
    keys = {ast.unparse(a): key for a in arguments if (key := _read(a))}
    at = (fact.line, fact.column - 1)
    inside = [text for start, end, text in guards if start <= at < end]
    if tested := [text for text in inside if text in given]:
        if tested[-1] in keys:  # `if conf.get("general", "log-file"): FileHandler(conf.get("general", "log-file"))`
            return replace(fact, condition=f"when `{keys[tested[-1]]}` is set")
        return replace(fact, condition=f"when `{tested[-1]}` is given")
    switches = _file_log_switches(site.function, index)
    if switched := [text for text in inside if text in switches]:
        return replace(fact, condition=f"when `{switched[-1]}` is set")
    return fact


def _read(node: ast.expr) -> str:
    """The key a configuration or environment read names, by its last string (`conf.get("general", "log-file")`,
    `os.environ.get("LOG_FILE")`, `app.config["LOG_FILE"]`: `log-file`, `LOG_FILE`), or "": the value a deploy's
    configuration gives, tested before a handler for it is made."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        return strings[-1] if strings and node.func.attr in _READS else ""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return ""


_READS = {"get", "getenv", "get_setting", "getstr", "getpath"}
_FILE_LOG_WORDS = {"file", "filename", "filepath", "logfile", "logfilepath", "logpath", "logdir", "log", "logs"}
_OFF = (None, False, "", 0)


def _file_log_switches(function: Function | None, index: Index) -> set[str]:
    """The parameters of `function` and of the functions around it that name a log file or a file log
    (`level_file`, `log_to_file`, `logfilepath`) and are off unless a caller passes one: no default, or a default
    of `None`, `False`, `""` or `0`."""
    found: set[str] = set()
    while function is not None:
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
        for argument, default in [*zip(positional, defaults, strict=True),
                                  *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)]:
            off = default is None or isinstance(default, ast.Constant) and default.value in _OFF
            if off and _FILE_LOG_WORDS & set(argument.arg.lower().split("_")):
                found.add(argument.arg)
        function = index.parents.get(id(function))
    return found


def _assignments(statement: ast.stmt) -> Iterator[tuple[ast.expr, ast.expr]]:
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            yield target, statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        yield statement.target, statement.value


def _call_sinks(node: ast.AST, names: Names, path: str, statement_line: int, seen_dicts: set[int]) -> list[LogFileSink]:
    if not isinstance(node, ast.Call):
        return []
    qualified = names.qualify(node.func) or ""
    if qualified in _FILE_HANDLERS:
        target = _argument(node, 0, "filename")
        options = {k.arg for k in node.keywords if k.arg} | ({"maxBytes"} if len(node.args) > 2 else set())
        rotation = _rotation(qualified, options | ({"when"} if "Timed" in qualified else set()))
        return [] if _is_stream(target) else [
            _opt_in(_fact(node, path, _short(qualified), _target(target), statement_line, rotation), target, names)]
    if qualified == "logging.basicConfig":
        target = _argument(node, None, "filename")
        if target is not None and not _is_stream(target):
            return [_opt_in(_fact(node, path, "logging.basicConfig(filename=...)", _target(target), statement_line),
                            target, names)]
    if qualified in _DICTCONFIG and node.args:
        config, owner = node.args[0], "dictConfig({...})"
        if isinstance(config, ast.Name) and isinstance(names.values.get(config.id), ast.Dict):
            owner = config.id
            config = names.values[owner]
        if isinstance(config, ast.Dict) and id(config) not in seen_dicts:
            seen_dicts.add(id(config))
            return list(_dictconfig_sinks(config, path, owner, statement_line, names))
    if qualified in _OPENERS and appends_to_log(node):
        return [_fact(node, path, "`open(..., \"a\")`", _target(_argument(node, 0, "file")), statement_line)]
    if qualified == "loguru.logger.add" and node.args and _looks_like_path(node.args[0], names):
        options = {k.arg for k in node.keywords if k.arg}
        return [_fact(node, path, "loguru logger.add()", _target(node.args[0]), statement_line, _rotation("", options))]
    return []


def appends_to_log(call: ast.Call) -> bool:
    """`open("access.log", "a")`, `open(config["api_access_log"], "ab")`: a log-named file opened for append
    is a log kept by hand; a data file (`.json`, `.csv`) or a file opened to read or rewrite is not."""
    target, mode = _argument(call, 0, "file"), _argument(call, 1, "mode")
    if target is None or not (isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "a" in mode.value):
        return False
    text = ast.unparse(target)
    return bool(_LOG_NAME.search(text)) and not _DATA_FILE.search(text) and not _is_stream(target)
