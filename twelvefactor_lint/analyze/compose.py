"""The compose analyzer: services, how they are built and started, and what pins them to one copy.

A YAML file named like a compose file but without a `services` mapping is read and
yields nothing (it is someone else's YAML).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import replace

import yaml

from twelvefactor_lint.analyze import directives, images, skip_if_template
from twelvefactor_lint.analyze import yamlnodes as Y
from twelvefactor_lint.analyze.deploy_secret import committed_secret
from twelvefactor_lint.analyze.interpolate import literal_default, required, substitute
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, commands_of, script_refs
from twelvefactor_lint.analyze.shell.processes import SHORT_LIVED, expand, started_scripts
from twelvefactor_lint.analyze.shell.programs import python_target
from twelvefactor_lint.analyze.storage import is_data_path
from twelvefactor_lint.devprod import (
    DEV_WORDS,
    ENVIRONMENT_WORDS,
    header_says_development,
    is_dev_flag,
    names_dev,
    names_dev_file,
    names_dev_service,
    names_prod_file,
    selects_development,
)
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.facts.compose import ComposeScalingBlocker, ComposeService, ComposeVolume
from twelvefactor_lint.facts.platform import ComposeSecretValue, EnvVar, SettingsModule
from twelvefactor_lint.facts.process import EntrypointArgs, StopSignal
from twelvefactor_lint.facts.proxy import ProxySticky

APP, INFRA, PROXY, BUILT, UNKNOWN = "app", "infra", "proxy", "built", "unknown"
_KIND_ROLES = {images.INFRA: INFRA, images.PROXY: PROXY}
_FIXED_HOST_PORT = re.compile(r"^(?:\[[^\]]*\]:|\d+\.\d+\.\d+\.\d+:)?(\d+(?:-\d+)?):")


def _field(service: dict, key: str) -> yaml.Node | None:
    pair = service.get(key)
    return pair[1] if pair else None


def service_role(service: dict, name: str = "") -> str:
    """From this file alone: `built` (link resolves it from the Dockerfile), `infra`, `proxy`, `app`,
    or `unknown` for a partial definition (an override that sets neither image nor build). A pulled image of no
    known kind run as a service named for a backing service (`db`, `redis`) is that backing service."""
    command = _command_text(_field(service, "command"))
    if re.search(r"\bflower\b", command):
        return INFRA
    if "build" in service:
        return BUILT
    image = Y.scalar(_field(service, "image"))
    if image is None:
        return UNKNOWN
    kind = images.image_kind(image)
    if kind == images.OTHER and images.names_backing_service(name):
        return INFRA
    return _KIND_ROLES.get(kind, APP)


def _replicas(service: dict) -> int | None:
    for node in (Y.get(_field(service, "deploy"), "replicas"), _field(service, "scale")):
        value = Y.scalar(node)
        if value is not None and value.isdigit():
            return int(value)
    return None


def _host_ports(service: dict):
    """(node, text) for each port entry that publishes a fixed host port."""
    for entry in Y.sequence(_field(service, "ports")):
        text = Y.scalar(entry)
        if text is not None:
            match = _FIXED_HOST_PORT.match(text.strip())
            if match and match.group(1) not in {"0"}:
                yield entry, text
        else:
            published = Y.scalar(Y.get(entry, "published"))
            if published and re.fullmatch(r"\d+(-\d+)?", published) and published != "0":
                yield entry, f"published: {published}"


def _service_facts(path: str, name: str, key: yaml.Node, service: dict, awaited: set[str],
                   secrets: set[tuple[str, str]]) -> list[Fact]:
    """`awaited`: services another one waits to see completed: one-off jobs by design; `secrets`: those earlier
    services commit."""
    role = service_role(service, name)
    replicas = _replicas(service)
    build = _field(service, "build")
    command = _field(service, "command")
    entrypoint = _field(service, "entrypoint")
    facts: list[Fact] = [ComposeService(
        path, Y.line(key), Y.column(key), service=name, role=role, replicas=replicas or 1,
        image=Y.scalar(_field(service, "image")) or "",
        build_context=(Y.scalar(build) or Y.scalar(Y.get(build, "context")) or ".") if build is not None else "",
        dockerfile=Y.scalar(Y.get(build, "dockerfile")) or "", target=Y.scalar(Y.get(build, "target")) or "",
        built_context=built_paths(path, build)[0] if build is not None else "",
        built_dockerfile=built_paths(path, build)[1] if build is not None else "",
        command=_command_text(command), entrypoint=_command_text(entrypoint), dev_tag=_tags_development(service),
        extends=_extended_file(path, _field(service, "extends")), partial=not {"image", "build", "extends"} & set(service),
        anchor=f"service:{name}")]
    blockers = []
    for field_name in ("container_name", "hostname"):
        node = _field(service, field_name)
        value = Y.scalar(node)
        if node is not None and value:
            blockers.append((node, field_name, value))
    blockers += [(node, "fixed host port", text) for node, text in _host_ports(service)]
    facts += _process_facts(path, name, service, replicas or 1, release=name in awaited)
    environment = _environment(_field(service, "environment"))
    facts += [SettingsModule(path, Y.line(key), Y.column(key), module=value, anchor=f"settings_module:{name}")
              for env_name, value in environment if env_name == "DJANGO_SETTINGS_MODULE" and value]
    facts += _env_vars(path, Y.line(key), Y.column(key), name, environment, _field(service, "env_file"),
                       runs_app=role not in (INFRA, PROXY), one_off=name in awaited)
    one_off = name in awaited or _short_lived(command_argv(entrypoint) + command_argv(command))
    facts += [replace(f, one_off=one_off) for f in _volume_facts(path, name, service, replicas or 1)]
    facts += _sticky_labels(path, name, service)
    facts += _secret_facts(path, name, role, service, secrets)
    for node, blocker, value in blockers:
        facts.append(ComposeScalingBlocker(
            path, Y.line(node), Y.column(node), service=name, role=role, blocker=blocker, value=value,
            replicas=replicas or 1, scaled=bool(replicas and replicas > 1),
            singleton=one_off or is_singleton(name, _command_text(command) + " " + _command_text(entrypoint)),
            anchor=f"{name}:{blocker}:{value}"))
    if _test_only(name, service):
        facts = [replace(f, ci_only=True) for f in facts]
    elif (profiles := _profiles(service)) and not any(names_prod_file(profile) for profile in profiles):
        opt_in = f"when compose profile `{'` or `'.join(sorted(profiles))}` is enabled"
        facts = [replace(f, condition=f.condition or opt_in) for f in facts]
    # a directive on the service's key line covers every finding about the service
    return [facts[0], *(replace(f, definition_line=Y.line(key)) for f in facts[1:])]


def _extended_file(path: str, extends: yaml.Node | None) -> str:
    """The file a service's `extends:` takes its definition from, relative to the project root (the same file
    when it names none, `extends: web` or one without `file:`); `""`: no `extends:`."""
    if extends is None:
        return ""
    named = Y.scalar(Y.get(extends, "file"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), named)) if named else path


def _short_lived(argv: tuple[str, ...]) -> bool:
    """A command of only commands that end by themselves (`chown -R 1001 /data`, `sh -c "mkdir -p x && cp ..."`):
    an init container that fixes permissions or seeds a volume, then exits."""
    commands = expand(commands_of(argv))
    return bool(commands) and all(c.program in SHORT_LIVED for c in commands)


_START_ONCE = {"io.rancher.container.start_once"}
"""Labels with which an orchestrator runs a service's container once and leaves it stopped when it exits (Rancher
1.x's `io.rancher.container.start_once: true`): a one-off job, like one another service waits to complete."""


