"""Files a request or job handler writes to local disk (TF606), and uploads saved there (TF605).

Writes: `open()`/`io.open()`/`aiofiles.open()` and `Path.open()` in a writing mode, `Path.write_text/
write_bytes`, `shutil.copy*/move`, `os.rename/replace`, werkzeug `FileStorage.save()`,
Django `FileSystemStorage().save()`, pandas `to_csv/to_parquet/to_excel` (a DataFrame's, not a module's
`utils.to_json(d)`), numpy `save`.
Scratch space is exempt: paths whose value is built from `tempfile`, `/tmp` or an
in-memory buffer — judged by where the path comes from, not by what its variable is
called (`tmp_path = os.path.join(UPLOAD_DIR, name)` is not scratch). An upload is a write whose data comes
from `request.files`/`request.FILES`, a FastAPI `UploadFile` parameter or a
werkzeug `FileStorage`. A log-named file opened for append is a log kept by hand (TF1101's), not data — unless it is
the app's records (`log_sinks.appended_records`: a model's file field, a file the module reads back into values). A file
the same function answers with (`send_file(p)`, `FileResponse(p)`, or returns what `open(p).read()` gave) is
`served`: made for this response, a scratch file left behind rather than data other requests need. Reading it back
for anything else (a check, a later branch loading it) says nothing of the kind.
A file the function writes under a directory named for temporary files (`hashview/control/tmp/`) and then hands to a
call of its own (`import_hashfile(path)`, `validate(path)`) is `consumed`: made and used within the request, not data.
So is one at a path a call of the project's own named for temporary space made (`location = get_temp_file("x")`)
when the function uses what a call reading it gives back (`extract_file(location)`) and hands it to no call giving
nothing back (`scan.process_scan_results(location=location)` may queue a job that reads it later).
A path the function deletes again is scratch space too — unless only a branch deletes it and another handler of the
module reads files from the same place: then it is data kept between requests.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial

from twelvefactor_lint.analyze.python.context import Contexts, fact_at
from twelvefactor_lint.analyze.python.handlers import JOB, REQUEST, dead_code
from twelvefactor_lint.analyze.python.index import Function, Index, Site, walk
from twelvefactor_lint.analyze.python.log_sinks import appended_records, appends_to_log
from twelvefactor_lint.analyze.python.names import Names, last_name
from twelvefactor_lint.facts.python import FileWrite

_OPENERS = {"open", "io.open", "aiofiles.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open"}
_PATH_FUNCS = {"shutil.copy": 1, "shutil.copy2": 1, "shutil.copyfile": 1, "shutil.move": 1, "shutil.copytree": 1,
               "os.rename": 1, "os.replace": 1, "numpy.save": 0, "numpy.savez": 0, "joblib.dump": 1,
               "pandas.to_pickle": 1}
_PATH_METHODS = {"write_text", "write_bytes", "to_csv", "to_parquet", "to_excel", "to_json", "to_pickle", "to_feather"}
_UPLOAD_SOURCES = re.compile(r"request\.(files|FILES)|\bUploadFile\b|\bFileStorage\b")
_FILE_GETTERS = {"get", "getlist", "__getitem__"}
_PATHLIKE = re.compile(r"(?i)path|\s/\s")
_SCRATCH = ("/tmp", "/var/tmp", "/dev/")
_MAX_HOPS = 8
_SENDERS = {"send_file", "send_from_directory", "FileResponse"}
"""Calls that answer a request with a file (Flask, Starlette/FastAPI, Django)."""


class _Function:
    """Per-function knowledge: what each local name was assigned from, and which are uploads."""

    def __init__(self, function: Function, index: Index):
        self.sources: dict[str, list[ast.expr]] = {}
        for node in walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in target.elts if isinstance(target, ast.Tuple) else [target]:  # fd, path = mkstemp()
                        if isinstance(name, ast.Name):
                            self.sources.setdefault(name.id, []).append(node.value)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(node.target, ast.Name):
                self.sources.setdefault(node.target.id, []).append(node.iter)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name):
                        self.sources.setdefault(item.optional_vars.id, []).append(item.context_expr)
        args = function.args
        self.uploads = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]
                        if a.annotation is not None and _UPLOAD_SOURCES.search(ast.unparse(a.annotation))}
        removed = list(_removed_paths(function))
        self.removed = {ast.unparse(path) for path, _ in removed}
        """Paths the function deletes again (`os.remove(p)`): what it wrote there was scratch space."""
        self.removed_always = {ast.unparse(path) for path, branch in removed if not branch}
        """Those it deletes outside an `if` branch or `except` handler: on every path through the function."""
        self.sent = [self.text(path) for path in _sent_paths(function)]
        """What the paths of the files the function answers with are built from (`_sent_paths`)."""
        self.sent_from = list(_sent_from_directories(function))
        """(directory, file name) of the `send_from_directory(directory, name)` calls."""
        self.calls = [n for n in walk(function) if isinstance(n, ast.Call)]

    def serves(self, target: ast.expr) -> bool:
        """Whether the function answers with the file it writes at `target` (or one built on it): its path, or its
        directory and name given apart (`send_from_directory("control/tmp", name)` after writing
        `"hashview/control/tmp/" + name`)."""
        written = re.compile(r"(?<![\w.])" + re.escape(ast.unparse(target)) + r"(?!\w)")
        if any(written.search(text) for text in self.sent):
            return True
        parts = _split(target)
        return parts is not None and any(ast.unparse(name) == parts[1] and _same_directory(directory, parts[0])
                                         for directory, name in self.sent_from)

    def consumer(self, target: ast.expr, line: int, discarded: set[int] | None = None) -> str:
        """The first call after `line` handing the written path on (`validate(path)`, `load(path=path)`), not a class
        (`Hashfile(path=path)` records where it is: kept data) nor another write: `` `validate()` ``, else `""`.
        With `discarded` (id() of calls whose result is thrown away): only a call whose result the function uses
        (`extracted = extract_file(path)`: it read the file), and none if a call handing the path on gives nothing
        back (`record.process_scan_results(location=path)` may queue a job reading it later)."""
        text = ast.unparse(target)
        found = ""
        for call in sorted(self.calls, key=lambda c: (c.lineno, c.col_offset)):
            if call.lineno <= line or not isinstance(call.func, (ast.Name, ast.Attribute)):
                continue
            name = last_name(call.func) or ""
            if not name or name[0].isupper() or name in _NOT_READERS:
                continue
            if any(ast.unparse(a) == text for a in [*call.args, *(k.value for k in call.keywords)]):
                if discarded is None:
                    return f"`{name}()`"
                if id(call) in discarded:
                    return ""
                found = found or f"`{name}()`"
        return found

    def text(self, node: ast.expr, depth: int = 0) -> str:
        """The expression's source with local names expanded (two levels), for provenance tests."""
        text = ast.unparse(node)
        if depth < 2:
            for name in {n.id for n in walk(node) if isinstance(n, ast.Name)}:
                for source in self.sources.get(name, ()):
                    text += " " + self.text(source, depth + 1)
        return text

    def is_upload(self, node: ast.expr) -> bool:
        names = {n.id for n in walk(node) if isinstance(n, ast.Name)}
        return bool(names & self.uploads) or bool(_UPLOAD_SOURCES.search(self.text(node)))

    def is_upload_object(self, node: ast.expr, depth: int = 0) -> bool:
        """The uploaded file itself (`request.files["f"]`, `.get()`, an item of `.getlist()`, an
        `UploadFile` parameter) — not an object merely built from it, like a Django form given
        `request.FILES`, whose `.save()` goes through the configured storage."""
        if isinstance(node, ast.Name):
            if node.id in self.uploads:
                return True
            return depth < 2 and any(self.is_upload_object(s, depth + 1) for s in self.sources.get(node.id, ()))
        base = node
        while isinstance(base, (ast.Subscript, ast.Call, ast.Attribute)):
            if isinstance(base, ast.Call) and not (isinstance(base.func, ast.Attribute) and base.func.attr in _FILE_GETTERS):
                return False
            base = base.value if isinstance(base, (ast.Subscript, ast.Attribute)) else base.func
            if _UPLOAD_SOURCES.fullmatch(ast.unparse(base)):
                return True
        return False

    def is_path(self, node: ast.expr) -> bool:
        """Built as a path: `Path(...)`, a `/` join, or a name that says it is one."""
        return bool(_PATHLIKE.search(self.text(node)))


