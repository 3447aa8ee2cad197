"""Environment variables a settings module refuses to start without: a module-level check that raises (or exits)
when the variable is unset.

`if "SECRET_KEY" not in os.environ: raise ImproperlyConfigured(...)`, `if not os.environ.get("SECRET_KEY"): sys.exit(1)`,
and the same test in a loop over a literal list of names (`for key in ("SECRET_KEY", "API_HOST"): if key not in
os.environ: raise ...`, the list also bound to a module-level name first); an `assert` of a setting's value (`assert
SECRET_KEY != "CHANGE_ME"`); either also in the body of an `if` that holds outside development (`if ENVIRONMENT !=
"local":`), which every deploy runs. Link reads them to tell that the settings a
deploy runs refuse a base module's fallback (python.secret_env_fallback `refused`).
"""

from __future__ import annotations

import ast

from twelvefactor_lint.analyze.python.context import MODULE, Contexts, Scope, fact_at
from twelvefactor_lint.analyze.python.names import Names, module_statements
from twelvefactor_lint.devprod import is_dev_value
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts.python import RequiredEnv

_STOPS = ("exit", "abort")
"""Calls that stop the process (`sys.exit(1)`, `os.abort()`), beside a `raise`."""


def _stops(body: list[ast.stmt]) -> bool:
    """The block raises, or exits, whatever else it does first (a log line)."""
    for statement in body:
        if isinstance(statement, ast.Raise):
            return True
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in _STOPS:
                return True
    return False


def _unset_tested(test: ast.expr, names: Names, loop_var: str) -> str | None:
    """The variable the test is true for when unset: `"X" not in os.environ`, `not os.environ.get("X")`,
    `not os.getenv("X")`; a loop variable's name (`key not in os.environ`) is returned as `loop_var`'s marker `*`."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn) \
            and names.qualify(test.comparators[0]) == "os.environ":
        left = test.left
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            return left.value
        return "*" if isinstance(left, ast.Name) and left.id == loop_var else None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Call):
        call = test.operand
        if names.qualify(call.func) in ("os.environ.get", "os.getenv") and call.args:
            arg = call.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                return arg.value
            return "*" if isinstance(arg, ast.Name) and arg.id == loop_var else None
    return None


def _literal_names(node: ast.expr, bound: dict[str, ast.expr]) -> list[str]:
    """The strings of a literal list, tuple or set, or of the module-level name bound to one."""
    if isinstance(node, ast.Name) and node.id in bound:
        node = bound[node.id]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _setting_name(node: ast.expr) -> str:
    """The setting a test reads, through `str()` and string methods: `SECRET_KEY`, `str(SECRET_KEY).strip()`."""
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _NORMALISERS:
            node = node.func.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and node.args:
            node = node.args[0]
        else:
            return node.id if isinstance(node, ast.Name) and node.id.isupper() else ""


_NORMALISERS = {"strip", "lower", "upper", "casefold", "rstrip", "lstrip"}


def _refused_values(test: ast.expr, bound: dict[str, ast.expr], stops_when: bool = True) -> dict[str, set[str]]:
    """Setting -> the literal values a check refuses it with (the set also bound to a module-level name first). A test
    that stops the process when it holds (`stops_when`: `if SECRET_KEY in {"", "random_secret_key"}: raise`) is joined by
    `or`, with `SECRET_KEY == "changeme"` and `not SECRET_KEY` (`""`); an `assert` is the opposite, joined by `and`:
    `SECRET_KEY not in {...}`, `SECRET_KEY != "CHANGE_ME"`, `SECRET_KEY`. A production settings module refusing the
    value its base falls back to never runs with it."""
    joiner, member, equal = (ast.Or, ast.In, ast.Eq) if stops_when else (ast.And, ast.NotIn, ast.NotEq)
    found: dict[str, set[str]] = {}
    for part in test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, joiner) else [test]:
        bare = part if not stops_when else part.operand if isinstance(part, ast.UnaryOp) \
            and isinstance(part.op, ast.Not) else None
        if bare is not None and _setting_name(bare):
            found.setdefault(_setting_name(bare), set()).add("")
        elif isinstance(part, ast.Compare) and len(part.ops) == 1 and _setting_name(part.left):
            right = part.comparators[0]
            if isinstance(part.ops[0], member):
                values = _literal_names(right, bound)
            elif isinstance(part.ops[0], equal) and isinstance(right, ast.Constant) and isinstance(right.value, str):
                values = [right.value]
            else:
                continue
            found.setdefault(_setting_name(part.left), set()).update(values)
    return found


def _outside_development(test: ast.expr) -> bool:
    """A test that holds in every environment but development: `ENVIRONMENT != "local"`, `ENV not in ("dev",
    "local")`, `not DEBUG` — what it guards runs in every deploy."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        name = test.operand.id if isinstance(test.operand, ast.Name) else ""
        return name.upper() == "DEBUG"
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    right = test.comparators[0]
    if isinstance(test.ops[0], ast.NotEq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
        return is_dev_value(right.value)
    values = [e.value for e in right.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)] \
        if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else []
    return isinstance(test.ops[0], ast.NotIn) and bool(values) and all(is_dev_value(v) for v in values)


def _statements(tree: ast.Module) -> list[tuple[ast.stmt, bool]]:
    """The statements that run at import time, each with whether it sits in the body of an `if` that holds outside
    development (`if ENVIRONMENT != "local": assert SECRET_KEY != "CHANGE_ME"`)."""
    statements = list(module_statements(tree))
    deployed = {id(inner) for statement in statements if isinstance(statement, ast.If)
                and _outside_development(statement.test) for inner in statement.body}
    return [(statement, id(statement) in deployed) for statement in statements]


def required_env_facts(tree: ast.Module, names: Names, contexts: Contexts, path: str) -> list[RequiredEnv]:
    module, scope = dotted_module(path), Scope(MODULE, "", "the module body")
    bound: dict[str, ast.expr] = {}
    found: list[RequiredEnv] = []
    for statement, deployed in _statements(tree):
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            bound[statement.targets[0].id] = statement.value
        if isinstance(statement, ast.Assert):
            found += [fact_at(RequiredEnv, path, statement, scope, statement.lineno, f"refused:{name}", variable=name,
                              module=module, module_kind=contexts.module_kind, refuses=tuple(sorted(values)),
                              outside_development=deployed)
                      for name, values in _refused_values(statement.test, bound, stops_when=False).items()]
            continue
        checks: list[tuple[ast.If, list[str]]] = []
        if isinstance(statement, ast.If):
            checks.append((statement, []))
        elif isinstance(statement, ast.For) and isinstance(statement.target, ast.Name):
            listed = _literal_names(statement.iter, bound)
            checks += [(inner, listed) for inner in statement.body if isinstance(inner, ast.If) and listed]
        for check, listed in checks:
            loop_var = statement.target.id if isinstance(statement, ast.For) and isinstance(statement.target, ast.Name) else ""
            variable = _unset_tested(check.test, names, loop_var)
            refused = _refused_values(check.test, bound) if variable is None and _stops(check.body) else {}
            found += [fact_at(RequiredEnv, path, check, scope, check.lineno, f"refused:{name}", variable=name,
                              module=module, module_kind=contexts.module_kind, refuses=tuple(sorted(values)),
                              outside_development=deployed)
                      for name, values in refused.items()]
            if variable is None or not _stops(check.body):
                continue
            found += [fact_at(RequiredEnv, path, check, scope, check.lineno, f"required:{name}", variable=name,
                              module=module, module_kind=contexts.module_kind, outside_development=deployed)
                      for name in (listed if variable == "*" else [variable])]
    return found
