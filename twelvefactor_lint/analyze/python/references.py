"""Which modules a Python file may load: its imports, the dotted names frameworks import for it, and the
imports it computes. Link follows them from what production starts (link.reach); over-reaching is safe
there (a module thought loaded is judged as it always was), missing one is not, so every import counts,
guarded or deferred, and every dotted string that could be a module is kept.

Read from the tree's index (no second walk of the tree)."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable

from twelvefactor_lint.analyze.python.index import Index, Site, walk
from twelvefactor_lint.analyze.python.names import Names, last_name
from twelvefactor_lint.analyze.python.state import absolute_import
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts.python import ModuleRefs

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[\w.]+)?|[\w./-]+\.py")
"""`pkg.mod`, `pkg.mod.Class`, `pkg.mod:app` (a server's target), `path/to/file.py`."""
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_DATA_SUFFIXES = frozenset({
    "json", "yaml", "yml", "toml", "ini", "cfg", "conf", "txt", "md", "rst", "html", "htm", "xml", "csv", "css", "js",
    "ts", "map", "png", "jpg", "jpeg", "gif", "svg", "ico", "pdf", "log", "db", "sqlite", "sqlite3", "sh", "env",
    "pem", "key", "crt", "gz", "zip", "tar", "lock", "j2", "jinja", "tmpl", "mo", "po", "woff", "woff2", "ttf",
})
"""Suffixes of data files, not modules."""
_LOADERS = frozenset({"import_module", "__import__", "import_string", "import_by_path", "load_object", "autodiscover_tasks",
                      "include"})
"""Calls whose string arguments name modules (`include("app.urls")`, `autodiscover_tasks(["app"])`)."""
_SCANS = frozenset({"iter_modules", "walk_packages"})
_ENTRY_POINTS = frozenset({"entry_points", "iter_entry_points", "load_entry_point"})
"""Plugins named by installed distributions' metadata, not by any string of the code."""
_LISTINGS = frozenset({"listdir", "scandir", "glob", "iglob", "iterdir", "walk", "rglob"})
"""A module that lists directories and imports a name it computes may import any module it finds (plugins);
one that does not imports names given to it, and the dotted strings that name them are kept where they are
written (`import_string(settings.EMAIL_BACKEND)` loads a string of the settings)."""
_APP_LISTS = re.compile(r"(?:^|_)APPS$")
"""`INSTALLED_APPS`, `LOCAL_APPS`, `THIRD_PARTY_APPS`: Django applications (whole packages) by name."""
_FLASK_CACHES = frozenset({"flask_caching.Cache", "flask_cache.Cache", "flask.ext.cache.Cache"})
_CACHE_METHODS = frozenset({
    "get", "set", "add", "delete", "get_many", "set_many", "delete_many", "get_dict", "has", "inc", "dec", "clear",
    "cached", "memoize", "delete_memoized", "delete_memoized_verhash", "cache", "make_cache_key", "unlink"})
"""What reads or writes a Flask-Caching `Cache` (its store API, the `cached`/`memoize` decorators, its backend
`cache.cache`); `init_app` only attaches it to an app."""


def module_refs(index: Index, path: str) -> ModuleRefs:
    module = dotted_module(path)
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    names = [v for v in index.dotted if _DOTTED.fullmatch(v) and not _file_name(v)]
    called = [last_name(site.node.func) for site in index.calls]  # what each call calls, asked by three passes
    loaded, dynamic = _loaded_by_calls(index, called)
    return ModuleRefs(path, 1, module=module, imports=_unique(_imports(index, package)), names=_unique(names + loaded),
                      apps=_unique(_installed_apps(index)), dynamic=_unique(dynamic),
                      daemon_calls=_unique(_daemon_calls(index, called)),
                      daemon_options=_unique(_daemon_options(index, called)), anchor="module_refs")


_DAEMONIZING = re.compile(r"daemoni[sz]|become_daemon|daemon_?context", re.IGNORECASE)
"""Names of what detaches a process (`daemonize()`, `Daemonizer(engine)`, `become_daemon()`, `DaemonContext()`)."""
_DAEMON_WORD = re.compile(r"daemon", re.IGNORECASE)
_DAEMON_OPTION = re.compile(r"--?[\w-]*daemon[\w-]*", re.IGNORECASE)


def _daemon_calls(index: Index, called: list[str]) -> list[str]:
    """The daemonizing names the module calls (`daemonize`): `name` where nothing but reaching the line decides, `name?`
    where an `if` whose test names a daemon switch (`if args.daemon:`, `if plexpy.DAEMON:`) is around the call, which
    runs only when someone asks for it (`--daemon`)."""
    calls = [(site.node, name) for site, name in zip(index.calls, called, strict=True) if name and _DAEMONIZING.search(name)]
    if not calls:  # most modules: no `if` test is unparsed
        return []
    switched = {id(node) for test in index.ifs if _DAEMON_WORD.search(ast.unparse(test.test))
                for statement in test.body for node in ast.walk(statement) if isinstance(node, ast.Call)}
    return [f"{name}?" if id(node) in switched else name for node, name in calls]


def _daemon_options(index: Index, called: list[str]) -> list[str]:
    """The command-line options the module declares that name a daemon mode (`parser.add_argument("-d", "--daemon")`,
    `add_option`, `@click.option("--daemon")`)."""
    return [arg.value for site, name in zip(index.calls, called, strict=True) if name in ("add_argument", "add_option", "option")
            for arg in site.node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            and arg.value.startswith("--") and _DAEMON_OPTION.fullmatch(arg.value)]


def flask_cache_refs(tree: ast.Module, names: Names, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the names the module binds Flask-Caching `Cache` objects to, `?` for one it binds to no name (`Cache(app)`:
    it may be reached another way); the names on which it uses a cache method (`cache.get`, `@cache.cached`),
    whatever they hold): link tells from them whether any code stores anything in a Flask cache. A module whose text
    names no Flask-Caching import binds no `Cache`: its calls are not qualified."""
    defined: list[str] = []
    used: list[str] = []
    bound: set[int] = set()
    imports = "flask_cach" in text or "flask.ext.cache" in text
    for node in walk(tree):
        if imports and isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call) \
                and names.qualify(node.value.func) in _FLASK_CACHES:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined += [last_name(t) or "?" for t in targets]
            bound.add(id(node.value))
        elif imports and isinstance(node, ast.Call) and id(node) not in bound and names.qualify(node.func) in _FLASK_CACHES:
            defined.append("?")
        elif isinstance(node, ast.Attribute) and node.attr in _CACHE_METHODS:
            owner = last_name(node.value)
            if owner:  # and what an import alias stands for (`from app.ext import cache as c`: `c.get` is `cache`'s;
                # only a bare name can be one: an attribute chain ends in its own last name, qualified or not)
                alias = names.imports.get(owner, owner) if isinstance(node.value, ast.Name) else owner
                used += [owner, alias.rpartition(".")[2]]
    return _unique(defined), _unique(used)


_DJANGO_CACHE = "django.core.cache.cache"
_MEMO_SETTERS = {"set": 2, "get_or_set": 2}
"""Methods storing a read-through memo, with the position of their `timeout` argument."""


def django_cache_calls(tree: ast.Module, names: Names) -> tuple[str, ...]:
    """How the module uses Django's default cache, one entry per use (see ModuleRefs.django_cache_calls): `get:<key>`
    for a `.get` of a literal key, `memo:<key>` for a `.set`/`.get_or_set` of a literal key with a timeout (the steps
    of a read-through memo of one fixed entry: `cache.get("prisons")`, compute, `cache.set("prisons", v,
    timeout=3600)`), else the method, or `?` where the cache is used as a value (handed to a function, its method
    taken)."""
    found: list[str] = []
    called: set[int] = set()
    loads: list[ast.Name | ast.Attribute] = []
    for node in walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            loads.append(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and names.qualify(node.func.value) == _DJANGO_CACHE:
            called.add(id(node.func.value))
            method, args = node.func.attr, node.args
            timeout = next((k.value for k in node.keywords if k.arg == "timeout"), None)
            if timeout is None and method in _MEMO_SETTERS and len(args) > _MEMO_SETTERS[method]:
                timeout = args[_MEMO_SETTERS[method]]
            timed = timeout is not None and not (isinstance(timeout, ast.Constant) and timeout.value in (None, 0))
            key = args[0].value if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str) else ""
            found.append(f"get:{key}" if key and method == "get" else f"memo:{key}" if key and method in _MEMO_SETTERS
                         and timed else method)
    handed = [n for n in loads if id(n) not in called and names.qualify(n) == _DJANGO_CACHE]  # `called` is whole now
    return tuple(found + ["?"] * len(handed))


_SESSION_ATTRIBUTES = re.compile(r"\.user_loader\b|\b(flask|quart)\.(session|flash)\b")
"""What reads a Flask session besides an imported `session`: Flask-Login's `user_loader` (without one, a session's
user id is never loaded back), and `flask.session`/`flask.flash` reached through the module."""
_LIMIT_METHODS = frozenset({"limit", "shared_limit"})
_LIMITER_NAME = re.compile(r"limit", re.IGNORECASE)
_LIMITER_CLASSES = frozenset({"flask_limiter.Limiter", "slowapi.Limiter", "flask_limiter.extension.Limiter"})
_LIMITS_KEYWORDS = frozenset({"default_limits", "application_limits"})


def session_refs(index: Index, names: Names, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(what in the module uses a Flask session beyond an import: `user_loader`, `flask.session`; the session
    extensions it initialises: `flask_session`, `flask_kvsession`, and `simplekv.<Store>` for each simplekv store it
    builds): link tells from them whether the sessions Flask-Session would keep hold anything, and which extension
    really keeps them."""
    uses = sorted({m.group(0).lstrip(".") for m in _SESSION_ATTRIBUTES.finditer(text)})
    stores = []
    for site in index.calls:
        qualified = names.qualify(site.node.func) or ""
        if qualified.startswith("flask_session."):  # `Session(app)`, `Session().init_app(app)`, its interfaces
            stores.append("flask_session")
        elif qualified.startswith("flask_kvsession."):
            stores.append("flask_kvsession")
        elif qualified.startswith("simplekv.") and qualified.rpartition(".")[2].endswith("Store"):
            stores.append("simplekv." + qualified.rpartition(".")[2])
    return tuple(uses), _unique(stores)


