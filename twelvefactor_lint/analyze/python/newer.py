"""Files whose syntax is newer than the running Python (PEP 695 generics, PEP 701 f-strings, ...).

Such a file is valid code, not a parse error. It is analyzed by this same analyzer under the newest
`python3.X` on PATH that is newer than the running one (our own stdlib-only analyzer in an isolated
interpreter; the scanned file is only parsed there too, and the facts come back as JSON). With no
such interpreter, libcst (which reads newer grammars) tells valid newer syntax from a real error,
and the file is skipped with that reason instead of being reported as unparseable.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twelvefactor_lint.analyze import Unanalyzable
from twelvefactor_lint.analyze.python.type_params import parses_without_type_params
from twelvefactor_lint.facts import FileAnalysis
from twelvefactor_lint.infra.external import ToolFailed, run_tool, start_own
from twelvefactor_lint.infra.external import newer_pythons as _newer_interpreters
from twelvefactor_lint.infra.limits import paused

if TYPE_CHECKING:
    from twelvefactor_lint.infra.external import OwnProcess

_MAX_BRACKET_DEPTH = 200
_OPENING, _CLOSING = frozenset(b"([{"), frozenset(b")]}")
_CHILD = (
    "import json, sys; sys.path.insert(0, sys.argv[1]); "
    "from twelvefactor_lint.analyze.python import analyze_here; "
    "sys.stdout.write(json.dumps(analyze_here(sys.argv[2], sys.stdin.buffer.read()).to_dict()))"
)
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[3])


class NeedsNewerPython(Unanalyzable):
    """Valid syntax that the running Python cannot parse and no newer interpreter could analyze."""


def analyze_elsewhere(path: str, data: bytes) -> FileAnalysis | tuple[str, ...]:
    """The file's facts from a newer interpreter on PATH, or the interpreters that ran and could not parse it
    either (its syntax is newer still: `except A, B:` needs 3.14)."""
    tried = []
    for program in _newer_interpreters():
        with paused():  # asked once per process (per run, see `_Answers`): not this file's time
            starts = _answers.starts(program) if _answers is not None else _starts(program, shutil.which(program),
                                                                                     os.getcwd())
        if not starts:
            continue
        tried.append(program)
        try:
            out = run_tool(program, ["-I", "-S", "-c", _CHILD, _PACKAGE_PARENT, path], stdin=data, timeout=20)
            return FileAnalysis.from_dict(json.loads(out))
        except (ToolFailed, ValueError, KeyError, TypeError):
            continue
    return tuple(tried)


@cache
def _starts(program: str, found: str | None, cwd: str) -> bool:
    """Whether the interpreter runs at all, asked once per process for where PATH finds it (`found`) and the
    working directory: a pyenv shim of a version that is not installed fails in about half a second, which
    every file of newer syntax would pay again."""
    try:
        run_tool(program, ["-I", "-S", "-c", "pass"], timeout=20, cwd=Path(cwd))
    except ToolFailed:
        return False
    return True


class _Answers:
    """Whether each newer interpreter on PATH starts, asked by the first process of the run that needs to know and
    kept for the others in memory they share (made before the workers fork): a pyenv shim of a version that is not
    installed takes some 0.3 s of CPU to fail, which each worker would pay again."""

    def __init__(self, programs: tuple[str, ...]):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.where = [(program, shutil.which(program), os.getcwd()) for program in programs]  # `_starts`'s keys
        self.lock, self.values = context.Lock(), context.RawArray("b", len(programs))  # 0 not asked, 1 starts, 2 not

    def starts(self, program: str) -> bool:
        key = (program, shutil.which(program), os.getcwd())
        if key not in self.where or not self.lock.acquire(timeout=_SHARED_WAIT):  # its holder was killed
            return _starts(*key)
        try:
            index = self.where.index(key)
            if not self.values[index]:
                self.values[index] = 1 if _starts(*key) else 2
            return self.values[index] == 1
        finally:
            self.lock.release()


_answers: _Answers | None = None


def is_newer_syntax(data: bytes) -> bool:
    """Whether the file is valid newer syntax: PEP 695 syntax the running `ast` reads once it is taken out
    (`type_params`), else whether libcst, which knows newer grammars than the running `ast`, parses it.

    Brackets nested deeper than any CPython's tokenizer allows (200) are a real error, and libcst's
    native parser must not see them: it overflows its stack on thousands of levels.
    """
    if _bracket_depth(data) >= _MAX_BRACKET_DEPTH:
        return False
    return parses_without_type_params(data) or _Checker.here().parses(data)


_CHECK = """
import sys
source, out = sys.stdin.buffer, sys.stdout.buffer
while header := source.read(8):
    data = source.read(int.from_bytes(header, "big"))
    try:
        import libcst  # at the first question (the greeting): a run whose files `type_params` answers never pays it
        libcst.parse_module(data)
        out.write(b"1")
    except Exception:
        out.write(b"0")
    out.flush()
