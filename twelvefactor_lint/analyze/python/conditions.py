"""Code that runs only when configuration says so: the branches of an `if` on an env-driven flag.

`if os.environ.get("SQLITE"):`, `if "SQLITE" in os.environ:`, `if IS_HEROKU_APP: ... else: ...`, `if settings.USE_S3:`,
`if log_file:` (a name read from the environment) and `if X is not None:` select code by config. What
such a branch does is opt-in, not what every deploy does: findings in it say "when X is set" and are one
severity lower. The branch a development flag turns on (`if IS_DEVELOPMENT:`, `if settings.DEBUG:`) is
development code, judged as a dev file is. A branch taken only on CI (`if os.environ.get("GITHUB_WORKFLOW"):`,
`elif "CI" in os.environ:`) sets up a test database or key and is not judged at all; neither are test config
classes, factory_boy fixture modules and Dagger CI pipelines.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from twelvefactor_lint.analyze.python.index import walk
from twelvefactor_lint.analyze.python.names import Names, is_main_guard, last_name
from twelvefactor_lint.analyze.python.values import env_read, reads_parameter
from twelvefactor_lint.devprod import is_dev_flag, is_dev_value, names_dev_value, words

_CONFIG_OWNERS = {"settings", "config", "conf", "cfg", "app_settings", "current_app"}
_CI_NAMES = re.compile(r"^(CI|GITHUB_ACTIONS|GITHUB_WORKFLOW|GITLAB_CI|TRAVIS|CIRCLECI|BUILDKITE|JENKINS_URL|"
                       r"TF_BUILD|PYTEST_CURRENT_TEST|TESTING|TEST|RUNNING_TESTS?)$", re.IGNORECASE)
_EAGER = re.compile(r"(^|_)ALWAYS_EAGER$", re.IGNORECASE)
"""Celery's eager mode (`CELERY_ALWAYS_EAGER`, `task_always_eager`), which runs tasks inline for tests and
development, without a worker: a development flag too."""
_MAX_TEXT = 60


@dataclass(frozen=True)
class Branch:
    first: int
    last: int
    condition: str
    """How a message says when the branch runs: "when APP_LOG is set", "when IS_HEROKU_APP is not set"."""
    ci_only: bool
    dev_only: bool = False
    """Taken when a development flag is on: development code."""


def branches(tree: ast.Module, ifs: list[ast.If], names: Names) -> list[Branch]:
    """The env-driven branches of every `if` in the module (`ifs`, all of them), outermost first."""
    env_names = _env_names(tree, names) if ifs else {}
    found: list[Branch] = []
    for node in ifs:
        if node.body and _argv_runs_tests(node.test, names):
            found.append(Branch(node.body[0].lineno, max(s.end_lineno or s.lineno for s in node.body),
                                f"when the command line runs the tests (`{_short(ast.unparse(node.test))}`)", True))
            continue
        flag = _flag(node.test, names, env_names)
        if flag is None:
            continue
        name, positive, text = flag
        for body, taken in ((node.body, positive), (node.orelse, not positive)):
            if not body or body and isinstance(body[0], ast.If) and body is node.orelse and len(body) == 1:
                continue  # an `elif` is a branch of its own, judged by its own test
            first, last = body[0].lineno, max(s.end_lineno or s.lineno for s in body)
            if text:
                condition = f"when `{text}`" if taken else f"unless `{text}`"
            else:
                condition = f"when {name} is {'set' if taken else 'not set'}"
            found.append(Branch(first, last, condition, taken and bool(_CI_NAMES.match(name.rsplit(".", 1)[-1])),
                                taken and _is_dev_flag(name, node.test)))
    gated = _dev_guarded(tree, ifs, names, env_names) + _dev_decorated(names)
    return sorted(found + gated + (_helpers_of(tree, names, gated) if gated else []), key=lambda b: (b.first, -b.last))


_ARGV_TEST_WORDS = {"test", "tests", "pytest", "py.test"}


def _argv_runs_tests(test: ast.expr, names: Names) -> bool:
    """`"test" in sys.argv`, `len(sys.argv) > 1 and "test" in sys.argv[1]`, `sys.argv[1] == "test"`: true only while
    `manage.py test` (or pytest) runs: the test suite's branch, as a settings module's `if TESTING:` is."""
    if isinstance(test, ast.BoolOp):
        return isinstance(test.op, ast.And) and any(_argv_runs_tests(v, names) for v in test.values)
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    left, right = test.left, test.comparators[0]

    def argv(node: ast.expr) -> bool:
        return names.qualify(node.value if isinstance(node, ast.Subscript) else node) == "sys.argv"

    def word(node: ast.expr) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in _ARGV_TEST_WORDS
    if isinstance(test.ops[0], ast.In):
        return word(left) and argv(right)
    if isinstance(test.ops[0], ast.Eq):
        return word(left) and isinstance(right, ast.Subscript) and argv(right) \
            or word(right) and isinstance(left, ast.Subscript) and argv(left)
    return False


def _dev_guarded(tree: ast.Module, ifs: list[ast.If], names: Names, env_names: dict[str, str]) -> list[Branch]:
    """The rest of a function after a guard clause that leaves unless a development flag is on (`if not
    settings.DEV: raise Http404()`, `if not app.debug: abort(404)`, `return`): it runs only when that flag is on, an
    opt-in judged one severity lower (not a development file: the view ships). `branches` adds the module's helpers
    only such code calls."""
    guards: dict[int, str] = {}
    for node in ifs:
        flag = None if node.orelse or len(node.body) != 1 or not _leaves(node.body[0]) \
            else _flag(node.test, names, env_names)
        if flag is not None and not flag[1] and not flag[2] and _is_dev_flag(flag[0], node.test):
            guards[id(node)] = f"when {flag[0]} is set"
    if not guards:
        return []
    found: list[Branch] = []
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for position, statement in enumerate(function.body[:-1]):
                if id(statement) in guards:
                    rest = function.body[position + 1:]
                    found.append(Branch(rest[0].lineno, max(s.end_lineno or s.lineno for s in rest),
                                        guards[id(statement)], False))
    return found


def _dev_decorated(names: Names) -> list[Branch]:
    """The bodies of functions whose decorator lets them run only in development: named for it (`@dev_only`,
    `@debug_required`), or testing a development flag (`@user_passes_test(lambda u: settings.DEBUG)`)."""
    methods = [m for cls in names.classes.values() for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
    found = []
    for function in [*names.functions.values(), *methods]:
        decorator = next((d for d in function.decorator_list if _lets_only_development(d)), None)
        if decorator is not None:
            found.append(Branch(function.body[0].lineno, function.end_lineno or function.lineno,
                                f"when `@{_short(ast.unparse(decorator))}` lets it run", False))
    return found


def _lets_only_development(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = last_name(target)
    if name and is_dev_flag(name):
        return True
    tested = [n for arg in (decorator.args if isinstance(decorator, ast.Call) else ()) if isinstance(arg, ast.Lambda)
              for n in walk(arg.body)]
    return any(isinstance(n, ast.Attribute) and n.attr.isupper() and is_dev_flag(n.attr) for n in tested)


def _helpers_of(tree: ast.Module, names: Names, guarded: list[Branch]) -> list[Branch]:
    """The module functions called only from guarded code (or from themselves): their bodies are guarded too."""
    callers: dict[str, list[Branch | None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names.functions:
            helper = names.functions[node.func.id]
            if not helper.lineno <= node.lineno <= (helper.end_lineno or helper.lineno):
                callers.setdefault(node.func.id, []).append(innermost(guarded, node.lineno))
    found = []
    for name, branches in callers.items():
        helper = names.functions[name]
        if all(branches) and not any(b.first <= helper.lineno <= b.last for b in guarded):
            condition = next(b.condition for b in branches if b is not None)
            found.append(Branch(helper.body[0].lineno, helper.end_lineno or helper.lineno, condition, False))
    return found


def _leaves(statement: ast.stmt) -> bool:
    """`raise ...`, `return ...` or `abort(...)`: the function goes no further."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    return isinstance(statement, (ast.Raise, ast.Return)) or isinstance(call, ast.Call) and (
        getattr(call.func, "attr", None) or getattr(call.func, "id", None)) == "abort"


