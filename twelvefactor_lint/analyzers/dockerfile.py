"""The Dockerfile analyzer: stages, start instructions, and the processes they start.

dockerfile-parse splits instructions. Its known gaps are covered before it sees the
text, keeping every line number: blank and comment lines inside a continuation
(which Docker skips but dockerfile-parse treats as the end of the instruction),
heredoc bodies, and a continuation left open at the end of the file.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

from twelvefactor_lint import directives
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.images import image_kind
from twelvefactor_lint.shell.parse import SimpleCommand, parse as parse_shell
from twelvefactor_lint.shell.processes import extra_processes
from twelvefactor_lint.sources import decode_text, split_lines

_HEREDOC = re.compile(r"<<-?\s*([\"']?)([A-Za-z_][\w-]*)\1")
_START = ("CMD", "ENTRYPOINT")


@dataclass
class Instruction:
    name: str
    value: str
    line: int
    end_line: int

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form instruction, else None (shell form)."""
        text = self.value.strip()
        if not text.startswith("["):
            return None
        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        return parsed if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed) else None


@dataclass
class Stage:
    index: int
    base: str
    name: str
    line: int
    instructions: list[Instruction] = field(default_factory=list)

    def last(self, name: str) -> Instruction | None:
        found = [i for i in self.instructions if i.name == name]
        return found[-1] if found else None


def normalize(lines: list[str]) -> str:
    """Rewrite the text so dockerfile-parse reads it as Docker does, with the same line count."""
    out: list[str] = []
    continuing = False
    heredoc: str | None = None
    for line in lines:
        stripped = line.strip()
        if heredoc is not None:
            out.append(line + " \\" if stripped != heredoc else line)
            if stripped == heredoc:
                heredoc, continuing = None, False
            continue
        if continuing and (not stripped or stripped.startswith("#")):
            out.append("\\")
            continue
        match = _HEREDOC.search(line) if not stripped.startswith("#") else None
        if match and not line.rstrip().endswith("\\"):
            heredoc = match.group(2)
            out.append(line + " \\")
            continuing = True
            continue
        out.append(line)
        continuing = line.rstrip().endswith("\\")
    if continuing or heredoc is not None:
        out.append("")
    return "\n".join(out) + "\n"


def instructions(text: str) -> list[Instruction]:
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=io.BytesIO(normalize(split_lines(text)).encode("utf-8")))
    return [
        Instruction(item["instruction"].upper(), item["value"], item["startline"] + 1, item["endline"] + 1)
        for item in parser.structure if item["instruction"] != "COMMENT"
    ]


def stages(items: list[Instruction]) -> list[Stage]:
    result: list[Stage] = []
    for item in items:
        if item.name == "FROM":
            words = [w for w in item.value.split() if not w.startswith("--")]
            base = words[0] if words else ""
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else ""
            result.append(Stage(len(result), base, name.lower(), item.line))
        elif result:
            result[-1].instructions.append(item)
    return result


def effective_start(stage: Stage, by_name: dict[str, Stage]) -> dict[str, Instruction]:
    """The ENTRYPOINT and CMD a stage runs with, inherited from earlier stages it builds on.

    Setting ENTRYPOINT in a stage clears a CMD inherited from its base, as Docker does.
    """
    own = {name: stage.last(name) for name in _START}
    parent = by_name.get(stage.base.lower())
    inherited = effective_start(parent, by_name) if parent is not None and parent.index < stage.index else {}
    result = {}
    if own["ENTRYPOINT"] or inherited.get("ENTRYPOINT"):
        result["ENTRYPOINT"] = own["ENTRYPOINT"] or inherited["ENTRYPOINT"]
    cmd = own["CMD"] or (None if own["ENTRYPOINT"] else inherited.get("CMD"))
    if cmd:
        result["CMD"] = cmd
    return result


def _commands(instruction: Instruction) -> list[SimpleCommand]:
    argv = instruction.exec_form
    offset = instruction.line
    if argv is not None:
        return [SimpleCommand(tuple(argv), line=offset)] if argv else []
    return [SimpleCommand(c.argv, c.background, c.connector, offset + c.line) for c in parse_shell(instruction.value)]


def _facts(path: str, items: list[Instruction]) -> list[Fact]:
    all_stages = stages(items)
    if not all_stages:
        return [parse_error(path, "no FROM instruction: not a buildable Dockerfile")] if items else []
    facts: list[Fact] = []
    for stage in all_stages:
        for name in _START:
            repeated = [i for i in stage.instructions if i.name == name]
            for overridden in repeated[:-1]:
                facts.append(Fact("dockerfile.overridden_start", path, overridden.line, 1, overridden.end_line,
                                  attrs={"instruction": name, "stage": stage.name or str(stage.index),
                                         "winner_line": repeated[-1].line, "count": len(repeated)},
                                  anchor=f"{name}:{' '.join(overridden.value.split())}"))
    by_name = {s.name: s for s in all_stages if s.name}
    final = all_stages[-1]
    start = effective_start(final, by_name)
    facts.append(Fact("dockerfile.final_stage", path, final.line, 1,
                      attrs={"base": final.base, "base_kind": image_kind(final.base), "stage": final.name or str(final.index)},
                      anchor=f"final:{final.base}"))
    if not start:
        facts.append(Fact("dockerfile.missing_start", path, final.line, 1,
                          attrs={"base": final.base, "base_kind": image_kind(final.base),
                                 "stage": final.name or str(final.index), "started_by": ""},
                          anchor=f"final:{final.base}"))
    for name, instruction in start.items():
        form = "exec" if instruction.exec_form is not None else "shell"
        facts.append(Fact("dockerfile.start", path, instruction.line, 1, instruction.end_line,
                          attrs={"instruction": name, "form": form, "command": instruction.value.strip()},
                          anchor=f"{name}:{' '.join(instruction.value.split())}"))
        for extra in extra_processes(_commands(instruction)):
            facts.append(Fact("container.extra_process", path, extra.line, 1, instruction.end_line,
                              attrs={"how": extra.how, "program": extra.program, "command": extra.command,
                                     "instruction": name, "source": "Dockerfile"},
                              anchor=f"{name}:{extra.how}:{extra.program}"))
    return facts


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    found = directives.scan_hash_comments(split_lines(text), trailing=False)
    try:
        items = instructions(text)
    except Exception as error:  # dockerfile-parse raises assorted errors on malformed input
        return FileAnalysis((parse_error(path, f"cannot parse Dockerfile: {error}"),), found)
    return FileAnalysis(tuple(_facts(path, items)), found)