def _removed_paths(function: Function):
    """(path, in a branch) for the arguments of `os.remove`/`os.unlink`/`shutil.rmtree` and the receivers of
    `Path(p).unlink()` calls; `in a branch`: the call sits in an `if` branch or an `except` handler."""
    branched = {id(n) for b in walk(function) if isinstance(b, (ast.If, ast.ExceptHandler))
                for statement in (b.body + b.orelse if isinstance(b, ast.If) else b.body) for n in walk(statement)}
    for node in walk(function):
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Attribute, ast.Name)):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        if name in {"remove", "unlink", "rmtree"} and node.args:
            yield node.args[0], id(node) in branched
        elif name == "unlink" and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            yield (receiver.args[0] if isinstance(receiver, ast.Call) and receiver.args else receiver), id(node) in branched


def _sent_paths(function: Function):
    """First arguments of `_SENDERS` calls, and of `with open(p) as f` (to read) when what `f.read()` gave is returned."""
    returned = {n.id for r in walk(function) if isinstance(r, ast.Return) and r.value is not None
                for n in walk(r.value) if isinstance(n, ast.Name)}
    for node in walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)) and node.args \
                and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) in _SENDERS:
            yield node.args[0]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                opened = item.context_expr
                if isinstance(opened, ast.Call) and isinstance(opened.func, ast.Name) and opened.func.id == "open" \
                        and opened.args and _writing_mode(opened) is None and isinstance(item.optional_vars, ast.Name) \
                        and _read_into(node, item.optional_vars.id) & returned:
                    yield opened.args[0]