def _starts_once(service: dict) -> bool:
    labels = _field(service, "labels")
    if isinstance(labels, yaml.SequenceNode):
        pairs = [(Y.scalar(item) or "").partition("=")[::2] for item in labels.value]
    else:
        pairs = [(key, Y.scalar(value) or "") for key, (_, value) in Y.items(labels).items()]
    return any(key.strip() in _START_ONCE and value.strip().strip("'\"").lower() == "true" for key, value in pairs)


def _awaited(services: dict) -> set[str]:
    """Services another one `depends_on` with `condition: service_completed_successfully`, and those labelled to
    start once (`io.rancher.container.start_once: true`): one-off jobs by design."""
    found = {name for name, (_, node) in services.items() if _starts_once(Y.items(node))}
    for _, node in services.values():
        for dependency, (_, settings) in Y.items(_field(Y.items(node), "depends_on")).items():
            if Y.scalar(Y.get(settings, "condition")) == "service_completed_successfully":
                found.add(dependency)
    return found


_TEST_SERVICE = re.compile(r"(^|[-_.])(tests?|testing|pytest|e2e|ci)([-_.]|$)", re.IGNORECASE)


def _profiles(service: dict) -> set[str]:
    """The compose profiles a service belongs to: a service with any is opt-in, started only by `docker compose
    --profile NAME up` (or `COMPOSE_PROFILES`), never by a plain `docker compose up` — unless a profile names
    production (`profiles: [production]`): then it is what the deploy starts."""
    return {text for text in (Y.scalar(item) for item in Y.sequence(_field(service, "profiles"))) if text}


