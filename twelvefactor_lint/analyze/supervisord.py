"""supervisord configs: each `[program:x]` is a process the container's supervisor starts.

Read with configparser (no interpolation, duplicates tolerated); the program commands become the
same process facts as any other start command, at the `supervised` level, so the inventory lists
them and link can name them in the finding about the supervisor itself. A program without
`stdout_logfile` (or with `AUTO`) logs to a file supervisord keeps under its `childlogdir`, not to
the container's stream: that is a log file too, unless it is `/dev/stdout` (with `maxbytes=0`). A
`tail -F` program forwarding files to the stream is not judged for its own (diagnostic) output; when its own output
is the stream (`stdout_logfile=/dev/stdout`), the files it names are collected (`process.log_collected`).
"""

from __future__ import annotations

import configparser
import re
import shlex
from dataclasses import replace

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, commands_of
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.facts.process import LogCollected, ProcessLogFile

_FORWARDERS = {"tail", "multitail"}
"""Programs that copy log files to their stdout: forwarding logs to the container's stream is their job."""
_STREAM_LOG = re.compile(r"^(/dev/(stdout|stderr|fd/[12])|/proc/self/fd/[12]|none)$", re.IGNORECASE)


def _line_of(lines: list[str], section: str, key: str) -> int:
    """1-based line of `key` inside `[section]` (configparser keeps no positions)."""
    inside = False
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if stripped.startswith("["):
            inside = stripped.lower() == f"[{section.lower()}]"
        elif inside and re.match(rf"{re.escape(key)}\s*[=:]", stripped):
            return number
    return 1


def _redirects_stderr(program: configparser.SectionProxy) -> bool:
    return program.get("redirect_stderr", "").strip().lower() in {"true", "1", "yes", "on"}


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    lines = split_lines(text)
    found = directives.scan_hash_comments(lines)
    parser = configparser.ConfigParser(interpolation=None, strict=False, inline_comment_prefixes=(";", "#"))
    try:
        parser.read_string(text, source=path)
    except configparser.Error as error:
        return FileAnalysis((parse_error(path, f"invalid supervisord config: {str(error).splitlines()[0]}"),), found)
    facts: list[Fact] = []
    for section in parser.sections():
        if not section.startswith("program:") or "command" not in parser[section]:
            continue
        name = section.split(":", 1)[1]
        try:
            argv = tuple(shlex.split(parser[section]["command"]))
        except ValueError:
            argv = tuple(parser[section]["command"].split())
        line = _line_of(lines, section, "command")
        origin = Origin(f"supervisord program `{name}`", name, "supervised", line)
        facts += command_facts(path, origin, commands_of(argv))
        if argv and argv[0].rsplit("/", 1)[-1] in _FORWARDERS:
            # `tail -F /var/log/*.log` forwards other programs' files: its output is that stream
            files = tuple(arg for arg in argv[1:] if not arg.startswith("-") and not arg.isdigit())
            tail = " ".join([argv[0].rsplit("/", 1)[-1], *(arg for arg in argv[1:] if arg.startswith("-"))])
            if files and _STREAM_LOG.match(parser[section].get("stdout_logfile", "").strip()):
                facts.append(LogCollected(path, line, 1, anchor=f"{name}:collected", files=files,
                                          shipper=f"supervisord program `{name}` (`{tail}` to stdout)"))
            continue
        automatic = False
        for key in ("stdout_logfile", "stderr_logfile"):
            target = parser[section].get(key, "").strip()
            if key == "stderr_logfile" and (automatic or _redirects_stderr(parser[section])):
                continue
            if not target or target.upper() == "AUTO":
                automatic = True
                how = f"`{key}` ({'unset' if not target else 'AUTO'}: a file supervisord keeps under its childlogdir)"
                where, target = (_line_of(lines, section, key) if target else line), "AUTO"
            elif _STREAM_LOG.match(target):
                continue
            else:
                how, where = f"`{key}`", _line_of(lines, section, key)
            fact = ProcessLogFile(path, where, 1, source=origin.source, process=name, level="supervised",
                                  command=" ".join(argv), how=how, target=target, anchor=f"{name}:{key}")
            first = facts[-1] if facts else None
            if key == "stderr_logfile" and isinstance(first, ProcessLogFile) and first.anchor == f"{name}:stdout_logfile" \
                    and first.target != "AUTO":
                # one program's two streams sent to files: one setting to change, reported on stdout's line
                also = "and `stderr_logfile`" if target == first.target else f"(and `stderr_logfile`: `{target}`)"
                facts[-1] = replace(first, how=f"{first.how} {also}", places=((path, where, 1),))
                continue
            facts.append(fact)
    return FileAnalysis(tuple(facts), found)
