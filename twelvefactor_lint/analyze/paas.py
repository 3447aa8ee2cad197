"""The PaaS analyzer: fly.toml, render.yaml, heroku.yml, app.json and App Engine app.yaml, each into
the one process model (the same facts as a Procfile line), with the platform's instance counts as
replicas and its release phase (Fly `release_command`, Heroku `release`, app.json `scripts.postdeploy`, Dokku's
`scripts.dokku.predeploy`/`postdeploy`) as the right place for
migrations. Fly volumes and Render disks are storage on one machine (VI).

Instance counts read: Fly `min_machines_running`, Render `numInstances` (or `scaling.minInstances`),
app.json `formation.*.quantity`, App Engine `manual_scaling.instances`/`automatic_scaling.min_instances`.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from dataclasses import replace

import yaml

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.analyze import yamlnodes as Y
from twelvefactor_lint.analyze.kubernetes import volume_fact
from twelvefactor_lint.analyze.process_facts import Origin, command_facts
from twelvefactor_lint.analyze.shell.parse import parse as parse_shell
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.facts.platform import EnvVar, Formation
from twelvefactor_lint.facts.process import ProcessStart
from twelvefactor_lint.infra.limits import too_dotted_for_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib



def _line_of(lines: list[str], pattern: str, start: int = 0) -> int:
    """The first line (1-based) at or after `start` matching `pattern`, else the file's first line."""
    compiled = re.compile(pattern)
    for number in range(start, len(lines)):
        if compiled.search(lines[number]):
            return number + 1
    return 1


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _process(path: str, source: str, name: str, command: str, line: int, replicas: int, release: bool = False) -> list[Fact]:
    origin = Origin(source, name, "formation", line, replicas=replicas, release=release, form="procfile",
                    workload=source)
    return list[Fact](command_facts(path, origin, parse_shell(command)))