def _test_only(name: str, service: dict) -> bool:
    """A test runner service (named for tests, only in a `test`/`ci` profile, or whose command runs a test runner:
    `python -m pytest`) is not judged."""
    profiles = {profile.lower() for profile in _profiles(service)}
    return bool(_TEST_SERVICE.search(name) or profiles and profiles <= {"test", "tests", "testing", "ci", "e2e"}
                or _runs_tests(service))


_TEST_RUNNERS = frozenset({"pytest", "py.test", "tox", "nox", "nosetests", "nose2", "unittest", "behave"})
"""Programs (or `python -m` modules) that run a test suite and exit: no deploy runs one as a service."""


def _runs_tests(service: dict) -> bool:
    """The service's command (or entrypoint) runs a test suite (`bash -c "cp config.sample config; python -m pytest"`,
    `tox -e py312`, `./manage.py test`): a test run, not a process a deploy starts."""
    argv = command_argv(_field(service, "entrypoint")) + command_argv(_field(service, "command"))
    for command in expand(commands_of(argv)):
        target = python_target(command.argv) or command.argv
        program = posixpath.basename(target[0]) if target else ""
        if program in _TEST_RUNNERS or program == "manage.py" and target[1:2] == ("test",):
            return True
    return False


def _test_stack(services: dict) -> bool:
    """A compose file that exists to run a test suite: some services run a test runner, and every other service is
    one they depend on (directly or through others: the database, the Hadoop namenode the tests talk to)."""
    runners = {name for name, (_, node) in services.items() if _runs_tests(Y.items(node))}
    needed, todo = set(runners), list(runners)
    while todo:
        _, node = services.get(todo.pop(), (None, None))
        depends = _field(Y.items(node), "depends_on")
        for dependency in [*Y.items(depends), *(Y.scalar(item) or "" for item in Y.sequence(depends))]:
            if dependency in services and dependency not in needed:
                needed.add(dependency)
                todo.append(dependency)
    return bool(runners) and needed == set(services)


_SINGLETON_NAME = re.compile(r"(^|[-_.])(beat|scheduler|cron|migrat\w*|init|setup|bootstrap|createbuckets)([-_.]|$)",
                             re.IGNORECASE)
_SINGLETON_COMMAND = re.compile(r"\bcelery\b.*\bbeat\b|\bscheduler\b|\bmigrate\b|\bupgrade\b|\bchown\b|\bcollectstatic\b")


def is_singleton(name: str, command: str) -> bool:
    """A service meant to run as one copy: a scheduler (celery beat; a second one fires every job twice) or a
    one-off migrator or init container — "cannot scale" says nothing about it."""
    if re.search(r"\b(gunicorn|uvicorn|uwsgi|daphne|hypercorn|granian|runserver|worker)\b", command):
        return False  # a long-running server or worker that also migrates first is still the app
    return bool(_SINGLETON_NAME.search(name) or _SINGLETON_COMMAND.search(command))