def _sent_from_directories(function: Function) -> Iterator[tuple[ast.expr, ast.expr]]:
    for node in walk(function):
        if isinstance(node, ast.Call) and len(node.args) >= 2 and last_name(node.func) == "send_from_directory":
            yield node.args[0], node.args[1]


def _split(target: ast.expr) -> tuple[ast.expr, str] | None:
    """(directory, the file name's source) of a path joined from the two: `d + name`, `os.path.join(d, name)`,
    `Path(d) / name`."""
    if isinstance(target, ast.BinOp) and isinstance(target.op, (ast.Add, ast.Div)):
        return target.left, ast.unparse(target.right)
    if isinstance(target, ast.Call) and last_name(target.func) == "join" and len(target.args) == 2:
        return target.args[0], ast.unparse(target.args[1])
    return None


def _same_directory(sent: ast.expr, written: ast.expr) -> bool:
    """The directory a file is sent from is the one it was written to: the same expression, or one literal ending
    the other (`"control/tmp"` sent relative to the app's folder, `"hashview/control/tmp/"` written from the root)."""
    if ast.unparse(sent) == ast.unparse(written):
        return True
    if not all(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in (sent, written)):
        return False
    short, long = (str(n.value).strip("/").removeprefix("./") for n in (sent, written))  # type: ignore[attr-defined]
    return bool(short) and (long == short or long.endswith("/" + short))


_NOT_READERS = {"remove", "unlink", "rmtree", "write", "close", "join", "exists", "isfile", "basename", "dirname",
                "print", "str", "len", "format", "append"}
"""Calls that take a path without reading the file: deleting it, building on the path, logging it."""
_TEMPORARY_DIR = re.compile(r"(?i)^(tmp|temp|scratch)$")


_TEMPORARY_WORDS = frozenset({"tmp", "temp", "temporary", "scratch", "tempfile", "tmpfile", "tempdir", "tmpdir",
                               "mkstemp", "mkdtemp"})


def _made_temporary(node: ast.expr, function: _Function, depth: int = 0) -> bool:
    """A path the function gets from a call of the project's own named for temporary space (`location =
    get_temp_file("visit")`, `make_tmp_path()`, `work.temp_dir() / name`), through its local names: a fresh scratch
    path a helper elsewhere makes (its `tempfile` use is out of sight), not a place the project names."""
    if depth > _MAX_HOPS:
        return False
    if isinstance(node, ast.Name):
        return any(_made_temporary(source, function, depth + 1) for source in function.sources.get(node.id, ()))
    if isinstance(node, ast.BinOp):
        return _made_temporary(node.left, function, depth + 1)
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        return isinstance(first, ast.FormattedValue) and _made_temporary(first.value, function, depth + 1)
    if isinstance(node, ast.Call):
        words = re.sub(r"([a-z])([A-Z])", r"\1_\2", last_name(node.func)).lower().split("_")
        if _TEMPORARY_WORDS.intersection(words):
            return True
        if last_name(node.func) == "join" and node.args:  # os.path.join(get_temp_dir(), name)
            return _made_temporary(node.args[0], function, depth + 1)
        if isinstance(node.func, ast.Attribute):  # temp_dir().joinpath(name), Path(get_temp_dir()).resolve()
            return _made_temporary(node.func.value, function, depth + 1)
        return last_name(node.func) in {"Path", "PurePath"} and bool(node.args) and \
            _made_temporary(node.args[0], function, depth + 1)
    return False


def _under_temporary_dir(node: ast.expr, function: _Function, names: Names) -> bool:
    """A path joined onto a literal naming a directory for temporary files (`"hashview/control/tmp/"`, `"temp"`),
    not a file that happens to be called so (`"tmp.txt"`)."""
    for root in _roots(node, function, names, 0):
        if isinstance(root, ast.Constant) and isinstance(root.value, str):
            parts = root.value.split("/")
            directories = parts[:-1] if "." in parts[-1] else parts  # `"tmp/export.csv"` names a file in `tmp`
            if any(_TEMPORARY_DIR.match(part) for part in directories):
                return True
    return False


def _read_into(block: ast.With | ast.AsyncWith, handle: str) -> set[str]:
    """Names the block assigns what `handle.read()` gives."""
    return {t.id for n in walk(block) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
            and isinstance(n.value.func, ast.Attribute) and n.value.func.attr == "read"
            and isinstance(n.value.func.value, ast.Name) and n.value.func.value.id == handle
            for t in n.targets if isinstance(t, ast.Name)}


