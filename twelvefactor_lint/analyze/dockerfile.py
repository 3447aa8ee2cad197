"""The Dockerfile analyzer: stages, start instructions, and the processes they start.

dockerfile-parse splits instructions. Its known gaps are covered before it sees the
text, keeping every line number: blank and comment lines inside a continuation
(which Docker skips but dockerfile-parse treats as the end of the instruction),
heredoc bodies, and a continuation left open at the end of the file.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.analyze.images import datastore_server, image_kind
from twelvefactor_lint.analyze.interpolate import literal_default, substitute
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, commands_of, script_refs
from twelvefactor_lint.analyze.python.credentials import OWN_KEY
from twelvefactor_lint.analyze.secret_shape import not_a_secret, public_url, secret_shape
from twelvefactor_lint.analyze.shell.parse import SimpleCommand
from twelvefactor_lint.analyze.shell.parse import parse as parse_shell
from twelvefactor_lint.analyze.shell.processes import expand, signals_group, started_scripts, unwrap
from twelvefactor_lint.analyze.shell.programs import build_step
from twelvefactor_lint.analyze.storage import is_data_path
from twelvefactor_lint.devprod import header_says_development, installs_dev_dependencies, names_dev, names_prod_file
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import Fact, FileAnalysis, convert, parse_error
from twelvefactor_lint.facts import dockerfile as D
from twelvefactor_lint.facts.platform import EnvVar, SettingsModule
from twelvefactor_lint.facts.process import Pid1Shell, ProcessFact, ProcessStart, ScriptRef, StageStart, StopSignal

_BASE_IMAGE_FILE = re.compile(r"(^|[._-])base([._-]|$)", re.IGNORECASE)
"""`Dockerfile.base`, `base.Dockerfile`: an image other Dockerfiles build FROM; it declares no process."""
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
"""An `ADD` source fetched from the network (`https://...`), not taken from the build context."""
_HEREDOC = re.compile(r"<<-?\s*([\"']?)([A-Za-z_][\w-]*)\1")
_DIRECTIVE = re.compile(r"^#\s*(?P<name>[a-zA-Z]+)\s*=\s*(?P<value>\S+)\s*$")
_START = ("CMD", "ENTRYPOINT")
_SECRET_NAME = re.compile(r"(?i)(secret|passw(or)?d|pwd|token|api[_-]?key|private[_-]?key|access[_-]?key|credential)")
_NOT_SECRET_KEY = re.compile(
    r"(?i)_(FILE|PATH|DIR|LENGTH|MIN|MAX|TTL|TIMEOUT|EXPIRY|EXPIRE|ROUNDS|HASHERS|ALGORITHM|POLICY|HEADER|NAME|ENABLED)$")
_PLACEHOLDER = re.compile(r"(?i)^(|changeme|change[_-]?me|dummy|example|placeholder|x+|\*+|<.*>|\$.*|none|null|false|true|test)$")
_BUILD_ARG_REF = re.compile(r"\$(?:(?P<name>[A-Za-z_]\w*)|\{(?P<braced>[A-Za-z_]\w*)\})")
"""`ENV API_TOKEN=$API_TOKEN`: the value the image is built with, when it names a build argument."""
_SECRET_FILE = re.compile(r"(?i)(^|/)(\.env(\.[\w.-]+)?|local_settings\.py|[^/]*secret[^/]*|id_rsa|[^/]*\.pem|[^/]*\.key)$")
_PUBLIC_FILE = re.compile(r"(?i)(^|[._-])(pub|public|gpg|pgp|cert|certificate|ca|rootca)([._-]|$)|\.(asc|crt)$")
"""Public key material named as such (the file's name, not its directory): an apt repository's signing key
(`nodesource.gpg.key`), a CA certificate (`rootCA.pem`). Copying it into an image is how it is meant to be used."""


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


def escape_char(lines: list[str]) -> str:
    """The line-continuation character: `\\`, or what a `# escape=` parser directive at the top sets."""
    for line in lines:
        match = _DIRECTIVE.match(line)
        if match is None:
            break
        if match["name"].lower() == "escape" and match["value"] in ("`", "\\"):
            return match["value"]
    return "\\"


def normalize(lines: list[str]) -> str:
    """Rewrite the text so dockerfile-parse reads it as Docker does, with the same line count.

    Blank and comment lines inside a continuation are skipped (dockerfile-parse would end the
    instruction there), heredoc bodies are folded into their instruction, an escape directive's
    backtick continuation becomes a backslash, and a continuation open at the end is closed.
    """
    escape = escape_char(lines)
    out: list[str] = []
    continuing = False
    heredoc: str | None = None
    for line in lines:
        if escape != "\\" and line.rstrip().endswith(escape):
            line = line.rstrip()[:-1] + "\\"
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


def start_command(start: dict[str, Instruction]) -> tuple[Instruction, list[SimpleCommand], str] | None:
    """The instruction that names the container's process, its commands, and its form.

    Exec-form ENTRYPOINT and CMD run as one argv (ENTRYPOINT + CMD, a shell-form CMD wrapped
    in `/bin/sh -c`); a shell-form ENTRYPOINT ignores CMD. When ENTRYPOINT is only a PID-1
    helper (`tini --`, `dumb-init`), the CMD is the process and findings point at it.
    """
    entrypoint, cmd = start.get("ENTRYPOINT"), start.get("CMD")
    if entrypoint is not None:
        head = entrypoint.exec_form
        if head is None:
            return entrypoint, parse_shell(entrypoint.value), "shell"
        if unwrap(tuple(head)) or cmd is None:
            tail = (cmd.exec_form if cmd.exec_form is not None else ["/bin/sh", "-c", cmd.value]) if cmd else []
            return entrypoint, commands_of(tuple(head + tail)), "exec"
    if cmd is None:
        return None
    if cmd.exec_form is None:
        return cmd, parse_shell(cmd.value), "shell"
    return cmd, commands_of(tuple(cmd.exec_form)), "exec"


def _stage_chain(final: Stage, by_name: dict[str, Stage]) -> list[Stage]:
    """The final stage and the earlier stages it builds on, oldest first."""
    chain = [final]
    while chain[0].base.lower() in by_name and by_name[chain[0].base.lower()].index < chain[0].index:
        chain.insert(0, by_name[chain[0].base.lower()])
    return chain


def _copies_and_workdir(chain: list[Stage], by_name: dict[str, Stage]) -> tuple[list[tuple[list[str], str]], str]:
    """(build-context sources, absolute destination) of each COPY/ADD, and of each build-context file a RUN line
    copies or moves to another place (`cp docker/config.py settings/config.py`); and the final WORKDIR.

    ARG defaults and ENV values are substituted as Docker does, so `WORKDIR $APP_HOME` resolves. A
    `COPY --from=<stage>` of this Dockerfile is traced back through that stage's own COPYs to the
    build-context files it got (`COPY . /app` there, `COPY --from=build /app /app` here).
    """
    copies: list[tuple[list[str], str]] = []
    workdir = "/"
    variables: dict[str, str] = {}
    for stage in chain:
        for item in stage.instructions:
            if item.name in ("ARG", "ENV"):
                variables.update((key, substitute(value, variables)) for key, value in _assignments(item))
            elif item.name == "WORKDIR":
                workdir = posixpath.join(workdir, substitute(item.value.strip().strip('"'), variables))
            elif item.name == "RUN":
                for source, dest in _placed(item, variables):
                    copies += _copied_from_stage(copies, [posixpath.join(workdir, source)], posixpath.join(workdir, dest))
            elif item.name in ("COPY", "ADD"):
                words = [substitute(w, variables) for w in (item.exec_form or item.value.split())]
                paths = [w for w in words if not w.startswith("--")]
                if len(paths) < 2:
                    continue
                dest = posixpath.join(workdir, paths[-1])
                origin = next((w.split("=", 1)[1].lower() for w in words if w.startswith("--from=")), None)
                if origin is None:
                    copies.append((paths[:-1], dest))
                elif origin in by_name and by_name[origin].index < stage.index:
                    built, _ = _copies_and_workdir(_stage_chain(by_name[origin], by_name), by_name)
                    copies += _copied_from_stage(built, paths[:-1], dest)
    return copies, workdir


_PLACERS = {"cp", "mv", "install"}


def _placed(item: Instruction, variables: dict[str, str]) -> list[tuple[str, str]]:
    """(source, destination) of each file a RUN line copies or moves inside the image (`cp docker/config.py
    settings/config.py`): two plain paths, flags aside."""
    commands = commands_of(tuple(item.exec_form)) if item.exec_form else parse_shell(_RUN_FLAG.sub("", item.value, count=1))
    found = []
    for command in expand(commands):
        argv = [substitute(word, variables) for word in command.argv]
        paths = [word for word in argv[1:] if not word.startswith("-")]
        if argv and argv[0] in _PLACERS and len(paths) == 2 and not any(set(p) & set("$*?[{") for p in paths):
            found.append((paths[0], paths[1]))
    return found


def _copies_context(all_stages: list[Stage]) -> bool:
    """Whether any stage COPYs or ADDs from the build context (a wheel built in one stage and installed in the
    final one carries the repository too); an image that never does carries no app of its own."""
    for item in (i for stage in all_stages for i in stage.instructions if i.name in ("COPY", "ADD")):
        words = item.exec_form or item.value.split()
        sources = [w for w in words if not w.startswith("--")][:-1]
        if not any(w.startswith("--from=") for w in words) and any(not _URL.match(source) for source in sources):
            return True
    return False


def _copied_from_stage(built: list[tuple[list[str], str]], paths: list[str], dest: str) -> list[tuple[list[str], str]]:
    """The build-context copies that `COPY --from=<stage> paths dest` carries over from that stage."""
    found = []
    for path in paths:
        path = posixpath.normpath(posixpath.join("/", path))
        for sources, built_dest in built:
            built_dest = posixpath.normpath(built_dest)
            if built_dest == path or built_dest.startswith(path.rstrip("/") + "/"):
                found.append((sources, posixpath.normpath(posixpath.join(dest, posixpath.relpath(built_dest, path)))))
            elif path.startswith(built_dest.rstrip("/") + "/"):
                rest = path[len(built_dest.rstrip("/")) + 1:]
                if len(sources) > 1:  # several files into a directory: each lands under its own name
                    first, _, below = rest.partition("/")
                    found += [([posixpath.join(source, below) if below else source], dest) for source in sources
                              if posixpath.basename(source.rstrip("/")) == first]
                else:
                    found.append(([posixpath.join(source, rest) for source in sources], dest))
    return found


_SHELLS = frozenset({"sh", "bash", "dash", "ash"})
"""`ENTRYPOINT ["sh", "scripts/start.sh"]` runs the script as `["scripts/start.sh"]` does: a compose `command:` is
its argument list."""


def _filesystem(path: str, start: dict[str, Instruction], chain: list[Stage], by_name: dict[str, Stage],
                target: str = "") -> D.DockerfileFilesystem:
    """What the image built up to `chain[-1]` holds from the build context, and the script its ENTRYPOINT runs;
    `target`: the stage's name when it is not the final one (a compose `build: target:` builds it)."""
    copies, workdir = _copies_and_workdir(chain, by_name)
    head = start["ENTRYPOINT"].exec_form if "ENTRYPOINT" in start else None
    scripts = started_scripts(commands_of(tuple(head))) if head and (
        len(head) == 1 or len(head) == 2 and posixpath.basename(head[0]) in _SHELLS) else []
    return D.DockerfileFilesystem(
        path, chain[-1].line, 1, copies=tuple((tuple(sources), dest) for sources, dest in copies), workdir=workdir,
        entrypoint_script=scripts[0].script if scripts else "", target=target, built=_build_steps(chain),
        dev_install=_dev_install(chain),
        anchor=f"filesystem:{target}" if target else "filesystem")


_RUN_FLAG = re.compile(r"^\s*(--\S+\s+)*")
"""RUN's own options (`--mount=type=cache,target=/root/.cache`) before its command."""


def _run_commands(chain: list[Stage]) -> Iterator[tuple[SimpleCommand, int]]:
    """The commands of the image's RUN lines, with their lines."""
    for stage in chain:
        for item in stage.instructions:
            if item.name == "RUN":
                commands = commands_of(tuple(item.exec_form)) if item.exec_form else parse_shell(
                    _RUN_FLAG.sub("", item.value, count=1))
                yield from ((command, item.line) for command in expand(commands))


def _dev_install(chain: list[Stage]) -> str:
    """The first RUN command installing the development dependencies (`uv sync --dev`)."""
    return next((" ".join(command.argv) for command, _ in _run_commands(chain)
                 if installs_dev_dependencies(command.argv)), "")


def _build_steps(chain: list[Stage]) -> tuple[tuple[str, int], ...]:
    """The build steps the image's RUN lines do (`manage.py collectstatic`), with their lines."""
    found = [(step, line) for command, line in _run_commands(chain) if (step := build_step(command.argv))]
    return tuple(dict.fromkeys(found))


_PROGRAM_REFERENCE = re.compile(r"^(?P<lead>\s*(?:exec\s+)?)\$(?:\{(?P<braced>[A-Za-z_]\w*)\}|(?P<bare>[A-Za-z_]\w*))"
                                r"(?=\s|$)")
"""A variable standing for the program a shell command starts (`${CMD_SCRIPT}`, `exec $START --workers 2`)."""


def _runtime_env(global_args: dict[str, str], chain: list[Stage]) -> dict[str, str]:
    """The variables the image's `ENV` lines give its container, with the build's ARG values substituted (a global
    `ARG CMD_SCRIPT="docker/run.sh"` a stage declares again with `ARG CMD_SCRIPT`, then `ENV CMD_SCRIPT=$CMD_SCRIPT`)."""
    build: dict[str, str] = {}
    env: dict[str, str] = {}
    for stage in chain:
        for item in stage.instructions:
            if item.name == "ARG":
                for word in item.value.split():
                    if "=" not in word and word in global_args:
                        build.setdefault(word, global_args[word])
                build.update((key, substitute(value, build)) for key, value in _assignments(item))
            elif item.name == "ENV":
                for key, value in _assignments(item):
                    env[key] = build[key] = substitute(value, build)
    return {key: value for key, value in env.items() if value}


def _expanded(start: dict[str, Instruction], env: dict[str, str]) -> dict[str, Instruction]:
    """The start instructions with the program the shell starts put in when the image's own variable names it: a
    shell-form CMD/ENTRYPOINT, or the `-c` string of an exec-form shell (`CMD ["sh", "-c", "${CMD_SCRIPT}"]` with
    `ENV CMD_SCRIPT=docker/run.sh` runs `docker/run.sh`). Only the program: an argument (`--bind :$PORT`) stays a
    variable the deploy may set, and variables the image does not set stay as written."""
    if not env:
        return start

    def put(text: str) -> str:
        match = _PROGRAM_REFERENCE.match(text)
        name = match and (match["braced"] or match["bare"])
        return match["lead"] + env[name] + text[match.end():] if match and name in env else text

    expanded = {}
    for name, item in start.items():
        words = item.exec_form
        if words is None:
            value = put(item.value)
        elif len(words) >= 3 and posixpath.basename(words[0]) in _SHELLS and words[1] == "-c":
            value = json.dumps([*words[:2], put(words[2]), *words[3:]])
        else:
            value = item.value
        expanded[name] = item if value == item.value else replace(item, value=value)
    return expanded


def _start_facts(path: str, start: dict[str, Instruction], chain: list[Stage], by_name: dict[str, Stage],
                 global_args: dict[str, str] | None = None) -> list[Fact]:
    facts: list[Fact] = [_filesystem(path, start, chain, by_name)]
    start = _expanded(start, _runtime_env(global_args or {}, chain))
    found = start_command(start)
    if found is None:
        return facts
    instruction, commands, form = found
    origin = Origin(f"Dockerfile {instruction.name}", posixpath.basename(path), "image", instruction.line,
                    instruction.end_line, form=form)
    passed = _passed_to_script(start)
    refs = script_refs(path, instruction.line, commands, f"{path}:{instruction.line} {instruction.name}", path)
    if passed is None:
        return facts + _under_init(start, command_facts(path, origin, commands)) + refs + _boot_scripts(
            path, instruction, commands, facts[0])
    cmd, cmd_commands = passed
    whole = " ".join(" ".join(c.argv) for c in commands)
    facts += [replace(f, command=whole) if isinstance(f, ProcessStart) else f for f in command_facts(
        path, replace(origin, source="Dockerfile CMD", line=cmd.line, end_line=cmd.end_line), cmd_commands)]
    configs = [ref for ref in script_refs(path, cmd.line, cmd_commands, f"{path}:{cmd.line} CMD", path)
               if ref.reads != "shell"]  # the config file the server the script execs loads (`gunicorn -c`)
    return facts + [replace(ref, declared_line=cmd.line) for ref in refs] + configs


_BOOT_DIRS = {"my_init": "/etc/my_init.d"}
"""A process manager, and the directory of scripts it runs at boot, each to completion, before its services
(phusion/baseimage's `my_init` runs `/etc/my_init.d/*`)."""


def _boot_scripts(path: str, instruction: Instruction, commands: list[SimpleCommand],
                  filesystem: Fact) -> list[ScriptRef]:
    """A reference to each script the image copies into the boot directory of the process manager its start runs
    (`ADD bin/docker/services.sh /etc/my_init.d/services.sh` under `CMD ["/sbin/my_init"]`): the manager runs
    it at boot, so what it starts (`manage.py runserver`) is what the container runs."""
    expanded = expand(commands)
    program = posixpath.basename(expanded[-1].program) if expanded else ""
    directory = _BOOT_DIRS.get(program)
    if directory is None or not isinstance(filesystem, D.DockerfileFilesystem):
        return []
    found = []
    for sources, dest in filesystem.copies:
        if dest.rstrip("/") == directory:
            found += [posixpath.join(directory, posixpath.basename(source.rstrip("/"))) for source in sources]
        elif posixpath.dirname(dest) == directory:
            found.append(dest)
    hop = f"{path}:{instruction.line} {instruction.name} ({program} runs it at boot)"
    return [ScriptRef(path, instruction.line, 1, script=script, hop=hop, dockerfile=path, declared_path=path,
                      declared_line=instruction.line, reads="shell", anchor=f"script::{script}")
            for script in dict.fromkeys(found)]


def _datastore(start: dict[str, Instruction]) -> str:
    """The datastore server the container runs as its last command (`CMD radicale -C /radicale.conf`), else ""."""
    found = start_command(start)
    commands = expand(found[1]) if found else []
    return datastore_server(commands[-1].program) if commands else ""


def _only_init_wrapper(start: dict[str, Instruction]) -> bool:
    """`ENTRYPOINT ["tini", "--"]` without a CMD: the init wrapper has nothing to run."""
    head = start["ENTRYPOINT"].exec_form if "ENTRYPOINT" in start else None
    return "CMD" not in start and bool(head) and not unwrap(tuple(head or ()))


def _under_init(start: dict[str, Instruction], facts: list[ProcessFact]) -> list[ProcessFact]:
    """Without `process.pid1_shell` when the ENTRYPOINT is an init that signals the whole process group
    (`dumb-init --`): the shell the CMD starts is not PID 1, and SIGTERM reaches its children anyway."""
    entrypoint = start.get("ENTRYPOINT")
    if entrypoint is None or not entrypoint.exec_form or not signals_group(tuple(entrypoint.exec_form)):
        return facts
    return [f for f in facts if not isinstance(f, Pid1Shell)]


def _passed_to_script(start: dict[str, Instruction]) -> tuple[Instruction, list[SimpleCommand]] | None:
    """The CMD an exec-form ENTRYPOINT script is given (`ENTRYPOINT ["/entrypoint.sh"]` + `CMD
    ["supervisord"]`): such scripts end in `exec "$@"`, so the CMD is the container's process and is
    judged as one, at its own line; None when the ENTRYPOINT is not a lone script."""
    entrypoint, cmd = start.get("ENTRYPOINT"), start.get("CMD")
    head = entrypoint.exec_form if entrypoint is not None else None
    if cmd is None or not head or len(unwrap(tuple(head))) != 1 or not started_scripts(commands_of(tuple(head))):
        return None
    return cmd, (commands_of(tuple(cmd.exec_form)) if cmd.exec_form is not None else parse_shell(cmd.value))


_TEST_STAGES = frozenset({"test", "tests", "testing", "ci"})


def _side_stage(facts: list[Fact], all_stages: list[Stage]) -> list[Fact]:
    """The start of a last stage named for tests or development (`FROM production AS test`, `AS dev`) when an earlier
    stage is named for production: a plain `docker build` gets the test image, but a deploy builds `--target
    production`; what the last stage starts is test code (not judged, nor the script arms only it selects) or
    development code."""
    final = all_stages[-1].name.lower()
    if not final or not any(names_prod_file(stage.name) for stage in all_stages[:-1] if stage.name):
        return facts
    if final in _TEST_STAGES:
        return [replace(f, ci_only=True) if isinstance(f, (ProcessFact, ScriptRef)) else f for f in facts]
    if names_dev(final):
        return [replace(f, dev_only=True) if isinstance(f, ProcessFact) else f for f in facts]
    return facts


def _target_starts(path: str, earlier: list[Stage], by_name: dict[str, Stage]) -> list[Fact]:
    """What each earlier named stage would run as a build `target:` (compose can build one): the
    process only, for the inventory (the rules judge the final stage), and its filesystem, so a compose
    service building that target finds the scripts it copied."""
    facts: list[Fact] = [_filesystem(path, effective_start(stage, by_name), _stage_chain(stage, by_name), by_name,
                                     stage.name) for stage in earlier if stage.name]
    for stage in earlier:
        found = start_command(effective_start(stage, by_name)) if stage.name else None
        if found is None:
            continue
        instruction, commands, form = found
        origin = Origin(f"Dockerfile {instruction.name} (stage {stage.name})", stage.name, "image", instruction.line,
                        instruction.end_line, form=form, stage=stage.name)
        facts += [convert(f, StageStart) for f in command_facts(path, origin, commands) if isinstance(f, ProcessStart)]
    return facts


def _is_path(value: str) -> bool:
    """A file or directory (`/opt/tiktoken`, `./keys`), named by a variable that only contains a secret word."""
    return value.startswith(("/", "./", "../", "~/"))


def _volume_paths(item: Instruction) -> list[str]:
    return item.exec_form if item.exec_form is not None else item.value.split()


def _baked_config(path: str, all_stages: list[Stage], final: Stage) -> list[Fact]:
    """Secret-named ENV/ARG with a literal value (kept in the image's history), and secret files copied in."""
    facts: list[Fact] = []
    for stage in all_stages:
        build_args: set[str] = set()
        for item in stage.instructions:
            if item.name == "ARG":
                build_args |= {word.partition("=")[0] for word in item.value.split()}
            if item.name in ("ENV", "ARG") and (item.name == "ARG" or stage is final):
                for key, value in _assignments(item):
                    if not _SECRET_NAME.search(key) or _NOT_SECRET_KEY.search(key):
                        continue
                    reference = _BUILD_ARG_REF.fullmatch(value)
                    from_arg = reference["name"] or reference["braced"] if reference and item.name == "ENV" else ""
                    if from_arg in build_args or not (_PLACEHOLDER.match(value) or value.isdigit() or _is_path(value)
                                                      or not_a_secret(value) or public_url(value)):
                        facts.append(D.BakedSecret(path, item.line, 1, item.end_line, instruction=item.name, key=key,
                                                   shape=secret_shape(value, key),
                                                   own_key=item.name == "ENV" and bool(OWN_KEY.search(key)),
                                                   from_arg=from_arg if from_arg in build_args else "",
                                                   anchor=f"{item.name}:{key}"))
            elif item.name in ("COPY", "ADD") and stage is final:
                words = item.exec_form or item.value.split()
                paths = [w for w in words if not w.startswith("--")]
                for source in paths[:-1]:
                    named = source.rstrip("/")
                    if _SECRET_FILE.search(named) and not _PUBLIC_FILE.search(posixpath.basename(named)) \
                            and not re.search(r"(?i)example|sample|template|dist", source):
                        facts.append(D.CopiedSecret(path, item.line, 1, item.end_line, source=source,
                                                    anchor=f"copy:{source}"))
    return facts


def _literal(value: str) -> str:
    """A value without expansions, as it is; "" for one that has any (`$HOME/bin`, `${X:-1}`)."""
    return "" if "$" in value else value


def _assignments(item: Instruction) -> list[tuple[str, str]]:
    """`ENV A=1 B="x y"` / legacy `ENV A 1` / `ARG A=1` as (key, value); ARG without a default has none."""
    text = item.value.strip()
    if not text:
        return []
    if item.name == "ENV" and "=" not in text.split(None, 1)[0]:
        key, _, value = text.partition(" ")
        return [(key, value.strip().strip('"\''))]
    pairs = []
    for word in re.findall(r'(\S+?=(?:"[^"]*"|\'[^\']*\'|\S*))', text):
        key, _, value = word.partition("=")
        pairs.append((key, value.strip('"\'')))
    return pairs


def _facts(path: str, items: list[Instruction]) -> list[Fact]:
    all_stages = stages(items)
    if not all_stages:
        return [parse_error(path, "no FROM instruction: not a buildable Dockerfile")] if items else []
    facts: list[Fact] = []
    for stage in all_stages:
        for name in _START:
            repeated = [i for i in stage.instructions if i.name == name]
            for overridden in repeated[:-1]:
                facts.append(D.OverriddenStart(
                    path, overridden.line, 1, overridden.end_line, instruction=name, stage=stage.name or str(stage.index),
                    winner_line=repeated[-1].line, count=len(repeated), anchor=f"{name}:{' '.join(overridden.value.split())}"))
    by_name = {s.name: s for s in all_stages if s.name}
    final = all_stages[-1]
    start = effective_start(final, by_name)
    stage_name = final.name or str(final.index)
    facts.append(D.FinalStage(path, final.line, 1, base=final.base, base_kind=image_kind(final.base), stage=stage_name,
                              anchor=f"final:{final.base}"))
    # a base image (`Dockerfile.base`) starts nothing: other Dockerfiles build FROM it
    if (not start or _only_init_wrapper(start)) and not _BASE_IMAGE_FILE.search(posixpath.basename(path)):
        facts.append(D.MissingStart(path, start["ENTRYPOINT"].line if start else final.line, 1, base=final.base,
                                    base_kind=image_kind(final.base), init_only=bool(start), stage=stage_name,
                                    copies_context=_copies_context(all_stages),
                                    anchor=f"final:{final.base}"))
    global_args = dict(pair for item in items[:next((i for i, x in enumerate(items) if x.name == "FROM"), 0)]
                       if item.name == "ARG" for pair in _assignments(item))
    facts += _side_stage(_start_facts(path, start, _stage_chain(final, by_name), by_name, global_args), all_stages)
    facts += _target_starts(path, all_stages[:-1], by_name)
    for item in final.instructions:
        if item.name == "STOPSIGNAL":
            facts.append(StopSignal(path, item.line, 1, signal=item.value.strip().upper(), source="Dockerfile STOPSIGNAL",
                                    process=posixpath.basename(path), anchor="stopsignal"))
        elif item.name == "VOLUME" and _volume_paths(item):
            # one fact per line: `VOLUME /data /uploads` is one decision, named by its data paths
            targets = _volume_paths(item)
            data = [t for t in targets if is_data_path(t)] or targets
            facts.append(D.DockerfileVolume(path, item.line, 1, target=" ".join(data), data_like=is_data_path(data[0]),
                                            base_kind=image_kind(final.base), datastore=_datastore(start),
                                            anchor=f"volume:{data[0]}"))
    facts += _baked_config(path, all_stages, final)
    facts += [SettingsModule(path, item.line, 1, module=value, anchor=f"settings_module:{value}")
              for stage in all_stages for item in stage.instructions if item.name == "ENV"
              for key, value in _assignments(item) if key == "DJANGO_SETTINGS_MODULE" and value]
    facts += [EnvVar(path, item.line, 1, name=key, where="Dockerfile ENV", own_value=not literal_default(value),
                     value=_literal(value), anchor=f"env:{key}")
              for stage in _stage_chain(final, by_name) for item in stage.instructions
              if item.name == "ENV" for key, value in _assignments(item)]
    return facts


def analyze(path: str, data: bytes) -> FileAnalysis:
    """A Dockerfile whose header comment says it is not for production (`# For development only`) is the
    developers' image: all its facts are judged as development."""
    text = decode_text(data)
    lines = split_lines(text)
    found = directives.scan_hash_comments(lines, trailing=False)
    try:
        items = instructions(text)
    except Exception as error:  # dockerfile-parse raises assorted errors on malformed input
        return FileAnalysis((parse_error(path, f"cannot parse Dockerfile: {error}"),), found)
    facts = _facts(path, items)
    if header_says_development(lines):
        facts = [replace(f, dev_only=True) for f in facts]
    return FileAnalysis(tuple(facts), found)