_CONFIG_DIRS = {"config", "configs", "conf", "etc", "settings", "nginx", "certs", "ssl", "secrets", "env", "envs"}
"""Bind-mounted directories that carry configuration into the container, not the source tree."""
_CONFIG_PART = re.compile(r"(?:^|[._-])(config|configs|conf|settings|secrets|certs)(?:$|[._-])", re.IGNORECASE)
"""A directory named for configuration among other words (`extra_settings`, `nginx-conf`, `app.config`)."""


_DEBUG_FLAGS = re.compile(r"^(DEBUG|DJANGO_DEBUG|FLASK_DEBUG)$")


def _declares_development(service: dict) -> bool:
    """A service whose environment says it is a development setup (`DEV_ENV: 'True'`, `FLASK_ENV: development`,
    `DJANGO_SETTINGS_MODULE=hypha.settings.dev`, `APP_SETTINGS=config.DevelopmentConfig`), or creates a database named
    for development (`POSTGRES_DB: code_review_dev`): the compose file is the developers' stack. (Compose Watch,
    `develop: watch:`, is not such a sign: it is inert under `docker compose up`, so the one compose file a project
    ships for deploys may carry it for its developers too.)"""
    return any(is_dev_flag(key, debug=False) and value.strip().lower() in {"1", "true", "yes", "on"}
               or selects_development(key, value) or key.upper() in _DATABASE_NAME_KEYS and names_dev(value, ENVIRONMENT_WORDS)
               for key, value in _environment(_field(service, "environment")))


def _runs_development_script(service: dict) -> bool:
    """A service whose command or entrypoint runs a script named for development (`/edx/app/discovery/devstack.sh
    start`, `./bin/run-dev.sh`, `sh -c "./start_local.sh"`): the developers' start, as a `Dockerfile.dev` is their
    image. The script's own name counts, not its directory's (`docker/local/entrypoint.sh` may be a deploy's)."""
    argv = command_argv(_field(service, "entrypoint")) + command_argv(_field(service, "command"))
    return any(started.reads == "shell" and names_dev_file(posixpath.basename(started.script))
               for started in started_scripts(commands_of(argv)))


_DATABASE_NAME_KEYS = frozenset({"POSTGRES_DB", "MYSQL_DATABASE", "MARIADB_DATABASE", "MONGO_INITDB_DATABASE"})
"""The variables a database image creates its first database from."""


def _tags_development(service: dict) -> bool:
    """A service that builds an image and tags it for development (`image: local/nyaa:devel`, `app:dev-latest`);
    `:local` says only where the image was built, a variable (`:${TAG:-dev}`) what each deploy picks, and a build of
    a stage or Dockerfile named for production (`target: production`) is the production image whatever its tag
    (`mealie:dev` built from the dev branch)."""
    image = (Y.scalar(_field(service, "image")) or "").split("@")[0]
    tag = image.rpartition("/")[2].partition(":")[2]
    build = _field(service, "build")
    production = any(names_prod_file(Y.scalar(Y.get(build, key)) or "") for key in ("target", "dockerfile"))
    return build is not None and not production and "$" not in tag and names_dev(tag, DEV_WORDS - {"local"})


def _environment(node) -> list[tuple[str, str]]:
    """(name, value) of a service's `environment:`, a mapping or a `NAME=value` list."""
    return [(key, value) for key, value, _ in _environment_entries(node)]


def _environment_entries(node) -> list[tuple[str, str, yaml.Node]]:
    """(name, value, node holding the value) of a service's `environment:`."""
    if isinstance(node, yaml.SequenceNode):
        return [(k.strip(), v, item) for item in node.value for k, _, v in [(Y.scalar(item) or "").partition("=")]]
    return [(key, Y.scalar(value) or "", value) for key, (_, value) in Y.items(node).items()]