def limit_refs(index: Index, names: Names) -> tuple[str, ...]:
    """Where the module declares rate limits: the receivers of `.limit(...)`/`.shared_limit(...)` on a name saying
    `limit` (`@limiter.limit("5/minute")`, `app.state.limiter.limit(...)(bp)`; not a query's `.limit(10)`), and
    `default_limits`/`application_limits` given to a Flask-Limiter or slowapi `Limiter`: link tells from them whether
    a limiter counts anything."""
    found = []
    for site in index.calls:
        call, func = site.node, site.node.func
        if isinstance(func, ast.Attribute) and func.attr in _LIMIT_METHODS:
            owner = last_name(func.value)
            if owner and _LIMITER_NAME.search(owner):
                found.append(owner)
        elif (names.qualify(func) or "") in _LIMITER_CLASSES:
            found += [k.arg or "**" for k in call.keywords if k.arg in _LIMITS_KEYWORDS or k.arg is None]
    return _unique(found)


_SIGNING_NAMES = frozenset({"flask.session", "flask.flash", "flask.sessions"})
_KEY_NAMES = frozenset({"SECRET_KEY", "secret_key"})
_SIGNED_COOKIES = frozenset({"set_signed_cookie", "get_signed_cookie"})


def key_uses(tree: ast.Module, names: Names, text: str) -> tuple[str, ...]:
    """What in the module signs with a web app's secret key that its imports do not show: Flask's `session` or
    `flash` reached through `import flask` (`flask.session["user"] = ...`), a Django request's session
    (`request.session`, `self.request.session`: `request.session`) or signed cookie (`set_signed_cookie`,
    `get_signed_cookie`: `signed_cookie`), and `SECRET_KEY` for a read of the key
    itself (`jwt.encode(payload, app.config["SECRET_KEY"])`, `current_app.secret_key`, `settings.SECRET_KEY`) that
    does not just hand it to another `SECRET_KEY` (`app.config["SECRET_KEY"] = config.SECRET_KEY`). Names are
    qualified only in a module whose text spells `flask`: no other import makes one of Flask's."""
    handed: set[int] = set()
    candidates: list[tuple[str, int]] = []  # (what, the node's id, or 0 for what handing the key on cannot excuse)
    flask = "flask" in text
    for node in walk(tree):
        values: list[ast.expr | None] = []
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_key_name(t) for t in targets):
                values.append(node.value)
        elif isinstance(node, ast.Call):
            values += [k.value for k in node.keywords if k.arg in _KEY_NAMES]
        elif isinstance(node, ast.Dict):
            values += [v for k, v in zip(node.keys, node.values, strict=True)
                       if isinstance(k, ast.Constant) and k.value in _KEY_NAMES]
        handed.update(id(n) for value in values if value is not None for n in walk(value))
        if flask and isinstance(node, (ast.Attribute, ast.Name)) and isinstance(node.ctx, ast.Load) \
                and (qualified := names.qualify(node) or "") in _SIGNING_NAMES:
            candidates.append((qualified, 0))
        elif isinstance(node, ast.Attribute) and node.attr == "session" and last_name(node.value).endswith("request"):
            candidates.append(("request.session", 0))
        elif isinstance(node, ast.Attribute) and node.attr in _SIGNED_COOKIES:
            candidates.append(("signed_cookie", 0))
        elif (isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)) and isinstance(node.ctx, ast.Load)
              and _key_name(node)
              or isinstance(node, ast.Call) and last_name(node.func) in ("get", "getattr")
              and any(isinstance(a, ast.Constant) and a.value in _KEY_NAMES for a in node.args)):
            candidates.append(("SECRET_KEY", id(node)))
    found = [what for what, node_id in candidates if not node_id or node_id not in handed]  # handed is whole by now
    return _unique(found)