def _is_scratch(node: ast.expr, function: _Function, names: Names, read_elsewhere: set[str]) -> bool:
    """Temporary space by the path's value (`_roots`), or a path the function deletes again — unless only a branch
    deletes it and another handler of the module reads files from the same place (`read_elsewhere`): then it is
    data kept between requests, which one branch cleans up."""
    text = ast.unparse(node)
    if text in function.removed_always or text in function.removed and not _root_keys(node, function, names) & read_elsewhere:
        return True
    return _temporary(node, function, names)


def _temporary(node: ast.expr, function: _Function, names: Names) -> bool:
    """The path's value is temporary space: built on `tempfile`, `/tmp` or an in-memory buffer."""
    return any(_is_scratch_root(root, names) for root in _roots(node, function, names, 0))


def _is_scratch_root(root: ast.expr, names: Names) -> bool:
    if isinstance(root, ast.Constant):
        return isinstance(root.value, str) and root.value.startswith(_SCRATCH)
    qualified = names.qualify(root.func) or "" if isinstance(root, ast.Call) else ""
    return qualified.startswith(_TEMPFILE_MODULES) or qualified.endswith(("BytesIO", "StringIO"))


_TEMPFILE_MODULES = ("tempfile.", "django.core.files.temp.")
"""`tempfile`, and the frameworks' wrappers of it (Django's `django.core.files.temp.NamedTemporaryFile`)."""


def _roots(node: ast.expr, function: _Function, names: Names, depth: int) -> Iterator[ast.expr]:
    """What a path is joined onto, through the function's local names: a string, a module-level name, a setting
    (`settings.MEDIA_ROOT`), a call making a place (`tempfile.mkdtemp()`). `_MAX_HOPS` deep: a path built in steps
    (`base = Path(tmp, "x").resolve(); target = (base / name).resolve()`) takes several."""
    if depth > _MAX_HOPS:
        return
    if isinstance(node, ast.JoinedStr):
        if node.values:
            first = node.values[0]
            yield from _roots(first.value if isinstance(first, ast.FormattedValue) else first, function, names, depth + 1)
    elif isinstance(node, ast.BinOp):  # Path(d) / "x", d + "/x"
        yield from _roots(node.left, function, names, depth + 1)
    elif isinstance(node, ast.Attribute) and not (isinstance(node.value, ast.Name) and node.value.id not in function.sources):
        yield from _roots(node.value, function, names, depth + 1)  # tmp.name of a NamedTemporaryFile, Path(p).parent
    elif isinstance(node, ast.Name) and node.id in function.sources:
        for source in function.sources[node.id]:
            yield from _roots(source, function, names, depth + 1)
    elif isinstance(node, ast.Call) and not _is_scratch_root(node, names):
        qualified = names.qualify(node.func) or ""
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        module = isinstance(receiver, ast.Name) and names.is_imported(receiver.id) or qualified.startswith("os.path.")
        if receiver is not None and not module:
            yield from _roots(receiver, function, names, depth + 1)  # Path(d).joinpath(...), p.resolve()
        elif node.args:
            yield from _roots(node.args[0], function, names, depth + 1)  # os.path.join(d, ...), Path(d)
    else:
        yield node


def _root_keys(node: ast.expr, function: _Function, names: Names) -> set[str]:
    """The places a path is under, comparable across functions: a string naming a directory (`"drafts/"`), or the
    directory of one naming a file (`"drafts"` of `"drafts/a.txt"`), a module-level or imported name, a setting; not
    a parameter or another function's local."""
    keys = set()
    for root in _roots(node, function, names, 0):
        if isinstance(root, ast.Name) and isinstance(names.values.get(root.id), ast.Constant):
            root = names.values[root.id]  # `DRAFTS = "drafts"`: the same place as the string
        if isinstance(root, ast.Constant) and isinstance(root.value, str) and root.value.strip("./"):
            place = root.value.rstrip("/")
            keys.add(place.rsplit("/", 1)[0] if "." in place.rsplit("/", 1)[-1] and "/" in place else place)
        elif isinstance(root, ast.Name) and (root.id in names.values or names.is_imported(root.id)) \
                or isinstance(root, (ast.Attribute, ast.Subscript)):
            keys.add(ast.unparse(root))
    return keys


_LISTERS = {"listdir", "scandir"}
"""Calls that read a directory's files back (`os.listdir(d)`), beside `open()` without a writing mode and `_SENDERS`."""


def _known(functions: dict[int, _Function], function: Function, index: Index) -> _Function:
    """`function`'s `_Function`, made once per run of `file_write_facts` and kept in `functions`."""
    if id(function) not in functions:
        functions[id(function)] = _Function(function, index)
    return functions[id(function)]