def _secret_facts(path: str, name: str, role: str, service: dict, seen: set[tuple[str, str]]) -> list[Fact]:
    """Secrets the service's `environment:` commits (analyze/deploy_secret.py), `${VAR:-literal}` defaults too.
    `seen`: the (key, value) pairs earlier services of the file commit: the same secret given to several services
    (often through a YAML anchor, `<<: *env`) is one problem, reported for the first."""
    facts: list[Fact] = []
    for key, value, node in _environment_entries(_field(service, "environment")):
        found = committed_secret(key, value, interpolated=True)
        if found is not None and (key, value) not in seen:
            seen.add((key, value))
            how = "`${VAR:-...}` default in `environment`" if found.default else "`environment` entry"
            facts.append(ComposeSecretValue(
                path, Y.line(node), Y.column(node), service=name, role=role, key=key, where=f"service `{name}`",
                how=how, shape=found.shape, own_key=found.own_key, url=found.url, default=found.default,
                digest=found.digest, anchor=f"{name}:secret:{key}"))
    return facts


def _env_vars(path: str, line: int, column: int, name: str, environment: list[tuple[str, str]], env_file,
              runs_app: bool, one_off: bool = False) -> list[EnvVar]:
    """The variables a service's `environment:` sets, and `*` for an `env_file:` (its variables are not read).
    Only a service that may run the app (not a database or proxy image) shows what the app runs without; `one_off`:
    a service another waits to complete (or that starts once), an init job."""
    where = f"compose service `{name}`"
    found = [EnvVar(path, line, column, name=env_name, where=where, service=name, own_value=not literal_default(value),
                    value="" if "$" in value else value, required=required(value), complete=runs_app,
                    one_off=one_off, anchor=f"env:{name}:{env_name}")
             for env_name, value in environment if env_name]
    if env_file is not None:
        found.append(EnvVar(path, Y.line(env_file), Y.column(env_file), name="*", where=where, service=name,
                            own_value=False, anchor=f"env:{name}:*"))
    return found


def _mounts_source(volume: ComposeVolume, debugging: bool) -> bool:
    """A service built from the repository with a writable bind mount of a project directory over it
    (`.:/app`, `./src:/code`): code edited on the host runs in the container. A read-only one (`.:/app:ro`) may
    serve a deploy's plugins and themes, unless the service also turns debug on (`DEBUG: 1`). A compose file with
    such a service is a development stack, and all of it is judged as development."""
    return volume.built and mounts_source_tree(volume, read_only_too=debugging)


_DESKTOP_SYNC = frozenset({"cached", "delegated"})
"""Bind-mount consistency modes of Docker Desktop's file sharing (`.:/code:cached`): they only ever tuned how a Mac
developer's edits reach the container, so a source tree mounted with one is a developer's checkout."""


def _desktop_synced(service: dict) -> set[str]:
    """The targets of a service's mounts given a Docker Desktop consistency mode (`./:/code:cached`, long syntax
    `consistency: delegated`)."""
    found = set()
    for entry in Y.sequence(_field(service, "volumes")):
        text = Y.scalar(entry)
        if text is not None:
            parts = text.split(":")
            if len(parts) >= 3 and _DESKTOP_SYNC & set(parts[-1].split(",")):
                found.add(parts[1])
        elif (Y.scalar(Y.get(entry, "consistency")) or "") in _DESKTOP_SYNC:
            found.add(Y.scalar(Y.get(entry, "target")) or "")
    return found


def _debugging(service: dict) -> bool:
    """A service whose environment turns the framework's debug mode on (`DEBUG: 1`, `FLASK_DEBUG=true`)."""
    return any(_DEBUG_FLAGS.match(key) and value.strip().lower() in {"1", "true", "yes", "on"}
               for key, value in _environment(_field(service, "environment")))


_PROJECT_DIR = re.compile(r"\.\.?(?:/\.\.)*")
"""`.`, `..`, `../..`: the compose file's directory or one above it, the project's tree from a compose file kept in
a subdirectory (`docker/compose.yaml`)."""