def _fly(path: str, text: str, lines: list[str]) -> list[Fact]:
    data = tomllib.loads(text)
    minimum = _fly_minimums(data)
    facts = []
    for name, command in _dict(data.get("processes")).items():
        if isinstance(command, str):
            line = _line_of(lines, rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
            facts += _process(path, f"fly.toml process `{name}`", name, command, line, minimum.get(name, 1))
    release = _dict(data.get("deploy")).get("release_command")
    if isinstance(release, str):
        facts += _process(path, "fly.toml `release_command`", "release", release,
                          _line_of(lines, r"^\s*release_command\s*="), 1, release=True)
    mounts = data.get("mounts")
    for mount in [mounts] if isinstance(mounts, dict) else _list(mounts):
        if isinstance(mount, dict) and isinstance(mount.get("destination"), str):
            target, source = mount["destination"], str(mount.get("source", ""))
            line = _line_of(lines, rf"^\s*destination\s*=\s*[\"']{re.escape(target)}[\"']")
            groups = [g for g in _list(mount.get("processes")) if isinstance(g, str)] or list(minimum) or ["app"]
            facts.append(volume_fact(path, line, 1, "fly.toml app", target,
                                     storage=f"a Fly volume (`{source}`), which belongs to one machine", source=source,
                                     node_local=True, replicas=max(minimum.get(g, 1) for g in groups)))
    return facts


def _fly_minimums(data: dict) -> dict[str, int]:
    """Process group -> the machines its services keep running (`min_machines_running`); the file does not
    say how many machines a group has beyond that (`fly scale count` does), so other groups count as one."""
    groups = [str(g) for g in _dict(data.get("processes"))] or ["app"]
    found: dict[str, int] = {}
    for service in [data.get("http_service"), *_list(data.get("services"))]:
        if isinstance(service, dict):
            count = _count(service.get("min_machines_running")) or 1
            for group in [g for g in _list(service.get("processes")) if isinstance(g, str)] or groups:
                found[group] = max(found.get(group, 1), count)
    return found


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _render(path: str, root: yaml.Node | None) -> list[Fact]:
    facts = []
    for service in Y.sequence(Y.get(root, "services")):
        name = Y.scalar(Y.get(service, "name")) or "service"
        kind = Y.scalar(Y.get(service, "type")) or ""
        scaling = Y.scalar(Y.get(service, "scaling", "minInstances")) or Y.scalar(Y.get(service, "numInstances")) or "1"
        replicas = int(scaling) if scaling.isdigit() else 1
        source = f"render.yaml {kind or 'service'} `{name}`"
        release = kind == "cron"
        start, pre_deploy = Y.get(service, "startCommand"), Y.get(service, "preDeployCommand")
        if start is not None and Y.scalar(start):
            facts += _process(path, source, name, Y.scalar(start) or "", Y.line(start), replicas, release=release)
        if pre_deploy is not None and Y.scalar(pre_deploy):
            facts += _process(path, f"{source} `preDeployCommand`", f"{name}-predeploy", Y.scalar(pre_deploy) or "",
                              Y.line(pre_deploy), 1, release=True)
        disk = Y.get(service, "disk")
        target = Y.scalar(Y.get(disk, "mountPath"))
        if disk is not None and target:
            facts.append(volume_fact(path, Y.line(disk), Y.column(disk), source, target,
                                     storage="a Render disk, which belongs to one instance",
                                     source=Y.scalar(Y.get(disk, "name")) or "", node_local=True, replicas=replicas))
    return facts


def _heroku_yml(path: str, root: yaml.Node | None) -> list[Fact]:
    facts = []
    built = {name: posixpath.normpath(posixpath.join(posixpath.dirname(path), Y.scalar(node) or ""))
             for name, (_, node) in Y.items(Y.get(root, "build", "docker")).items() if Y.scalar(node)}
    for name, (key, node) in Y.items(Y.get(root, "run")).items():
        command = Y.scalar(node) or Y.scalar(Y.get(node, "command")) or " ".join(
            Y.scalar(c) or "" for c in Y.sequence(Y.get(node, "command")))
        if command:  # the Dockerfile of the image it runs on (`image: web`, by default its own name) needs no CMD
            dockerfile = built.get(Y.scalar(Y.get(node, "image")) or name, "")
            facts += [replace(f, built_dockerfile=dockerfile) if isinstance(f, ProcessStart) else f
                      for f in _process(path, f"heroku.yml `{name}`", name, command, Y.line(key), 1)]
    release = Y.get(root, "release", "command")
    commands: list[yaml.Node] = Y.sequence(release) if isinstance(release, yaml.SequenceNode) else \
        [release] if release is not None else []
    for item in commands:
        if Y.scalar(item):
            facts += _process(path, "heroku.yml `release`", "release", Y.scalar(item) or "", Y.line(item), 1, release=True)
    return facts


def _app_json(path: str, text: str, lines: list[str]) -> list[Fact]:
    data = json.loads(text)
    facts: list[Fact] = []
    if not isinstance(data, dict):
        return facts
    for name, spec in _dict(data.get("formation")).items():
        quantity = _count(_dict(spec).get("quantity"))
        if quantity is not None and quantity > 1:
            facts.append(Formation(path, _line_of(lines, rf"\"{re.escape(name)}\"\s*:"), 1, process=name,
                                   replicas=quantity, anchor=f"formation:{name}"))
    scripts = _dict(data.get("scripts"))
    for hook in ("postdeploy", "pr-predestroy"):
        command = scripts.get(hook)
        if isinstance(command, str):
            facts += _process(path, f"app.json `scripts.{hook}`", hook, command,
                              _line_of(lines, rf"\"{hook}\"\s*:"), 1, release=True)
    # Dokku's deployment tasks: `scripts.dokku.predeploy` (committed to the image) and `.postdeploy`, once per deploy
    for hook in ("predeploy", "postdeploy"):
        command = _dict(scripts.get("dokku")).get(hook)
        if isinstance(command, str):
            dokku = _line_of(lines, r"\"dokku\"\s*:")
            facts += _process(path, f"app.json `scripts.dokku.{hook}`", f"dokku-{hook}", command,
                              _line_of(lines, rf"\"{hook}\"\s*:", dokku - 1), 1, release=True)
    return facts


def _app_engine(path: str, root: yaml.Node | None) -> list[Fact]:
    node = Y.get(root, "entrypoint")
    if not Y.scalar(node) or node is None:
        return []
    minimum = Y.scalar(Y.get(root, "manual_scaling", "instances")) or \
        Y.scalar(Y.get(root, "automatic_scaling", "min_instances")) or "1"
    name = Y.scalar(Y.get(root, "service")) or "default"
    return _process(path, f"App Engine service `{name}` entrypoint", name, Y.scalar(node) or "", Y.line(node),
                    int(minimum) if minimum.isdigit() else 1)


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    lines = split_lines(text)
    found = directives.scan_hash_comments(lines)
    name = posixpath.basename(path).lower()
    try:
        if name == "fly.toml":
            if too_dotted_for_toml(text):
                return FileAnalysis((parse_error(path, "a line with too many dotted keys to read"),), found)
            facts = _fly(path, text, lines)
        elif name == "app.json":
            facts = _app_json(path, text, lines)
        else:
            root = Y.compose(text)
            reader = {"render.yaml": _render, "render.yml": _render, "heroku.yml": _heroku_yml}.get(name, _app_engine)
            facts = reader(path, root)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError, RecursionError, ValueError) as error:
        return FileAnalysis((parse_error(path, f"unreadable {name}: {type(error).__name__}"),), found)
    # the platform's config vars and secrets are set outside the repository (`fly secrets set`, the dashboard)
    facts.append(EnvVar(path, 1, 1, name="*", where=name, own_value=False, anchor="env:*"))
    return FileAnalysis(tuple(facts), found)
