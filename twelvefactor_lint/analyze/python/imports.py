"""Where a module's code comes from: its third-party imports (factor II) and `sys.path` entries that reach
outside the project (factor I).

Imports: absolute imports the module needs to run.

An import guarded by `try: ... except ImportError` is optional by design, and one under
`if TYPE_CHECKING:` never runs; neither is a dependency the deploy must install. An import in the
`except ImportError:` handler runs only when the `try` body's imports fail: its fact says which
(`fallback_for`), and link drops it when one of them is sure to work.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable
from functools import partial

from twelvefactor_lint.analyze.python.index import Index, Site, walk
from twelvefactor_lint.facts.python import Import, SysPathOutside

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in _IMPORT_ERRORS or isinstance(t, ast.Attribute) and t.attr in _IMPORT_ERRORS
               for t in types)


def _spells(test: ast.expr, word: str) -> bool:
    """Whether `word` (capitals and `_`) is in `ast.unparse(test)`, without unparsing every `if`: only a name,
    an attribute, a parameter or keyword name, or a string constant (escapes never end in a capital) can spell it."""
    for node in walk(test):
        if isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        elif isinstance(node, (ast.arg, ast.keyword)):
            text = node.arg or ""
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            text = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
        else:
            continue
        if word in text:
            return True
    return False


def _guarded(index: Index) -> set[int]:
    """ids of the import nodes that are optional (try/except ImportError) or type-checking only."""
    bodies = [node.body for node in index.tries if any(_catches_import_error(h) for h in node.handlers)]
    bodies += [node.body for node in index.ifs if _spells(node.test, "TYPE_CHECKING")]
    guarded: set[int] = set()
    for body in bodies:
        for statement in body:
            guarded.update(id(n) for n in walk(statement) if isinstance(n, (ast.Import, ast.ImportFrom)))
    return guarded


def _top_modules(statements: list[ast.stmt]) -> tuple[str, ...]:
    """The top-level packages absolute imports among `statements` name, in order."""
    found: dict[str, None] = {}
    for statement in statements:
        for node in walk(statement):
            if isinstance(node, ast.Import):
                found.update((alias.name.partition(".")[0], None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found[node.module.partition(".")[0]] = None
    return tuple(found)


def _fallbacks(index: Index) -> dict[int, tuple[str, ...]]:
    """ids of the import nodes in an `except ImportError:` handler -> the packages its `try` body imports first: the
    handler's import runs only when those fail (`try: from collections import OrderedDict` / `except ImportError:
    from ordereddict import OrderedDict`)."""
    found: dict[int, tuple[str, ...]] = {}
    for node in index.tries:
        tried = _top_modules(node.body)
        for handler in node.handlers:
            if tried and _catches_import_error(handler):
                found.update((id(n), tried) for statement in handler.body for n in walk(statement)
                             if isinstance(n, (ast.Import, ast.ImportFrom)))
    return found


def _deferred(tree: ast.AST) -> dict[int, str]:
    """ids of the import nodes that do not run on import of the module -> when they run instead: the first
    call of the function they are in, or the `if` (not on TYPE_CHECKING) they sit under."""
    deferred: dict[int, str] = {}

    def visit(statements: list[ast.stmt], when: Callable[[], str] | None) -> None:
        """`when` says when the statements run (None: on import); it is worded only for an import found there."""
        for statement in statements:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                if when is not None:
                    deferred[id(statement)] = when()
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(statement.body, when or partial("when `{}()` runs".format, statement.name))
            elif isinstance(statement, ast.If):
                visit(statement.body, when or partial(_worded, "when", statement.test))
                visit(statement.orelse, when or partial(_worded, "unless", statement.test))
            else:  # with, for, while, try, match, class bodies run when the module is imported
                children = [*getattr(statement, "body", []), *getattr(statement, "orelse", []),
                            *getattr(statement, "finalbody", [])]
                for part in (*getattr(statement, "handlers", []), *getattr(statement, "cases", [])):
                    children += part.body
                visit([c for c in children if isinstance(c, ast.stmt)], when)

    visit(tree.body if isinstance(tree, ast.Module) else [], None)
    return deferred


def _worded(word: str, test: ast.expr) -> str:
    return f"{word} `{ast.unparse(test)[:60]}`"


def import_facts(tree: ast.AST, index: Index, path: str) -> list[Import]:
    """One fact per top-level module the file imports unguarded: its first import at module level, else its
    first import in a function or branch, which says when it runs (`deferred`)."""
    imports = index.imports
    # most modules import at the top level alone: no import is guarded, a fallback or deferred, and none is looked for
    nested = len(imports) > sum(isinstance(s, (ast.Import, ast.ImportFrom)) for s in getattr(tree, "body", []))
    guarded = _guarded(index) if nested else set()
    fallbacks = _fallbacks(index) if nested and index.tries else {}
    deferred = _deferred(tree) if nested else {}
    seen: dict[str, Import] = {}
    for node in imports:
        if id(node) in guarded:
            continue
        if isinstance(node, ast.ImportFrom):
            modules = [node.module] if node.level == 0 and node.module else []
        else:
            modules = [alias.name for alias in node.names]
        when, instead_of = deferred.get(id(node), ""), fallbacks.get(id(node), ())
        for module in modules:
            top = module.partition(".")[0]
            if top and (top not in seen or _less_sure(seen[top], when, instead_of)):
                seen[top] = Import(path, node.lineno, node.col_offset + 1, module=top, dotted=module, deferred=when,
                                   fallback_for=instead_of, anchor=f"import:{top}")
    return list(seen.values())


def _less_sure(first: Import, when: str, instead_of: tuple[str, ...]) -> bool:
    """Whether an import that runs `when` (always, if empty), unless `instead_of` imports, says more surely that the
    module is needed than the `first` one found: one that is no fallback first, then one that always runs."""
    return (bool(first.fallback_for), bool(first.deferred)) > (bool(instead_of), bool(when))


_PATH_FUNCS = {"abspath", "realpath", "normpath", "resolve", "absolute"}


def _static_path(node: ast.expr, here: str) -> str | None:
    """A root-relative (posix, unnormalised) path an expression surely denotes, else None: string
    constants, `__file__`, `os.path.join/dirname/abspath(...)` and `Path(...)`, `.parent`, `.parents[n]`, `/`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if node.value.startswith("..") else None  # a relative path starts at the working directory
    if isinstance(node, ast.Name) and node.id == "__file__":
        return here
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _static_path(node.value, here)
        return f"{inner}/.." if inner is not None else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents" \
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
        inner = _static_path(node.value.value, here)
        return f"{inner}/" + "/".join([".."] * (node.slice.value + 1)) if inner is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left = _static_path(node.left, here)
        right = node.right.value if isinstance(node.right, ast.Constant) and isinstance(node.right.value, str) else None
        return f"{left}/{right}" if left is not None and right is not None else None
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        if name in {"dirname", "parent"} and len(node.args) == 1:
            inner = _static_path(node.args[0], here)
            return f"{inner}/.." if inner is not None else None
        if name in _PATH_FUNCS | {"Path", "PurePath", "str", "fspath"} and len(node.args) <= 1:
            target = node.args[0] if node.args else (node.func.value if isinstance(node.func, ast.Attribute) else None)
            return _static_path(target, here) if target is not None else None
        if name == "join" and node.args:
            first = _static_path(node.args[0], here)
            rest = [a.value for a in node.args[1:] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            return "/".join([first, *rest]) if first is not None and len(rest) == len(node.args) - 1 else None
    return None


def _sys_path_entry(call: ast.Call) -> ast.expr | None:
    """The entry `sys.path.append/insert(...)` adds, else None."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in {"append", "insert"} and ast.unparse(func.value) == "sys.path"):
        return None
    return call.args[-1] if call.args else None


def _from_script(entry: ast.expr, path: str) -> str | None:
    """Where a working-directory-relative entry (`"../apps"`, `"./apps"`) lands when the script runs from its own
    directory (`utils/` + `../apps` = `apps`), if that is inside the project; None for any other entry."""
    if not (isinstance(entry, ast.Constant) and isinstance(entry.value, str)) or entry.value.startswith("/"):
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), entry.value))
    return None if resolved == ".." or resolved.startswith("../") else resolved


def _alternatives(call: ast.Call, ifs: list[ast.If], path: str) -> list[str]:
    """In-project directories the other branches of an existence test around the call add instead (`if
    os.path.exists("../apps"): sys.path.insert(0, "../apps")` / `elif os.path.exists("./apps"): sys.path.insert(0,
    "./apps")`): the code looks for its own directory from wherever it is run."""
    found: list[str] = []
    for statement in ifs:
        tested = {ast.unparse(n.args[0]) for n in walk(statement.test) if isinstance(n, ast.Call) and n.args
                  and isinstance(n.func, (ast.Attribute, ast.Name))
                  and (n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id) in {"exists", "isdir"}}
        entry = _sys_path_entry(call)
        if entry is None or ast.unparse(entry) not in tested \
                or not any(n is call for s in statement.body for n in walk(s)):
            continue
        for other in (n for s in statement.orelse for n in walk(s) if isinstance(n, ast.Call)):
            added = _sys_path_entry(other)
            if isinstance(added, ast.Constant) and isinstance(added.value, str) and not added.value.startswith("/"):
                from_root = posixpath.normpath(added.value)
                if not (from_root == ".." or from_root.startswith("../")):
                    found.append(from_root)
                if (here := _from_script(added, path)) is not None:
                    found.append(here)
    return found


def sys_path_facts(index_calls: list[Site[ast.Call]], path: str, ifs: list[ast.If] | None = None) -> list[SysPathOutside]:
    """`sys.path.append/insert(...)` of a directory outside the project root: code from another checkout
    (a sibling repository, a shared folder) is imported at run time instead of installed as a package. A
    working-directory-relative entry also records where it lands from the script's own directory, and the
    in-project directories an existence test falls back to (`inside`): link drops the fact when one exists."""
    facts = []
    for site in index_calls:
        call = site.node
        argument = _sys_path_entry(call)
        if argument is None:
            continue
        target = _static_path(argument, path)
        if target is None:
            continue
        resolved = posixpath.normpath(target)
        if resolved == ".." or resolved.startswith("../"):
            inside = [here] if (here := _from_script(argument, path)) is not None else []
            inside += _alternatives(call, ifs or [], path)
            facts.append(SysPathOutside(path, call.lineno, call.col_offset + 1, expression=ast.unparse(argument)[:120],
                                        resolved=resolved, inside=tuple(dict.fromkeys(inside)),
                                        anchor=f"sys.path:{resolved}"))
    return facts