def mounts_source_tree(volume: ComposeVolume, read_only_too: bool) -> bool:
    """A writable bind mount of the project (`.:/app`, `./src:/code`; from a compose file in a subdirectory `..:/app`,
    `../hypha:/opt/app/hypha`), not of data, a config directory or a directory outside the project (`read_only_too`:
    a read-only one counts as well)."""
    source = volume.source.rstrip("/")
    name = posixpath.basename(source)
    outside = volume.host_path == ".." or volume.host_path.startswith("../")  # a sibling checkout: TF102's
    directory = not outside and (bool(_PROJECT_DIR.fullmatch(source)) or (
        source.startswith(("./", "../")) and "." not in name and name.lower() not in _CONFIG_DIRS
        and not _CONFIG_PART.search(name) and not is_data_path(source)))
    return volume.mount_type == "bind" and directory and (read_only_too or not volume.read_only) \
        and not volume.data_like


def built_paths(path: str, build: yaml.Node) -> tuple[str, str]:
    """The root-relative build context and Dockerfile of a compose `build:` (a string or a mapping)."""
    context = posixpath.normpath(posixpath.join(
        posixpath.dirname(path), Y.scalar(build) or Y.scalar(Y.get(build, "context")) or "."))
    return context, posixpath.normpath(posixpath.join(context, Y.scalar(Y.get(build, "dockerfile")) or "Dockerfile"))


def command_argv(node) -> tuple[str, ...]:
    """A compose (or Kubernetes) command: a list is the argv; a string is split like a shell would, but no shell runs it."""
    if isinstance(node, yaml.SequenceNode):
        return tuple(v for v in (Y.scalar(item) for item in node.value) if v is not None)
    text = Y.scalar(node) or ""
    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())


def _process_facts(path: str, name: str, service: dict, replicas: int, release: bool) -> list[Fact]:
    """`release`: another service waits for this one to complete (`service_completed_successfully`): a one-off
    release job (migrate, collectstatic) run once per `up`, like a Kubernetes Job or a Procfile `release:` line."""
    command, entrypoint = _field(service, "command"), _field(service, "entrypoint")
    facts: list[Fact] = []
    declared = entrypoint if entrypoint is not None else command
    if declared is not None:
        argv = command_argv(entrypoint) + command_argv(command) if entrypoint is not None else command_argv(command)
        origin = Origin(f"compose service `{name}`", name, "formation", Y.line(declared), replicas=replicas,
                        service=name, release=release)
        facts += command_facts(path, origin, commands_of(argv))
        build, image = _field(service, "build"), Y.scalar(_field(service, "image"))
        hop = f"{path}:{Y.line(declared)} service `{name}`"
        if build is not None:
            facts += script_refs(path, Y.line(declared), commands_of(argv), hop, built_paths(path, build)[1], service=name,
                                 target=Y.scalar(Y.get(build, "target")) or "")
            if entrypoint is None:
                facts.append(EntrypointArgs(
                    path, Y.line(declared), 1, argument=argv[0] if argv else "", hop=hop,
                    dockerfile=built_paths(path, build)[1], service=name, declared_path=path,
                    declared_line=Y.line(declared), anchor=f"args:{name}"))
        elif image:
            facts += script_refs(path, Y.line(declared), commands_of(argv), hop, "", service=name, image=image)
    signal_node = _field(service, "stop_signal")
    signal = Y.scalar(signal_node)
    if signal_node is not None and signal:
        facts.append(StopSignal(path, Y.line(signal_node), 1, signal=signal.upper(),
                                source=f"compose service `{name}`", process=name, service=name, anchor=f"{name}:stop"))
    return facts


_WORKING_DIR = re.compile(r"^\$(?:\{PWD\}|PWD\b)")
"""A mount source starting at the shell's working directory (`${PWD}/src`)."""
_UNSET_SOURCE = re.compile(r"\$\{\w+\}|\$\w+")
"""A mount's source that is only a variable without a default: the host path each deploy sets."""