def _read_path(call: ast.Call, names: Names) -> ast.expr | None:
    """The path a call reads: `open(p)`, `Path(p).read_text()`, `p.read_bytes()`, `send_file(p)`, `os.listdir(d)`."""
    func = call.func
    name = last_name(func)
    if name in {"read_text", "read_bytes"} and isinstance(func, ast.Attribute):
        receiver = func.value
        return receiver.args[0] if isinstance(receiver, ast.Call) and receiver.args else receiver
    reads = (names.qualify(func) or "") in _OPENERS and not _writing_mode(call) or name in _SENDERS | _LISTERS
    return call.args[0] if reads and call.args else None


def _read_places(index: Index, names: Names, contexts: Contexts, functions: dict[int, _Function]) -> dict[str, set[str]]:
    """Handler -> the places (`_root_keys`) it reads files from: what another handler wrote there is kept data."""
    places: dict[str, set[str]] = {}
    for site in index.calls:
        scope = contexts.of(site)
        if site.function is None or scope.context not in (REQUEST, JOB):
            continue
        path = _read_path(site.node, names)
        if path is not None:
            places.setdefault(scope.function, set()).update(_root_keys(path, _known(functions, site.function, index), names))
    return places


def _scratch_argument(target: ast.expr, function: Function, index: Index, names: Names,
                      functions: dict[int, _Function]) -> bool:
    """A module helper writing to a parameter (`download_file(url, destination)`) that every call in the module hands
    temporary space (`fd, path = tempfile.mkstemp()` then `download_file(url, path)`): scratch too."""
    params = [a.arg for a in function.args.args]
    if not isinstance(target, ast.Name) or target.id not in params or names.functions.get(function.name) is not function:
        return False
    position = params.index(target.id)
    calls = [site for site in index.calls if isinstance(site.node.func, ast.Name) and site.node.func.id == function.name]
    passed = []
    for site in calls:
        call = site.node
        argument = call.args[position] if position < len(call.args) and not any(
            isinstance(a, ast.Starred) for a in call.args[:position + 1]) else next(
            (k.value for k in call.keywords if k.arg == target.id), None)
        if argument is None or site.function is None:
            return False
        passed.append(_temporary(argument, _known(functions, site.function, index), names))
    return bool(passed) and all(passed)


def _writing_mode(call: ast.Call) -> str | None:
    mode = next((k.value for k in call.keywords if k.arg == "mode"), call.args[1] if len(call.args) > 1 else None)
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
        return mode.value
    return None


def _module_function(receiver: ast.expr, names: Names) -> bool:
    """Whether `receiver` of a `.to_csv()`-like call is an imported module or class, or a class of this module: its
    `to_json(d)` is then a function taking data (`helios.utils.to_json` is `json.dumps`), not the method of a DataFrame
    whose first argument is the path it writes. (pandas' own module writer, `pandas.to_pickle(obj, path)`, is in
    `_PATH_FUNCS`.)"""
    while isinstance(receiver, ast.Attribute):
        receiver = receiver.value
    return isinstance(receiver, ast.Name) and (names.is_imported(receiver.id) or receiver.id in names.classes)


def _target(call: ast.Call, names: Names, function: Callable[[], _Function],
            records: set[int]) -> tuple[ast.expr, str, ast.expr | None] | None:
    """(path expression, api, data expression) when `call` writes a file; `function` gives what is known of the
    function around it, made only for the calls that need it (most calls write nothing); `records`: id() of the
    appends to log-named files that are the app's records (`appended_records`), data like any other file."""
    qualified = names.qualify(call.func) or ""
    if qualified in _OPENERS and call.args and _writing_mode(call):
        if appends_to_log(call) and id(call) not in records:
            return None  # a log kept by hand: TF1101's, not data this handler stores
        return call.args[0], f"{qualified}(..., {_writing_mode(call)!r})", None
    if qualified in _PATH_FUNCS:
        position = _PATH_FUNCS[qualified]
        if len(call.args) > max(position, 0):
            return call.args[position], qualified, call.args[0]
        return None
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr in _PATH_METHODS and call.args:
        receiver = func.value
        if func.attr.startswith("write_") and isinstance(receiver, ast.Call):  # Path(p).write_text(...)
            return (receiver.args[0] if receiver.args else receiver), f"Path.{func.attr}()", call.args[0]
        if func.attr.startswith("to_"):
            if _module_function(receiver, names):
                return None  # `utils.to_json(d)`: a function of a module or class given data, not a DataFrame's writer
            return call.args[0], f".{func.attr}()", receiver
        if func.attr.startswith("write_") and not function().is_path(receiver):
            return None  # `tar.write_bytes(...)`, `zip.write_text(...)`: an archive member, not a file
        return receiver, f"Path.{func.attr}()", call.args[0]
    if func.attr == "open" and function().is_path(func.value):  # Path(p).open("wb"), target.open(mode="a")
        mode = next((k.value for k in call.keywords if k.arg == "mode"), call.args[0] if call.args else None)
        if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and re.fullmatch(r"[rwxabt+]{1,3}", mode.value) \
                and set(mode.value) & set("wax+"):
            return func.value, f"Path.open({mode.value!r})", None
        return None
    if func.attr == "save" and call.args and not call.keywords:
        receiver = func.value
        if isinstance(receiver, ast.Call) and (names.qualify(receiver.func) or "").endswith("FileSystemStorage"):
            return call.args[0], "FileSystemStorage().save()", call.args[1] if len(call.args) > 1 else None
        if isinstance(receiver, ast.Name) and names.constructors.get(receiver.id, "").endswith("FileSystemStorage"):
            return call.args[0], "FileSystemStorage.save()", call.args[1] if len(call.args) > 1 else None
        return call.args[0], f"{ast.unparse(receiver)[:40]}.save()", receiver
    return None


