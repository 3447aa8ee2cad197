"""s6-overlay service files: what the image's `/init` supervises and what it runs before.

A longrun (`/etc/s6-overlay/s6-rc.d/NAME/run`, legacy `/etc/services.d/NAME/run`) is a process type: its
`run` script's real command gives its kind, and that script goes through the shell analysis (logs sent to
files, daemons, start-time work). A oneshot (`s6-rc.d/NAME/up`, legacy `/etc/cont-init.d/*`) is a start-up
step the longruns wait for, so a migration there runs on every container start (TF1201) and a static build
is build work at start (TF501); a oneshot that only chowns says nothing. `finish` scripts and the `type`,
`dependencies.d` files are not read. The repository directory holding `etc/` mirrors the image's `/`, so an
absolute script a service runs (`/etc/s6-overlay/scripts/migrate`) resolves under it.

`up` files are always execline, `run` scripts when their shebang says `execlineb`: an execline script is one
chain of programs each exec'ing the next (`with-contenv s6-setuidgid app gunicorn app`), read here into the
commands it runs; `foreground { ... }` and `if { ... }` blocks run first, `background { ... }` beside.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import replace

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, script_refs
from twelvefactor_lint.analyze.shell.parse import SimpleCommand, assignments, evaluated
from twelvefactor_lint.analyze.shell.parse import parse as parse_shell
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import Fact, FileAnalysis
from twelvefactor_lint.facts.process import MigrationAtStart, ProcessFact

_ROOT = re.compile(r"^(?:(?P<root>.*?)/)?etc/(?:s6-overlay/s6-rc\.d|services\.d|cont-init\.d)/")
_EXECLINE = re.compile(r"^#!\s*\S*execlineb\b")
_BLOCKS = {"foreground": False, "if": False, "background": True}
"""Execline programs that run a `{ ... }` block before going on (True: in the background)."""
_LOADERS = {"with-contenv": 0, "s6-setuidgid": 1, "s6-envuidgid": 1, "s6-applyuidgid": 0, "fdmove": 2, "cd": 1,
            "export": 2, "importas": 2, "s6-envdir": 1, "s6-notifyoncheck": 0, "fdclose": 1, "umask": 1,
            "redirfd": 2}
"""Execline chain loaders (and how many operands they take after their options) that set something up
and exec the rest of the line."""
_STREAMS = re.compile(r"^/dev/(stdout|stderr|null)$")


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    lines = split_lines(text)
    name = posixpath.basename(path)
    oneshot = name == "up" or "/cont-init.d/" in f"/{path}"
    service = posixpath.basename(posixpath.dirname(path)) if name in ("run", "up") else name
    execline = name == "up" or bool(_EXECLINE.match(text))
    variables = {} if execline else assignments(text)
    commands = _execline(lines) if execline else evaluated(parse_shell(text), variables)
    if not commands:
        return FileAnalysis((), directives.scan_hash_comments(lines))
    kind = "oneshot" if oneshot else "longrun"
    origin = Origin(f"s6 {kind} `{service}`", service, "script" if oneshot else "supervised", 1)
    match = _ROOT.match(path)
    rootfs = (match["root"] or ".") if match else ""
    facts: list[Fact] = [_after_oneshot(f) if oneshot else f for f in command_facts(path, origin, commands, variables)]
    facts += [replace(ref, rootfs=rootfs, followed=ref.followed or oneshot)
              for ref in script_refs(path, 1, commands, None, "")]
    return FileAnalysis(tuple(facts), directives.scan_hash_comments(lines))


def _after_oneshot(fact: ProcessFact) -> ProcessFact:
    """The longruns start after the oneshots: a migration in one runs before the service on every start."""
    return replace(fact, followed=True) if isinstance(fact, MigrationAtStart) else fact


def _execline(lines: list[str]) -> list[SimpleCommand]:
    """The commands an execline script runs, in order; the last one is exec'd by the chain."""
    words: list[tuple[int, str]] = []
    for number, raw in enumerate(lines):
        if raw.lstrip().startswith("#"):
            continue
        try:
            words += [(number, word) for word in shlex.split(raw, comments=False, posix=True)]
        except ValueError:
            words += [(number, word) for word in raw.split()]
    commands: list[SimpleCommand] = []
    _chain(words, commands, final_exec=True)
    return commands


def _chain(words: list[tuple[int, str]], out: list[SimpleCommand], final_exec: bool, background: bool = False) -> None:
    redirects: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        word = words[index][1]
        if word in _BLOCKS and index + 1 < len(words) and words[index + 1][1] == "{":
            end = _block_end(words, index + 1)
            _chain(words[index + 2:end], out, final_exec=False, background=_BLOCKS[word])
            index = end + 1
        elif word in _LOADERS:
            index += 1
            while index < len(words) and words[index][1].startswith("-"):
                index += 1
            operands = [w for _, w in words[index:index + _LOADERS[word]]]
            if word == "redirfd" and len(operands) == 2 and operands[0] in {"1", "2"} and not _STREAMS.match(operands[1]):
                redirects.append((">", operands[1]))  # `redirfd -w 1 /var/log/app.log app`: its output to a file
            index += _LOADERS[word]
        else:
            argv = tuple(w for _, w in words[index:] if w not in {"{", "}"})
            out.append(SimpleCommand(argv, background=background, line=words[index][0], redirects=tuple(redirects),
                                     exec=final_exec))
            return


def _block_end(words: list[tuple[int, str]], start: int) -> int:
    """The index of the `}` closing the block opened at `start` (the end of the words when unclosed)."""
    depth = 0
    for index in range(start, len(words)):
        depth += {"{": 1, "}": -1}.get(words[index][1], 0)
        if depth == 0:
            return index
    return len(words)