def _volume_facts(path: str, name: str, service: dict, replicas: int) -> list[ComposeVolume]:
    """Each volume mounted into the service: source, target, bind or named, read-only."""
    facts = []
    import_dirs = {posixpath.normpath(d) for key, value in _environment(_field(service, "environment"))
                   if key == "PYTHONPATH" for d in value.split(":") if d.startswith("/")}
    working_dir = Y.scalar(_field(service, "working_dir")) or ""
    if working_dir.startswith("/"):
        import_dirs.add(posixpath.normpath(working_dir))
    for entry in Y.sequence(_field(service, "volumes")):
        text = Y.scalar(entry)
        if text is not None:
            # `${DATA_VOLUME:-./data:/app/data}`: the default applies; `${PWD}` is where `docker compose` runs, the
            # compose file's directory in the checkout (`${PWD}:/app` mounts the source like `.:/app`)
            parts = substitute(_WORKING_DIR.sub(".", text), {}).split(":")
            if len(parts) < 2:
                continue
            source, target, mode = parts[0], parts[1], ":".join(parts[2:])
            read_only = "ro" in mode.split(",")
            unset = _UNSET_SOURCE.match(text) if not source else None
            source = unset[0] if unset else source  # `${UPLOAD_PATH}:/upload`: a host path the deploy names
        else:
            source = Y.scalar(Y.get(entry, "source")) or ""
            target = Y.scalar(Y.get(entry, "target")) or ""
            read_only = (Y.scalar(Y.get(entry, "read_only")) or "").lower() == "true"
        mount_type = "bind" if source.startswith((".", "/", "~", "$")) else "named"
        host_path = posixpath.normpath(posixpath.join(posixpath.dirname(path), source)) if source.startswith(".") else ""
        facts.append(ComposeVolume(
            path, Y.line(entry), Y.column(entry), service=name, source=source, target=target, mount_type=mount_type,
            host_path=host_path,
            read_only=read_only, data_like=is_data_path(target), replicas=replicas, scaled=replicas > 1,
            built="build" in service, anchor=f"{name}:{target}",
            import_path=mount_type == "bind" and bool(target) and posixpath.normpath(target) in import_dirs))
    return facts


_SHARED_BY = 2
"""Services mounting one source that make it a shared volume: its mounts are then one finding (judge.rollup folds
two findings about one piece of state). A web service and its worker mounting one `./storage` are one volume to
move, not two problems: on unseen code the second service's finding was judged a duplicate every time."""


def _shared_volumes(facts: list[Fact]) -> list[Fact]:
    """Mark the mounts of a source that several services of the file mount."""
    services: dict[str, set[str]] = {}
    for fact in facts:
        if isinstance(fact, ComposeVolume) and fact.source:
            services.setdefault(fact.source, set()).add(fact.service)
    return [replace(f, shared=True) if isinstance(f, ComposeVolume) and len(services.get(f.source, ())) >= _SHARED_BY else f
            for f in facts]


def _sticky_labels(path: str, name: str, service: dict) -> list[ProxySticky]:
    """Traefik sticky-session labels, in list (`key=value`) or mapping form."""
    labels = _field(service, "labels")
    pairs = []
    if isinstance(labels, yaml.SequenceNode):
        for item in labels.value:
            key, _, value = (Y.scalar(item) or "").partition("=")
            pairs.append((item, key.strip(), value.strip()))
    else:
        pairs = [(key_node, key, Y.scalar(value) or "") for key, (key_node, value) in Y.items(labels).items()]
    return [
        ProxySticky(path, Y.line(node), Y.column(node), how=f"traefik label `{key}`", where=f"service `{name}`",
                    anchor=f"{name}:{key}")
        for node, key, value in pairs
        if key.startswith("traefik.") and ".sticky" in key and value.lower() not in {"false", "0"}
    ]