def _key_name(node: ast.expr) -> bool:
    """`SECRET_KEY`, `x.secret_key`, `x["SECRET_KEY"]`."""
    if isinstance(node, ast.Name):
        return node.id == "SECRET_KEY"
    if isinstance(node, ast.Attribute):
        return node.attr in _KEY_NAMES
    return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in _KEY_NAMES


def start_calls(index: Index, names: Names, path: str, at_start: Callable[[Site], bool]) -> tuple[str, ...]:
    """Absolute names of the functions of other project modules that start-up code calls through an import
    (`init_db.main()` in a lifespan, `scheduler.setup(args)` in an app factory, `ensure_database_ready(...)` in a web
    module's body): link counts what runs in them as start-up code too. The standard library is left out."""
    module, is_package = dotted_module(path), path.endswith("__init__.py")
    found = []
    for site in index.calls:
        func = site.node.func
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        if not (isinstance(root, ast.Name) and names.is_imported(root.id)) or not at_start(site):
            continue
        name = absolute_import(names.qualify(func) or "", module, is_package)
        if "." in name and name.split(".")[0] not in sys.stdlib_module_names:
            found.append(name)
    return _unique(found)


def import_uses(index: Index, names: Names, path: str) -> tuple[str, ...]:
    """See `ModuleRefs.uses`: attribute chains on an imported name that a call calls, or a call's argument or a dict's
    value names (a callback, a registry entry), made absolute; star imports as `pkg.mod.*`."""
    module, is_package = dotted_module(path), path.endswith("__init__.py")
    nodes: list[ast.expr] = []
    for site in index.calls:
        nodes += [site.node.func, *site.node.args, *(k.value for k in site.node.keywords)]
    for entry in index.dicts:
        nodes += [v for v in entry.node.values if v is not None]
    found = []
    for node in nodes:
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if node is root or not (isinstance(root, ast.Name) and names.is_imported(root.id)):
            continue
        name = absolute_import(names.qualify(node) or "", module, is_package)
        if "." in name and name.split(".")[0] not in sys.stdlib_module_names:
            found.append(name)
    for statement in index.imports:
        if isinstance(statement, ast.ImportFrom) and any(a.name == "*" for a in statement.names):
            base = absolute_import("." * statement.level + (statement.module or ""), module, is_package) \
                if statement.level else statement.module or ""
            if base and base.split(".")[0] not in sys.stdlib_module_names:
                found.append(f"{base}.*")
    return _unique(found)


