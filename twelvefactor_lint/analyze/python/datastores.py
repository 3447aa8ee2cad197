"""Classes that keep the app's data in a JSON/YAML/pickle file on local disk (TF607).

A class whose methods both load a serialised file (`json.load`, `json.loads(p.read_text())`,
`yaml.safe_load`, `pickle.load`) and write it back (`json.dump`, `p.write_text(json.dumps(...))`,
`pickle.dump`) is a datastore: its data lives on one container's disk, and each replica
reads and rewrites its own copy. A class that deletes its file again (`os.remove`, `unlink`)
uses it as scratch space, not as a store; one named a cache (`cache`) keeps what it can compute again. One whose
loading and writing methods both open a path their caller passes (`def save(self, path)` ... `def load(cls,
path)`) is an export/import API: where the file lives is the caller's choice (`caller_path`).
"""

from __future__ import annotations

import ast

from twelvefactor_lint.analyze.python.context import Contexts, Scope, fact_at
from twelvefactor_lint.analyze.python.index import walk
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.facts.python import FileDatastore

_LOADERS = {"json.load", "json.loads", "yaml.load", "yaml.safe_load", "pickle.load", "pickle.loads", "orjson.loads"}
_DUMPERS = {"json.dump", "yaml.dump", "yaml.safe_dump", "pickle.dump"}
_SERIALISERS = {"json.dumps", "yaml.dump", "yaml.safe_dump", "pickle.dumps", "orjson.dumps"}
_STRING_LOADERS = {"json.loads", "pickle.loads", "orjson.loads"}
_FILE_READS = {"read", "read_text", "read_bytes"}
_REMOVERS = {"os.remove", "os.unlink", "shutil.rmtree"}
_FILE_WRITERS = {"write_text", "write_bytes"}
"""Path methods: `fh.write(json.dumps(...))` on a file handed in is a stream, not a store."""
_OPENING = {"open", "write_text", "write_bytes", "read_text", "read_bytes"}
Method = ast.FunctionDef | ast.AsyncFunctionDef


def might_have_datastore(text: str) -> bool:
    """The cheap pre-check: a module without both words has no such class."""
    return "load" in text and "dump" in text and "class " in text


def datastore_facts(names: Names, contexts: Contexts, path: str) -> list[FileDatastore]:
    facts = []
    for name, cls in names.classes.items():
        loads, removes, writes = None, False, None
        for node in walk(cls):
            if not isinstance(node, ast.Call):
                continue
            qualified = names.qualify(node.func) or ""
            if loads is None and qualified in _LOADERS and _reads_file(node, qualified):
                loads = node
            removes = removes or qualified in _REMOVERS or isinstance(node.func, ast.Attribute) and node.func.attr == "unlink"
            if writes is None and _writes_serialised(node, qualified, names):
                writes = node
        if loads is not None and writes is not None and not removes:
            scope = Scope("function", name, f"class `{name}`")
            facts.append(fact_at(FileDatastore, path, writes, scope, writes.lineno, name, store=name,
                                 cache=_is_cache(cls, writes), module_kind=contexts.module_kind,
                                 caller_path=_opens_caller_path(cls, loads) and _opens_caller_path(cls, writes)))
    return facts


def _method_of(cls: ast.ClassDef, node: ast.AST) -> Method | None:
    return next((f for f in walk(cls) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and any(n is node for n in walk(f))), None)


def _opens_caller_path(cls: ast.ClassDef, call: ast.Call) -> bool:
    """Whether the method holding `call` opens a file at a path one of its parameters gives (`open(path, "w")`,
    `Path(path).open()`): the caller chooses the file."""
    method = _method_of(cls, call)
    if method is None:
        return False
    params = {a.arg for a in [*method.args.posonlyargs, *method.args.args, *method.args.kwonlyargs]} - {"self", "cls"}
    for node in walk(method):
        func = node.func if isinstance(node, ast.Call) else None
        opening = isinstance(func, ast.Name) and func.id == "open" or isinstance(func, ast.Attribute) and func.attr in _OPENING
        if opening and any(isinstance(n, ast.Name) and n.id in params for n in walk(node)):
            return True
    return False


def _is_cache(cls: ast.ClassDef, writes: ast.Call) -> bool:
    """The file is a cache by its names: the class (`TmdbCache`), the method that writes it (`_write_scan_cache`),
    or what the write names (`json.dump(cache_data, f)`, `self.cache_path.write_text(...)`)."""
    method = _method_of(cls, writes)
    words = [cls.name, method.name if method else ""] + [
        n.id if isinstance(n, ast.Name) else n.attr for n in walk(writes) if isinstance(n, (ast.Name, ast.Attribute))]
    return any("cache" in word.lower() for word in words)


def _reads_file(call: ast.Call, qualified: str) -> bool:
    """`json.load(fh)`, `yaml.safe_load(fh)`, or a string loader given a file's contents (`json.loads(p.read_text())`);
    `json.loads(body)` parses a string that may come from anywhere (a request, a message)."""
    if qualified not in _STRING_LOADERS:
        return True
    return bool(call.args) and isinstance(call.args[0], ast.Call) and isinstance(call.args[0].func, ast.Attribute) \
        and call.args[0].func.attr in _FILE_READS


def _writes_serialised(call: ast.Call, qualified: str, names: Names) -> bool:
    """`json.dump(data, fh)` or `path.write_text(json.dumps(data))`; `yaml.dump(data)` without a stream returns a
    string and writes nothing."""
    if qualified in _DUMPERS:
        return len(call.args) >= 2 or any(k.arg in ("fp", "stream", "file") for k in call.keywords)
    return isinstance(call.func, ast.Attribute) and call.func.attr in _FILE_WRITERS and bool(call.args) \
        and isinstance(call.args[0], ast.Call) and (names.qualify(call.args[0].func) or "") in _SERIALISERS