def runtime_branches(ifs: list[ast.If], env_branches: list[Branch]) -> list[Branch]:
    """The branches of every other `if`: a test no env-driven flag decides (a database row, a config object read
    at runtime, `Settings.environment[row.mode] == "Development"`). What such a branch sets is not what every
    deploy runs either; the main guard and `if TYPE_CHECKING:` are not runtime tests."""
    taken = {(b.first, b.last) for b in env_branches}
    found = []
    for node in ifs:
        if is_main_guard(node) or _type_checking(node.test):
            continue
        text = _short(ast.unparse(node.test))
        for body, condition in ((node.body, f"when `{text}`"), (node.orelse, f"unless `{text}`")):
            span = (body[0].lineno, max(s.end_lineno or s.lineno for s in body)) if body else None
            if span and span not in taken:
                found.append(Branch(*span, condition, False))
    return found


def tested_calls(ifs: list[ast.If], names: Names, env_branches: list[Branch]) -> list[Branch]:
    """The branches of an `if` whose whole test calls an imported function without arguments (`if in_debug_mode():`,
    `if not is_prod():`), no env-driven flag of this module deciding them: each `condition` is the function as
    imported, `!` before it for the branch that runs when it is false. Link makes it opt-in when the function
    returns an environment read (python.env_function)."""
    taken = {(b.first, b.last) for b in env_branches}
    found = []
    for node in ifs:
        test, positive = node.test, True
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, positive = test.operand, not positive
        if not (isinstance(test, ast.Call) and not test.args and not test.keywords and isinstance(test.func, ast.Name)
                and names.is_imported(test.func.id)):
            continue
        called = names.imports[test.func.id]
        for body, when in ((node.body, positive), (node.orelse, not positive)):
            span = (body[0].lineno, max(s.end_lineno or s.lineno for s in body)) if body else None
            if span and span not in taken:
                found.append(Branch(*span, called if when else "!" + called, False))
    return found