"""


class _Checker:
    """libcst in a process of its own, started for the first file the running Python cannot parse and kept for
    the rest: its import and its trees (several MB for a long module) never grow the analyzing process, which
    holds a project's facts or runs beside others. It stops when this process exits (or, killed, when its input
    closes). A checker that cannot start says "not newer syntax" (as libcst failing to parse does) for every file;
    one that dies on a file, or is stopped mid-question by a time limit, is started again for the next.

    A run that expects such files (`share`) starts one before its workers fork, and they ask it in turn (a lock
    around each question): libcst is imported once per run, at the first file `type_params` cannot answer, not once
    per worker."""

    _running: _Checker | None = None
    _shared: _Checker | None = None

    def __init__(self, shared: bool = False) -> None:
        self.owner = os.getpid()
        self.process: OwnProcess[bytes] | None = None
        self.lock: Any = None
        self.greeted: Any = None
        try:
            self.process = start_own(_CHECK)
        except (OSError, ValueError):
            return
        import multiprocessing.util  # its exit hook runs in worker processes too, where atexit's do not

        if shared:  # its greeting is read by the first question, whichever process asks it
            context = multiprocessing.get_context("fork")
            self.lock, self.greeted = context.Lock(), context.RawValue("b", 0)
        elif not self._greet():
            self.stop()
        multiprocessing.util.Finalize(self, self.stop, exitpriority=10)  # in its owner alone: forks inherit it

    @classmethod
    def here(cls) -> _Checker:
        """The run's shared checker, else this process's (a forked worker starts its own: its parent's pipes are
        not its to use)."""
        if cls._shared is not None:
            return cls._shared
        if cls._running is None or cls._running.owner != os.getpid():
            with paused():  # the process's cost, not the first file's
                cls._running = _Checker()
        return cls._running

    def parses(self, data: bytes) -> bool:
        if self.lock is None:
            return self._ask(data)
        if not self.lock.acquire(timeout=_SHARED_WAIT):  # its holder was killed mid-question: this process's own
            _Checker._shared = None
            return _Checker.here().parses(data)
        try:
            if not self.greeted.value:
                self.greeted.value = self._greet()
            if self.greeted.value:
                verdict = self._ask(data)
                if self.process is not None:
                    return verdict
        finally:
            self.lock.release()
        _Checker._shared = None  # it failed: this process asks its own from now on, as it would have
        return _Checker.here().parses(data)

    def _greet(self) -> bool:
        """Whether the checker answers: its first question, an empty module, makes it import libcst (the run's
        cost, not a file's)."""
        with paused():
            return self._ask(b"")

    def _ask(self, data: bytes) -> bool:
        if self.process is None or self.process.stdin is None:
            return False
        try:
            self.process.stdin.write(len(data).to_bytes(8, "big") + data)
            self.process.stdin.flush()
            verdict = self._read()
        except OSError:
            verdict = b""
        except BaseException:  # a time limit mid-question: its answer would be taken for the next one's
            self._drop()
            raise
        if verdict not in (b"0", b"1"):
            self._drop()
        return verdict == b"1"

    def _drop(self) -> None:
        self.stop()
        if _Checker._shared is self:
            _Checker._shared = None
        else:
            _Checker._running = None

    def _read(self) -> bytes:
        return self.process.stdout.read(1) if self.process is not None and self.process.stdout is not None else b""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if os.getpid() == self.owner:
            process.kill()
            process.wait()
        else:  # a worker stopping the shared checker, which is not its child
            with suppress(OSError):
                os.kill(process.pid, signal.SIGKILL)
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:  # what a dead checker's input still buffered cannot be written
                    pass


_SHARED_WAIT = 5.0
"""Seconds a worker waits for the shared checker before it starts its own (a worker killed while asking holds it)."""
_LOWER_BOUNDS = frozenset({">=", "~=", "==", "===", ">"})


def share(root: Path) -> None:
    """Start the shared checker now, before workers fork, when the project says it needs a newer Python than this
    one (`requires-python`): such a project has files of newer syntax, and each worker would import libcst for those
    `type_params` cannot answer.
    Where workers do not fork (macOS, Windows) each keeps its own. Whether the newer interpreters on PATH start is
    then asked once for all of them (`_Answers`)."""
    from twelvefactor_lint.config import requires_python

    if _Checker._shared is not None or not sys.platform.startswith("linux") or not needs_newer(requires_python(root)):
        return
    checker = _Checker(shared=True)
    _Checker._shared = checker if checker.process is not None else None
    global _answers
    _answers = _Answers(_newer_interpreters())


def needs_newer(wanted: str | None) -> bool:
    """Whether a `requires-python` specifier sets a lower bound past this Python's version (`>=3.12`, `~=3.13`,
    `==3.12.*` on 3.11); an upper bound alone, or a specifier that does not parse, is not one."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        specifiers = SpecifierSet(wanted or "")
    except InvalidSpecifier:
        return False
    for specifier in specifiers:
        try:
            bound = Version(specifier.version.removesuffix(".*")).release
        except InvalidVersion:
            continue
        if specifier.operator in _LOWER_BOUNDS and bound[:1] == (3,) and bound[:2] > sys.version_info[:2]:
            return True
    return False


def _bracket_depth(data: bytes) -> int:
    """The deepest bracket nesting, strings included (an over-estimate is safe here)."""
    depth = deepest = 0
    for byte in data:
        if byte in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSING:
            depth -= 1
    return deepest