def _imports(index: Index, package: str) -> list[str]:
    """Absolute names of what the import statements import (relative ones resolved against `package`)."""
    imports: list[str] = []
    for node in index.imports:
        if isinstance(node, ast.Import):
            imports += [alias.name for alias in node.names]
            continue
        base = node.module or ""
        if node.level:
            parts = package.split(".") if package else []
            if node.level - 1 > len(parts):
                continue
            parent = ".".join(parts[:len(parts) - (node.level - 1)])
            base = ".".join(p for p in (parent, base) if p)
        if base:
            imports.append(base)
        imports += [f"{base}.{a.name}" if base else a.name for a in node.names if a.name != "*"]
    return imports


def _loaded_by_calls(index: Index, calls: list[str]) -> tuple[list[str], list[str]]:
    """(module names calls load by a literal, prefixes of the names they compute: see `ModuleRefs.dynamic`);
    `calls`: the name each call of the index calls."""
    names: list[str] = []
    dynamic: list[str] = []
    lists = any(called in _LISTINGS for called in calls)
    for site, called in zip(index.calls, calls, strict=True):
        call = site.node
        if called in _LOADERS:
            literal = _strings(call.args[0]) if call.args else []
            names += [s for s in literal if _IDENTIFIER.fullmatch(s)]
            names += [s for k in call.keywords if k.arg in ("packages", "include") for s in _strings(k.value)]
            if call.args and not literal and called in ("import_module", "__import__", "import_string"):
                package = next((k.value for k in call.keywords if k.arg == "package"), None)
                if isinstance(package, ast.Constant) and isinstance(package.value, str):
                    dynamic.append(package.value + ".")
                else:
                    dynamic += [p for p in _prefixes(call.args[0], index) if p or lists]
        elif called in _SCANS:
            dynamic.append(".")
        elif called in _ENTRY_POINTS:
            dynamic.append("")
        elif called == "Celery":
            names += [s for k in call.keywords if k.arg == "include" for s in _strings(k.value)]
    return names, dynamic