def _command_text(node) -> str:
    if node is None:
        return ""
    text = Y.scalar(node)
    if text is not None:
        return text
    return " ".join(v for v in (Y.scalar(item) for item in Y.sequence(node)) if v is not None)


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    lines = split_lines(text)
    found = directives.scan_hash_comments(lines)
    try:
        root = Y.compose(text)
    except yaml.MarkedYAMLError as error:
        skip_if_template(text)
        # At end of file the problem mark points past the last line; the context mark is where it began.
        marks = [m for m in (error.problem_mark, error.context_mark) if m is not None]
        mark = next((m for m in marks if m.line < len(lines)), marks[-1] if marks else None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = f"invalid YAML: {error.problem or error.context or error}"
        return FileAnalysis((parse_error(path, reason, line, column),), found)
    except (yaml.YAMLError, RecursionError) as error:
        skip_if_template(text)
        return FileAnalysis((parse_error(path, f"invalid YAML: {type(error).__name__}"),), found)
    services = Y.get(root, "services")
    facts: list[Fact] = []
    awaited = _awaited(Y.items(services))
    secrets: set[tuple[str, str]] = set()
    for name, (key, node) in Y.items(services).items():
        own = _service_facts(path, name, key, Y.items(node), awaited, secrets)
        # a service named for development (`dev`, `web-dev`) is the developers' one, like a compose file so named
        facts += [replace(f, dev_only=True) for f in own] if names_dev_service(name) else own
    facts = _shared_volumes(facts)
    if _test_stack(Y.items(services)):
        facts = [replace(f, ci_only=True) for f in facts]
    elif _development_stack(root, facts, lines):
        facts = [replace(f, dev_only=True) for f in facts]
    return FileAnalysis(tuple(facts), found)


def _on_development_network(root: yaml.Node | None) -> bool:
    """Every service of the file joins networks, and only networks named for development (by key or `name:`)."""
    named = {key: Y.scalar(Y.get(node, "name")) or key for key, (_, node) in Y.items(Y.get(root, "networks")).items()}
    services = Y.items(Y.get(root, "services"))
    if not services or not named:
        return False
    for _, node in services.values():
        joined = Y.get(node, "networks")
        keys = list(Y.items(joined)) or [Y.scalar(item) or "" for item in Y.sequence(joined)]
        if not keys or not all(names_dev(named.get(key, key)) for key in keys):
            return False
    return True


_PREAMBLE = re.compile(r"(?:version|name)\s*:")
"""Top-level keys a compose file may open with before its header comment (`version: "3.4"`)."""


def _development_stack(root: yaml.Node | None, facts: list[Fact], lines: list[str]) -> bool:
    """A compose file for developers, all of it judged as development: its project is named for development
    (`name: hypha-dev`) or every service joins only networks named for development (`open-forms-dev`, the network a
    project's developers run its local stacks on), its header comment says it is not for production, a built service
    bind-mounts the source tree, any service bind-mounts it with a Docker Desktop consistency mode (`./:/code:cached`
    over a pulled image: a Mac developer's checkout run in the project's image), a service declares a development
    environment, runs a script named for development (Open edX's `devstack.sh start`), or tags the image it builds for development
    (`image: local/nyaa:devel`)."""
    services = Y.items(Y.get(root, "services"))
    debugging = {name for name, (_, node) in services.items() if _debugging(Y.items(node))}
    synced = {(name, target) for name, (_, node) in services.items()  # the app's code, not a database's data dir
              if service_role(Y.items(node), name) not in (INFRA, PROXY) for target in _desktop_synced(Y.items(node))}
    return names_dev(Y.scalar(Y.get(root, "name")) or "") or _on_development_network(root) \
        or header_says_development(lines, _PREAMBLE) \
        or any(_mounts_source(f, f.service in debugging) for f in facts if isinstance(f, ComposeVolume)) \
        or any((f.service, f.target) in synced and mounts_source_tree(f, read_only_too=True)
               for f in facts if isinstance(f, ComposeVolume)) \
        or any(f.dev_tag for f in facts if isinstance(f, ComposeService)) \
        or any(_declares_development(Y.items(node)) or _runs_development_script(Y.items(node))
               for _, node in services.values())