def file_write_facts(index: Index, names: Names, contexts: Contexts, path: str) -> list[FileWrite]:
    facts = []
    moves: list[tuple[FileWrite, set[tuple[str, str]]]] = []
    functions: dict[int, _Function] = {}
    read_places: dict[str, set[str]] | None = None
    records: set[int] | None = None
    dead: set[int] | None = None
    for site in index.calls:
        if site.function is None:
            continue
        scope = contexts.of(site)
        if scope.context not in (REQUEST, JOB):
            continue
        if records is None:
            records = appended_records(index, names)
        found = _target(site.node, names, partial(_known, functions, site.function, index), records)
        if found is None:
            continue
        if dead is None:
            dead = dead_code(index, names)
        if id(site.node) in dead:
            continue  # under `if FEATURE:` with `FEATURE = False` in the module: never runs as written
        function = _known(functions, site.function, index)
        target, api, data = found
        if ast.unparse(target) in function.removed - function.removed_always and read_places is None:
            read_places = _read_places(index, names, contexts, functions)
        elsewhere = {p for f, found_places in (read_places or {}).items() if f != scope.function for p in found_places}
        if _is_scratch(target, function, names, elsewhere) or _scratch_argument(target, site.function, index, names,
                                                                                functions):
            continue
        saved = api.endswith(".save()") and "FileSystemStorage" not in api
        upload = data is not None and (function.is_upload_object(data) if saved else function.is_upload(data))
        upload = upload or _writes_upload(site, function)
        if api.endswith(".save()") and not upload and "FileSystemStorage" not in api:
            continue  # `.save(path)` on something that is not an upload: an ORM object, an image of unknown origin
        consumed = "" if upload else _consumed(site, target, function, names, index)
        cache = "" if upload else _refilled_cache(site, target, names)
        store = "" if upload else _kept_in_store(site, target, function, names)
        facts.append(fact_at(FileWrite, path, site.node, scope, site.statement_line, api, api=api,
                             target=ast.unparse(target)[:60], upload=upload, module_kind=contexts.module_kind,
                             served=not upload and function.serves(target), consumed=consumed, cache=cache,
                             store=store))
        if api in _MOVES and not upload:
            moves.append((facts[-1], _written_as(site.node.args[0], site.function, scope.function, names)))
    return _one_per_handler(_into_uploads(_moved_into_place(facts, moves)))


def _consumed(site: Site[ast.Call], target: ast.expr, function: _Function, names: Names, index: Index) -> str:
    """The call of the function's own reading the scratch file it wrote (`_Function.consumer`), else `""`: for a path
    under a directory named for temporary files, any call handing it on; for a path a call named for temporary space
    made (`_made_temporary`), one whose result the function uses, and no hand-off giving nothing back."""
    after = site.node.end_lineno or site.node.lineno
    if _under_temporary_dir(target, function, names):
        return function.consumer(target, after)
    if _made_temporary(target, function):
        return function.consumer(target, after, index.discarded)
    return ""


_STORE = re.compile(r"\bMEDIA_ROOT\b|\bUPLOAD_FOLDER\b"
                    r"|\bsettings\.[A-Z_]*?(?:MEDIA|UPLOADS?|DATA)_(?:ROOT|DIR|FOLDER|PATH)\b"
                    r"|\bconfig(?:\.get\(|\[)\s*['\"][A-Z_]*?(?:MEDIA|UPLOADS?|DATA)_(?:ROOT|DIR|FOLDER|PATH)['\"]")