def _installed_apps(index: Index) -> list[str]:
    """The entries of `INSTALLED_APPS`-like lists: Django applications by package (or AppConfig) name."""
    apps: list[str] = []
    for site in index.assignments:
        node = site.node
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is not None and any(isinstance(t, ast.Name) and _APP_LISTS.search(t.id) for t in targets):
            apps += [s for s in _strings(node.value) if _IDENTIFIER.fullmatch(s.replace(".", "_"))]
    return apps


def _file_name(value: str) -> bool:
    """`config.json`, `index.html`: a name and a data file's suffix (`app.query_runner.csv` is a module)."""
    stem, _, suffix = value.rpartition(".")
    return "." not in stem and suffix.lower() in _DATA_SUFFIXES


def _strings(node: ast.expr) -> list[str]:
    """The string constants of a literal, a list/tuple/set of them, or a sum of such lists (`BASE_APPS + [...]`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [s for item in node.elts for s in _strings(item)]
    if isinstance(node, ast.BinOp):
        return _strings(node.left) + _strings(node.right)
    return []


def _prefixes(node: ast.expr, index: Index) -> list[str]:
    """The literal prefixes of a computed module name, "" where it has none; a variable's from what is assigned to
    it (`path = f"app.plugins.{d}.apps"; __import__(path)`), a literal assigned to it being a module in full."""
    if not isinstance(node, ast.Name):
        return [_prefix(node)]
    values = [site.node.value for site in index.assignments if isinstance(site.node, ast.Assign)
              and any(isinstance(t, ast.Name) and t.id == node.id for t in site.node.targets)]
    if not values:
        return [""]
    return [v.value + "." if isinstance(v, ast.Constant) and isinstance(v.value, str) else _prefix(v) for v in values]


def _prefix(node: ast.expr) -> str:
    """The literal start of a computed module name (`app.plugins.`, `langchain_`); "" when none."""
    head = ""
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        head = str(node.values[0].value)
    elif isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        head = node.left.value
    return head


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