def env_functions(names: Names) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """Module-level functions without parameters that return an environment read, with the variable: `return
    os.getenv("APP_DEBUG") == "1"`, or through a function of the module reading the variable it is given (`return
    is_env_var_true("KHOJ_DEBUG")`)."""
    found = []
    for func in names.functions.values():
        arguments = func.args
        if arguments.args or arguments.posonlyargs or arguments.kwonlyargs or arguments.vararg or arguments.kwarg:
            continue
        returns = [s for s in func.body if isinstance(s, ast.Return) and s.value is not None]
        if len(returns) != 1 or returns[0] is not func.body[-1]:
            continue
        key = next((k for node in walk(returns[0]) if (k := _returned_read(node, names))), None)
        if key:
            found.append((func, key))
    return found


def _returned_read(node: ast.AST, names: Names) -> str | None:
    read = env_read(node, names)
    if read:
        return read[0]
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return None
    helper = names.functions.get(node.func.id)
    params = [a.arg for a in helper.args.args] if helper else []
    reads = helper is not None and bool(params) and any(
        isinstance(inner, (ast.Call, ast.Subscript)) and reads_parameter(inner, params[0], names) for inner in walk(helper))
    return node.args[0].value if reads else None


def _type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:` (read from the tree: unparsing every `if` of a project is
    a measurable share of its analysis)."""
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING" or \
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


_TEST_CLASS = re.compile(r"^Test|Test(ing)?(Config|Configuration|Settings)$")


def test_classes(names: Names) -> list[Branch]:
    """Config classes for the test suite (`class TestConfig(Config)`): what they set is not judged."""
    return [Branch(cls.lineno, cls.end_lineno or cls.lineno, "", True)
            for name, cls in names.classes.items() if _TEST_CLASS.search(name)]


_TEST_HELPER_WORDS = frozenset({"test", "tests", "testing", "unittest", "unittests", "pytest"})


def test_helpers(names: Names) -> list[Branch]:
    """Functions named for the test suite by a word after the first (`create_test_database_connect_strings()`,
    `get_testing_config()`, `setup_test_db()`): the throwaway database URL or key they build is the tests', which only
    the test run asks for, so what they hold is not judged. Not a function named for the verb (`test_connection()`:
    a health check production may run)."""
    methods = [m for cls in names.classes.values() for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return [Branch(function.body[0].lineno, function.end_lineno or function.lineno, "", True)
            for function in [*names.functions.values(), *methods] if set(words(function.name)[1:]) & _TEST_HELPER_WORDS]


_NOT_RUNTIME_MODULES = {"factory", "dagger"}
"""factory_boy factories build test data; a Dagger module is a CI pipeline: their fake tokens, passwords and
throwaway database URLs are not the app's config."""


def builds_test_fixtures(names: Names) -> bool:
    """A module of test fixtures or a CI pipeline: its values are not judged as the app's config."""
    return any(module.split(".")[0] in _NOT_RUNTIME_MODULES for module in names.imports.values())


def test_switch(test: ast.expr) -> bool | None:
    """Whether `test` holds while the tests (or CI) run: `TESTING`, `settings.TESTING` -> True, `not TESTING` ->
    False; None for a test that is no such switch."""
    held = True
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, held = test.operand, not held
    name = last_name(test)
    return held if name and _CI_NAMES.match(name) else None


def _is_dev_flag(name: str, test: ast.expr) -> bool:
    """The flag's name (`IS_DEVELOPMENT`), the environment variable it reads (`SPOKANE_TECH_DEV`) or the value
    it is compared to (`ENVIRONMENT == "development"`) says development."""
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Compare):
        value = test.comparators[0]
        return isinstance(test.ops[0], ast.Eq) and isinstance(value, ast.Constant) \
            and is_dev_value(str(value.value))
    affix = _affix(test)
    if affix is not None:
        return names_dev_value(affix)
    own = ast.unparse(test) if isinstance(test, (ast.Name, ast.Attribute)) else ""
    return any(is_dev_flag(word) or _EAGER.search(word) for word in (name, own) if word)


def innermost(found: list[Branch], line: int) -> Branch | None:
    inside = [b for b in found if b.first <= line <= b.last]
    return min(inside, key=lambda b: b.last - b.first) if inside else None


def _env_names(tree: ast.Module, names: Names) -> dict[str, str]:
    """Module-level names bound to an environment read: name -> variable (`log_file = os.getenv("APP_LOG")`)."""
    found = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            read = _read_in(statement.value, names)
            if read:
                found[statement.targets[0].id] = read
    return found


def _read_in(node: ast.expr, names: Names) -> str | None:
    for inner in walk(node):
        read = env_read(inner, names)
        if read:
            return read[0]
    return None


def _flag(test: ast.expr, names: Names, env_names: dict[str, str]) -> tuple[str, bool, str] | None:
    """(flag name, whether the body runs when it is set, the test as text when it is more than a flag)."""
    positive = True
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, positive = test.operand, not positive
    text = ""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):  # `os.environ.get("X", "") and bool(int(os.environ["X"]))`
        parts = [_flag(value, names, env_names) for value in test.values]
        if parts[0] is not None and all(p is not None and p[:2] == parts[0][:2] for p in parts):
            return parts[0][0], positive == parts[0][1], ""
        return None
    while isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id in {"bool", "int"} \
            and len(test.args) == 1 and not test.keywords:
        test = test.args[0]  # `bool(int(os.environ["IN_DOCKER"]))` tests IN_DOCKER
    present = _env_membership(test, names)
    if present is not None:
        return present[0], positive == present[1], ""
    listed = _listed(test, names)
    if listed is not None:
        return listed, positive, _short(ast.unparse(test))
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and _literal(test.comparators[0]):
        if isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None \
                and isinstance(test.ops[0], (ast.Is, ast.IsNot)):
            positive = positive == isinstance(test.ops[0], ast.IsNot)
        else:
            text = _short(ast.unparse(test))
        test = test.left
    elif _affix(test) is not None:  # `os.environ.get("SERVER_SOFTWARE", "").startswith("Development")` tests the variable
        assert isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute)
        text, test = _short(ast.unparse(test)), test.func.value
    while isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr in _NORMALISERS \
            and not test.args:
        test = test.func.value  # `os.getenv("X", "").lower() in ("1", "true")` tests X
    name = _flag_name(test, names, env_names)
    return (name, positive, text) if name else None


_NORMALISERS = {"lower", "upper", "strip", "casefold"}


def _env_membership(test: ast.expr, names: Names) -> tuple[str, bool] | None:
    """`"CI" in os.environ` -> ("CI", True); `"X" not in os.environ` -> ("X", False): a variable's presence; so is a
    setting's (`"LOG_FILE" in app.config`, `"X" in settings`): a key the config example leaves out."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn)) \
            and isinstance(test.left, ast.Constant) and isinstance(test.left.value, str) \
            and (names.qualify(test.comparators[0]) == "os.environ" or _config_object(test.comparators[0])):
        return test.left.value, isinstance(test.ops[0], ast.In)
    return None


def _listed(test: ast.expr, names: Names) -> str | None:
    """`"file" in LOG_HANDLERS` with `LOG_HANDLERS = env("DJANGO_LOG_HANDLERS", default="console").split(",")` (also
    through an imported django-environ reader: `ENVIRONMENT.get_value(...)`): the variable, when a literal is tested
    against a list read from it whose fallback does not name the literal (the branch runs only when a deploy lists
    it); None otherwise (a fallback naming it runs the branch by default)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In)
            and isinstance(test.left, ast.Constant) and isinstance(test.left.value, str)
            and isinstance(test.comparators[0], ast.Name)):
        return None
    value = names.values.get(test.comparators[0].id)
    read = next((r for node in (walk(value) if value is not None else ()) if (r := list_read(node, names))), None)
    if read is None:
        return None
    fallback = read[1]
    if fallback is not None and not (isinstance(fallback, ast.Constant) and isinstance(fallback.value, str)
                                     and test.left.value not in re.split(r"[\s,;:]+", fallback.value)):
        return None
    return read[0]


def list_read(node: ast.AST, names: Names) -> tuple[str, ast.expr | None] | None:
    """(variable, fallback node or None) of an environment read, also through an imported django-environ reader
    (`ENVIRONMENT.get_value("DJANGO_LOG_HANDLERS", default="console")`)."""
    read = env_read(node, names)
    if read is not None:
        return read
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_value" \
            and isinstance(node.func.value, ast.Name) and names.is_imported(node.func.value.id) and node.args \
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value, next((k.value for k in node.keywords if k.arg == "default"), None)
    return None


def _config_object(node: ast.expr) -> bool:
    """An app's config mapping: `app.config`, `current_app.config`, `settings`, `config`."""
    return isinstance(node, ast.Attribute) and node.attr in {"config", "settings"} \
        or isinstance(node, ast.Name) and node.id in _CONFIG_OWNERS


def _literal(node: ast.expr) -> bool:
    """A constant, or a tuple, list or set of constants (`in ("1", "true")`)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    return isinstance(node, ast.Constant)


def _flag_name(node: ast.expr, names: Names, env_names: dict[str, str]) -> str | None:
    read = env_read(node, names)
    if read:
        return read[0]
    if isinstance(node, ast.Name):
        if node.id in env_names:
            return env_names[node.id]
        return node.id if node.id.isupper() and len(node.id) > 1 else None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        owner = node.value
        if isinstance(owner, ast.Attribute) and owner.attr in {"config", "settings"}:
            return node.slice.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args \
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        owner = node.func.value  # `app.config.get("X")` reads the setting as `app.config["X"]` does
        if isinstance(owner, ast.Attribute) and owner.attr in {"config", "settings"}:
            return node.args[0].value
    if isinstance(node, ast.Attribute):
        owner = node.value
        while isinstance(owner, ast.Attribute):
            owner = owner.value
        if isinstance(owner, ast.Name) and (owner.id in _CONFIG_OWNERS or owner.id in names.imports
                                            and node.value is owner):
            return ast.unparse(node)
    return None


def _affix(test: ast.expr) -> str | None:
    """The literal a `startswith` / `endswith` test compares to (`SERVER_SOFTWARE.startswith("Development")`: App
    Engine's development server says `Development/2.0`), else None."""
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) \
            and test.func.attr in {"startswith", "endswith"} and len(test.args) == 1 and not test.keywords \
            and isinstance(test.args[0], ast.Constant) and isinstance(test.args[0].value, str):
        return test.args[0].value
    return None


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