"""The project's persistent file store: Django's `MEDIA_ROOT`, Flask's `UPLOAD_FOLDER`, or a setting naming the
media, upload or data root (`settings.DATA_DIR`, `app.config["UPLOAD_DIR"]`)."""
_HAND_ON_WORDS = frozenset({"upload", "uploads", "send", "mail", "email", "attach", "put", "push", "sync", "clone",
                            "transfer", "publish", "ftp", "sftp", "s3"})
"""Words of a call that takes a staged file elsewhere (`upload_file(p)`, `msg.attach_file(p)`, `SFTPClone(src, ...)`)."""


def _kept_in_store(site: Site[ast.Call], target: ast.expr, function: _Function, names: Names) -> str:
    """The setting naming the project's persistent file store (`_STORE`) the path is built on — `settings.MEDIA_ROOT`
    for `os.path.join(settings.MEDIA_ROOT, "reports", name)` — else `""`. Not for a directory named for temporary
    files under it (`MEDIA_ROOT/tmp/x`, a path a temporary-named call made), nor a file the same function deletes
    again or hands to an upload, a mail or another transfer afterwards (`_handed_on_or_deleted`): a staging copy."""
    if _under_temporary_dir(target, function, names) or _made_temporary(target, function) \
            or _names_temporary_dir(target, function):
        return ""
    texts = [function.text(target), *(ast.unparse(r) for r in _roots(target, function, names, 0))]
    found = next((m.group(0) for t in texts if (m := _STORE.search(t))), "")
    if not found or _handed_on_or_deleted(site, target, function):
        return ""
    key = re.search(r"['\"]([A-Z_]+)['\"]", found) if found.startswith("config") else None
    return f'config["{key.group(1)}"]' if key else found


def _names_temporary_dir(target: ast.expr, function: _Function) -> bool:
    """A literal of the path, or of a local name it is built from, naming a directory for temporary files anywhere
    in it (`os.path.join(settings.MEDIA_ROOT, "tmp", name)`), not only at its root."""
    parts = [target]
    if isinstance(target, ast.Name):
        parts += function.sources.get(target.id, [])
    for part in parts:
        for node in walk(part):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                pieces = node.value.strip("/").split("/")
                directories = pieces[:-1] if "." in pieces[-1] else pieces
                if any(_TEMPORARY_DIR.match(piece) for piece in directories):
                    return True
    return False


def _handed_on_or_deleted(site: Site[ast.Call], target: ast.expr, function: _Function) -> bool:
    """Whether the function deletes the file written at `target` (`os.remove(p)`, also as an item of a list it was
    added to: `delete_files.append(p)` … `for item in delete_files: os.remove(item)`) or, after the write, hands it,
    its list or a local directory it was built in to a call taking it elsewhere (`_HAND_ON_WORDS`)."""
    text = ast.unparse(target)
    holders = {text}
    if isinstance(target, ast.Name):  # the local directories the path was built in (`src` of `"{}{}".format(src, n)`)
        holders |= {n.id for source in function.sources.get(target.id, ()) for n in walk(source)
                    if isinstance(n, ast.Name) and n.id in function.sources}
    holders |= {ast.unparse(call.func.value) for call in function.calls if isinstance(call.func, ast.Attribute)
                and call.func.attr in {"append", "add", "extend"} and any(ast.unparse(a) == text for a in call.args)}
    for removed in function.removed:
        if removed in holders or any(ast.unparse(source) in holders for source in function.sources.get(removed, ())):
            return True
    after = site.node.end_lineno or site.node.lineno
    for call in function.calls:
        if call.lineno <= after:
            continue
        words = set(re.sub(r"([a-z])([A-Z])", r"\1_\2", last_name(call.func) or "").lower().split("_"))
        if words & _HAND_ON_WORDS and any(ast.unparse(n) in holders for a in [*call.args, *(k.value for k in call.keywords)]
                                          for n in walk(a) if isinstance(n, (ast.Name, ast.Attribute, ast.Call))):
            return True
    return False


_MOVES = {"os.rename", "os.replace", "shutil.move"}
_EXISTS = {"exists", "isfile"}
_REMOTE = ("requests.", "httpx.", "urllib.request.", "urllib3.", "aiohttp.")
"""HTTP clients: what a call of theirs gives comes from another service, and can be fetched again."""


def _refilled_cache(site: Site[ast.Call], target: ast.expr, names: Names) -> str:
    """The HTTP call (`` `requests.get()` ``) whose answer the function writes to `target` when the file is missing,
    else `""`: a read-through cache. The function tests that the file exists (`os.path.exists(p)`, `p.exists()`),
    reads it when it does (`open(p)`), and otherwise fetches the data from another service and writes it — outside
    the branch where the file exists. A lost or per-container copy is fetched again: no state is lost."""
    function = site.function
    if function is None:
        return ""
    text = ast.unparse(target)
    tests, reads, fetch = [], False, ""
    for node in walk(function):
        if not isinstance(node, ast.Call):
            continue
        name = last_name(node.func)
        if name in _EXISTS:
            tested = node.args[0] if node.args else node.func.value if isinstance(node.func, ast.Attribute) else None
            if tested is not None and ast.unparse(tested) in (text, f"Path({text})"):
                tests.append(node)
        elif (read := _read_path(node, names)) is not None and ast.unparse(read) == text:
            reads = True
        elif not fetch and (names.qualify(node.func) or "").startswith(_REMOTE) and node.lineno < site.node.lineno:
            fetch = f"`{names.qualify(node.func)}()`"
    if not (tests and reads and fetch):
        return ""
    inside = any(isinstance(n, ast.If) and any(t is c for c in walk(n.test) for t in tests)
                 and not isinstance(n.test, ast.UnaryOp)
                 and any(n2 is site.node for statement in n.body for n2 in walk(statement)) for n in walk(function))
    return "" if inside else fetch


def _written_as(source: ast.expr, function: Function, qualname: str, names: Names) -> set[tuple[str, str]]:
    """(function, path expression) pairs naming the file a rename moves: its source in the renaming function, and
    the parameter a module helper receives it as (`download(url, tmp)` then `os.rename(tmp, path)`)."""
    text = ast.unparse(source)[:60]
    found = {(qualname, text)}
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names.functions:
            params = [a.arg for a in names.functions[node.func.id].args.args]
            found |= {(node.func.id, params[i]) for i, arg in enumerate(node.args)
                      if i < len(params) and ast.unparse(arg)[:60] == text}
            found |= {(node.func.id, k.arg) for k in node.keywords if k.arg and ast.unparse(k.value)[:60] == text}
    return found


def _moved_into_place(facts: list[FileWrite], moves: list[tuple[FileWrite, set[tuple[str, str]]]]) -> list[FileWrite]:
    """A file written and then renamed or moved into place is one problem: the rename folds into the write (its
    `moved_to`, and a related location)."""
    folded: dict[int, FileWrite] = {}
    for move, sources in moves:
        write = next((f for f in facts if f.api not in _MOVES and not f.upload and (f.function, f.target) in sources),
                     None)
        if write is None:
            continue
        folded[id(move)] = move
        moved_to = f"`{move.target}` (line {move.line})"
        facts[facts.index(write)] = replace(write, moved_to=f"{write.moved_to}, {moved_to}" if write.moved_to else moved_to,
                                            places=(*write.places, (move.path, move.line, move.column)))
    return [f for f in facts if id(f) not in folded]


def _into_uploads(facts: list[FileWrite]) -> list[FileWrite]:
    """A handler that saves an upload to a path on one branch and moves a chunked upload's assembled file to the same
    path on another writes one file: the move folds into the upload (a related location of its TF605 finding)."""
    uploads = {(f.function, f.target): i for i, f in enumerate(facts) if f.upload}
    kept = list(facts)
    folded = set()
    for fact in facts:
        at = uploads.get((fact.function, fact.target))
        if at is not None and not fact.upload:
            kept[at] = replace(kept[at], places=(*kept[at].places, (fact.path, fact.line, fact.column)))
            folded.add(id(fact))
    return [f for f in kept if id(f) not in folded]


def _one_per_handler(facts: list[FileWrite]) -> list[FileWrite]:
    """A handler's local files are one problem (a screenshot, its elements and its fetch parked side by side):
    its first non-upload write speaks for them and names the others. Uploads stay one per place (TF605)."""
    firsts: dict[str, int] = {}
    others: dict[str, list[FileWrite]] = {}
    kept: list[FileWrite] = []
    for fact in facts:
        if fact.upload or fact.function not in firsts:
            if not fact.upload:
                firsts[fact.function] = len(kept)
            kept.append(fact)
        else:
            others.setdefault(fact.function, []).append(fact)
    for function, rest in others.items():
        first = kept[firsts[function]]
        kept[firsts[function]] = replace(first, others=", ".join(f"`{f.target}` (line {f.line})" for f in rest),
                                         served=first.served and all(f.served for f in rest),
                                         store=first.store or next((f.store for f in rest if f.store), ""),
                                         consumed=first.consumed if all(f.consumed for f in rest) else "")
    return kept


def _writes_upload(site: Site, function: _Function) -> bool:
    """`with open(p, "wb") as out: out.write(await file.read())` / `shutil.copyfileobj(file.file, out)`."""
    node = site.node
    opened = isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
    if not opened or site.function is None:
        return False
    for statement in walk(site.function):
        if isinstance(statement, (ast.With, ast.AsyncWith)) and any(item.context_expr is node for item in statement.items):
            return any(isinstance(n, ast.Call) and any(function.is_upload(a) for a in n.args)
                       for body in statement.body for n in walk(body))
    return False
