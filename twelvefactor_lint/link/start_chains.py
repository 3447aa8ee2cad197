"""Link phase 1, start chains: a start command runs a script that a Dockerfile copied into the image.

A Dockerfile ENTRYPOINT/CMD, or a compose `command:` of a service built from a Dockerfile, may
run a script (`/docker-entrypoint.sh`, `bash start.sh`). `script_candidates` resolves it through
the image's COPY/ADD instructions, WORKDIR and build context to the repository files it may be,
which are read (through `ProjectFiles`) as shell scripts; a Procfile line's script resolves from the
app's root instead. `annotate` then gives every fact from such a script the hop that starts it, so
rules judge the script as the process's own start and messages show the chain. Last, supervisord's
programs are named on the finding about supervisord (`name_supervised_programs`), and Python files a
declared process runs as a script are marked `run_as_process` (`mark_python_entrypoints`).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from twelvefactor_lint.analyze.shell.programs import (
    APP,
    DEV_SERVER,
    INTERPRETER_FLAGS,
    LONG_RUNNING,
    RUN_CMD,
    WEB_SERVER,
    build_step,
    creates,
)
from twelvefactor_lint.devprod import is_dev_arm, names_dev_service, names_prod_file
from twelvefactor_lint.discover.scope import DEV, PROD, classify
from twelvefactor_lint.discover.walk import COMPOSE, S6, kind_of
from twelvefactor_lint.facts import Fact, convert
from twelvefactor_lint.facts.compose import ComposeService, ComposeVolume
from twelvefactor_lint.facts.dockerfile import DockerfileFilesystem, FinalStage
from twelvefactor_lint.facts.platform import EnvVar
from twelvefactor_lint.facts.process import (
    BuildAtStart,
    DevServer,
    EntrypointArgs,
    ExtraProcess,
    MigrationAtStart,
    Pid1Shell,
    ProcessFact,
    ProcessStart,
    ScriptRef,
    ScriptWithoutExec,
)
from twelvefactor_lint.facts.python import PythonFact

if TYPE_CHECKING:
    from twelvefactor_lint.link.reach import Lazy


@dataclass(frozen=True)
class FileRequest:
    """A repository file an image uses at start that discovery cannot recognise by name."""

    rel: str
    kind: str
    """The analyzer to read it with: `shell` for a started script, `supervisord` for a program config,
    `uwsgi` for a uWSGI ini file, `gunicorn_config` for the Python file `gunicorn -c` loads."""
    referrer: str
    """The file that refers to it, whose role (production, dev...) it takes."""

    @property
    def rereads(self) -> bool:
        """A Python file the command gives a role its name does not show: analyzed again as `kind` even
        when discovery analyzed it as a module, and those facts replace the module's."""
        return self.kind in REREAD_KINDS


REREAD_KINDS = frozenset({"gunicorn_config"})


class ProjectFiles(Protocol):
    """What the link stage may ask of the project's files: the runner answers, so link imports no analyzer."""

    def exists(self, rel: str) -> bool:
        """Whether the file is part of the project (analyzed already, or a regular file inside the root)."""
        ...

    def read(self, requests: Sequence[FileRequest]) -> list[Fact]:
        """Analyze the requested files not analyzed or skipped yet (and, once, those a request `rereads`),
        accounting for them; their facts."""
        ...

    def paths(self) -> Iterable[str]:
        """Every discovered file of the project, analyzed or not (a file read only for context is still
        one of the project's own modules)."""
        ...

    def files_under(self, rel: str) -> list[str]:
        """The regular files under a repository directory (a few hundred at most), discovered or not."""
        ...

    def lazy_refs(self) -> Lazy | None:
        """The production modules' refs not analyzed yet, read as reachability comes to them; None when every
        production Python file was analyzed."""
        ...

    def project_name(self) -> str:
        """The project root directory's name (often the repository's): images named like it are the project's."""
        ...

    def head(self, rel: str, size: int) -> bytes | None:
        """The first `size` bytes of a regular file inside the root (`None`: no such file), for a look at what a
        file holds that no analyzer reads (is a copied `.pem` a public key?)."""
        ...


_ONLY_RUNS = frozenset({APP, RUN_CMD})
"""Roles of a program known only to run, not to serve (`python -m whitenoise.compress media`, `"$@"`): last in a script
that a caller runs before starting its own long-running process, it is a step that returns, not the server."""

_CHAIN_DEPTH = 4
"""Scripts started by scripts are followed this many hops deep."""


def link(facts: list[Fact], files: ProjectFiles) -> list[Fact]:
    """Read the scripts (and the scripts they run, a few hops deep), uWSGI ini files and supervisord configs
    images start, then tie their facts to the hop that starts them."""
    started: dict[str, ScriptRef] = {}
    links: list[tuple[ScriptRef, str]] = []
    requests = [FileRequest(rel, "supervisord", dockerfile)
                for dockerfile, rel in supervisor_configs(facts) if files.exists(rel)]
    placed = s6_services_placed(facts, files)
    requests += [FileRequest(rel, S6, dockerfile) for rel, dockerfile in placed.items()]
    for _ in range(_CHAIN_DEPTH):
        for ref, candidates in script_candidates(facts, started, files):
            found = next((rel for rel in candidates if files.exists(rel)), None)
            if found is not None and found != ref.path and (ref, found) not in links:
                links.append((ref, found))
                started.setdefault(found, ref)
                requests.append(FileRequest(found, ref.reads, ref.path))
        if not requests:
            break
        read = [_in_image(f, placed) for f in files.read(requests)]
        replaced = {f.path for f in read} & {r.rel for r in requests if r.rereads}
        facts = [f for f in facts if f.path not in replaced] + read
        requests = []
    return mark_python_entrypoints(beside_managed_dev_servers(name_supervised_programs(mark_host_supervisors(
        dyno_signalled(count_procfile_runs(annotate(development_server_services(facts), links), files), files)))))


_PROCFILE_RUNNERS = frozenset({"honcho", "foreman", "overmind"})
_PROCFILE_OPTION = re.compile(r"(?:^|\s)(?:-f|--procfile)(?:\s+|=)[\"']?([^\s\"']+)")
_PROCFILE_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*:\s*\S")


def count_procfile_runs(facts: list[Fact], files: ProjectFiles) -> list[Fact]:
    """Tell a formation entry's Procfile runner (`honcho start -f Procfile_worker_short`) the process types of the
    Procfile it runs (`supervised_count`): one type behind it hides nothing from the formation, only adds a wrapper."""

    def counted(fact: Fact) -> Fact:
        if not (isinstance(fact, ExtraProcess) and fact.how == "process_manager" and fact.program in _PROCFILE_RUNNERS
                and fact.level == "formation" and not fact.supervised_count):
            return fact
        named = _PROCFILE_OPTION.search(fact.command)
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(fact.path), named[1] if named else "Procfile"))
        text = files.head(rel, 65536) if not rel.startswith("..") else None
        if text is None:
            return fact
        matches = (_PROCFILE_LINE.match(line) for line in text.decode("utf-8", "replace").splitlines())
        types = [m[1] for m in matches if m]
        if not types:
            return fact
        return replace(fact, supervised=", ".join(f"`{t}`" for t in types), supervised_at=rel,
                       supervised_count=len(types))

    return [counted(f) for f in facts]


def development_server_services(facts: list[Fact]) -> list[Fact]:
    """A compose service whose own start serves with a development server (`manage.py runserver`), in a compose file
    not named for production, while another start of the project serves with a production server (a Procfile's
    `web: gunicorn ...`): the service is the developers' (a local or end-to-end stack), whatever its file is named, so
    what its start does besides (`npm install`, a migration, a shell kept as PID 1) is development code (`dev_only`),
    as it is for a script only such a start runs."""
    starts = [f for f in facts if isinstance(f, ProcessStart)]
    production = {f.path for f in starts if f.main_role == WEB_SERVER and not f.dev_only and classify(f.path) != DEV}
    developers = {(f.path, f.service) for f in starts if f.service and f.main_role == DEV_SERVER
                  and kind_of(posixpath.basename(f.path)) == COMPOSE
                  and not any(names_prod_file(part) for part in f.path.split("/"))
                  and production - {f.path}}
    if not developers:
        return facts
    return [replace(f, dev_only=True) if isinstance(f, ProcessFact) and (f.path, f.service) in developers
            and not f.dev_only else f for f in facts]


_CF_MANIFEST = re.compile(r"(?:^|/)manifest[\w.-]*\.ya?ml$")


def _cloud_foundry(files: ProjectFiles) -> bool:
    """A Cloud Foundry manifest (`manifest.yml`, `manifests/manifest_api_prod.yml`) beside the Procfile."""
    return any(files.exists(name) for name in ("manifest.yml", "manifest.yaml")) \
        or any(_CF_MANIFEST.search(path) for path in files.files_under("manifests"))


def dyno_signalled(facts: list[Fact], files: ProjectFiles) -> list[Fact]:
    """Without a Dockerfile, a Procfile's processes run in a buildpack's dyno, and the dyno manager sends SIGTERM
    to every process of the dyno, not to PID 1 alone (Heroku, and Dokku's herokuish likewise): a shell that does
    not `exec` the program it starts (a `sh -c` line, a script a Procfile line runs) hides nothing from the
    signal there. With a Dockerfile the Procfile may run on the image (Dokku, cabotage), and Cloud Foundry (a
    `manifest.yml`) signals only the start command's process: judged as a container, unless the project shows it
    deploys to Heroku, whose dyno manager signals every process of a dyno (devcenter.heroku.com/articles/
    dyno-shutdown-behavior): `dyno`, a note."""
    signalled = [f for f in facts if isinstance(f, (ScriptWithoutExec, Pid1Shell))
                 and _from_procfile(f.started_by_path or f.path)]
    if not signalled or _cloud_foundry(files):
        return facts
    if not any(isinstance(f, FinalStage) for f in facts):
        return [f for f in facts if f not in signalled]
    if _heroku(files):  # a Dockerfile beside a Procfile the project runs on Heroku (its developers' image): a note
        return [replace(f, dyno=True) if isinstance(f, (ScriptWithoutExec, Pid1Shell)) and f in signalled else f
                for f in facts]
    return facts


def _heroku(files: ProjectFiles) -> bool:
    """Whether the project shows it deploys to Heroku: a `heroku.yml`, a `.heroku/` directory of its own scripts, or
    an app.json (Heroku's app manifest, Dokku reads only its `scripts`) naming Heroku's buildpacks, add-ons or stack."""
    if files.exists("heroku.yml") or files.files_under(".heroku"):
        return True
    manifest = files.head("app.json", 65536) if files.exists("app.json") else None
    return manifest is not None and b"heroku" in manifest.lower()


def _from_procfile(path: str) -> bool:
    return posixpath.basename(path) == "Procfile"


def script_sources(script: str, workdir: str, copies: Sequence[tuple[Sequence[str], str]]) -> list[str]:
    """Build-context paths a script in the image may have been copied from (latest COPY first)."""
    target = posixpath.normpath(posixpath.join(workdir, script))
    found = []
    for sources, dest in reversed(copies):
        dest = posixpath.normpath(dest).rstrip("/")
        for source in sources:
            source = source.rstrip("/") or "."
            if target == dest:
                found.append(source)
            elif target.startswith(dest + "/"):
                rest = target[len(dest) + 1:]
                if rest == posixpath.basename(source):  # a file copied into a directory
                    found.append(posixpath.normpath(source))
                found.append(posixpath.normpath(posixpath.join(source, rest)))  # a directory copied
    return list(dict.fromkeys(found))


def contexts(dockerfile: str, facts: Iterable[Fact]) -> list[str]:
    """Build contexts a Dockerfile is built with: compose `build:` contexts naming it, its own directory,
    and the repository root (`docker build -f deploy/Dockerfile .`, what CI scripts usually run)."""
    contexts = []
    for fact in facts:
        if isinstance(fact, ComposeService) and fact.built_dockerfile == dockerfile:
            contexts.append(fact.built_context)
    contexts += [posixpath.dirname(dockerfile) or ".", "."]
    return list(dict.fromkeys(contexts))


def repository_paths(image: DockerfileFilesystem, path: str, facts: Iterable[Fact]) -> list[str]:
    """Repository paths the file at `path` in the image (relative to its WORKDIR, or absolute) may come from, most
    likely first."""
    return [posixpath.normpath(posixpath.join(context, source)) for context in contexts(image.path, facts)
            for source in script_sources(path, image.workdir, image.copies)]


def script_candidates(facts: list[Fact], started: dict[str, ScriptRef],
                      files: ProjectFiles) -> list[tuple[ScriptRef, list[str]]]:
    """(script reference, repository paths the script may be, most likely first).

    A reference from a Dockerfile or compose file resolves through its image. A reference from a
    script that is itself started (`started`: script path -> the reference that starts it) resolves
    through the image of the chain's first hop, else beside the referring script; it comes back as
    one reference of the whole chain (`Dockerfile:9 CMD -> start.sh:4`), so its findings name every hop.
    A compose service running the project's own published image resolves through the Dockerfile
    that builds it.
    """
    filesystems = {(f.path, f.target): f for f in facts if isinstance(f, DockerfileFilesystem)}
    mounts = _bind_mounts(facts)
    found: list[tuple[ScriptRef, list[str]]] = []
    for ref in [f for f in facts if isinstance(f, ScriptRef)] + _entrypoint_refs(facts, filesystems):
        nearby: list[str] = []
        mounted = mounted_sources(ref.script, mounts.get((ref.path, ref.service), [])) if ref.service else []
        if not ref.dockerfile and ref.image:
            ref = replace(ref, dockerfile=_own_image_dockerfile(ref, facts, files))
        elif not ref.dockerfile and ref.cwd:  # a Procfile line, run from the app's root
            if not ref.script.startswith("/"):
                nearby.append(posixpath.normpath(posixpath.join(ref.cwd, ref.script)))
        elif not ref.dockerfile and ref.rootfs:  # an s6 service file (absolute scripts: under its `/`, below)
            if not ref.script.startswith("/"):
                nearby.append(posixpath.normpath(posixpath.join(posixpath.dirname(ref.path), ref.script)))
        elif not ref.dockerfile:
            parent = started.get(ref.path)
            if parent is None:
                continue
            if not ref.script.startswith("/"):
                nearby.append(posixpath.normpath(posixpath.join(posixpath.dirname(ref.path), ref.script)))
            ref = replace(
                ref, hop=f"{parent.hop} -> {ref.hop}", dockerfile=parent.dockerfile, declared_path=parent.declared_path,
                declared_line=parent.declared_line, root=parent.root or parent.path,
                followed=ref.followed or parent.followed, background=ref.background or parent.background,
                service=parent.service or ref.service, target=parent.target,
                rootfs=parent.rootfs, release=parent.release)
        if ref.rootfs and ref.script.startswith("/"):
            nearby.append(posixpath.normpath(posixpath.join(ref.rootfs, ref.script.lstrip("/"))))
        image = filesystems.get((ref.dockerfile, ref.target)) or filesystems.get((ref.dockerfile, ""))
        if not ref.dockerfile or not names_prod_file(ref.path):
            # a pulled third-party image's own start (a database's entrypoint wrapper) is not the app's; a script
            # another compose file mounts over the image is development wiring the image itself never runs
            mounted = []
        candidates = mounted + (repository_paths(image, ref.script, facts) if image is not None else [])
        candidates += nearby
        if candidates:
            found.append((ref, list(dict.fromkeys(c for c in candidates if not c.startswith("..")))))
    return found


def _bind_mounts(facts: list[Fact]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(compose file, service) -> its bind mounts of repository paths, as (host path, target in the container)."""
    mounts: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for fact in facts:
        if isinstance(fact, ComposeVolume) and fact.mount_type == "bind" and fact.host_path \
                and fact.target.startswith("/"):
            mounts.setdefault((fact.path, fact.service), []).append((fact.host_path, fact.target))
    return mounts


def mounted_sources(script: str, mounts: Sequence[tuple[str, str]]) -> list[str]:
    """Repository paths a compose service's bind mounts put at an absolute script path (`./scripts/init.sh:/init.sh`
    runs `/init.sh` from the repository, whether the image has it or not): the mount hides the image's file, so
    these come first. Only for a service of a compose file named for production running the project's own image:
    a script mounted into a pulled backing service is that service's start, and one a development stack mounts
    is not what a deploy of the image runs (koku's `docker-compose.yml` mounting `run_server.sh`)."""
    if not script.startswith("/"):
        return []
    target = posixpath.normpath(script)
    found = []
    for host, mounted in mounts:
        mounted = posixpath.normpath(mounted).rstrip("/") or "/"
        if target == mounted:
            found.append(posixpath.normpath(host))
        elif target.startswith(mounted.rstrip("/") + "/"):
            found.append(posixpath.normpath(posixpath.join(host, target[len(mounted.rstrip("/")) + 1:])))
    return [f for f in found if not f.startswith("..")]


def _entrypoint_refs(facts: list[Fact], filesystems: dict[tuple[str, str], DockerfileFilesystem]) -> list[ScriptRef]:
    """A compose `command:` is the argument list of the ENTRYPOINT script of the image it builds
    (`command: worker` for a dispatcher entrypoint): a reference to that script with that argument."""
    refs = []
    for args in (f for f in facts if isinstance(f, EntrypointArgs)):
        image = filesystems.get((args.dockerfile, ""))
        if image is not None and image.entrypoint_script:
            refs.append(convert(args, ScriptRef, column=1, script=image.entrypoint_script, followed=False,
                                reads="shell"))
    return refs


def _own_image_dockerfile(ref: ScriptRef, facts: list[Fact], files: ProjectFiles) -> str:
    """The Dockerfile that builds the project's own image a compose service runs: the one a compose service
    builds and tags with that `image:` (`build: .` beside `image: app:latest`, which compose tags so), else,
    for a published image named like the project (`image: ghcr.io/org/app:1.2` in a project with an `app/`
    package), the one beside the compose file, else at the root, else the one named for production
    (`docker/prod/Dockerfile`); "" for anyone else's image."""
    tagged = next((f.built_dockerfile for f in facts if isinstance(f, ComposeService) and f.built_dockerfile
                   and _image_name(f.image) == _image_name(ref.image)), "")
    if tagged:
        return tagged
    name = _image_name(ref.image).rsplit("/", 1)[-1]
    package = name.replace("-", "_")  # `alysivji/busy-beaver` is the project with a `busy_beaver/` package
    directories = {f.path.split("/", 1)[0].lower() for f in facts if "/" in f.path}
    if not name or not ({name, package} & directories or files.exists(f"{package}/__init__.py")):
        return ""
    dockerfiles = {f.path for f in facts if isinstance(f, DockerfileFilesystem)}
    beside = posixpath.join(posixpath.dirname(ref.path), "Dockerfile")
    production = sorted(d for d in dockerfiles if any(names_prod_file(part) for part in d.split("/")))
    return next((d for d in (beside, "Dockerfile", *production) if d in dockerfiles), "")


def _image_name(image: str) -> str:
    """An image reference without its tag or digest (`reg:5000/app:1.2@sha256:...` -> `reg:5000/app`)."""
    image = image.split("@")[0]
    head, _, tail = image.rpartition("/")
    return f"{head}/{tail.split(':')[0]}".lower() if head else tail.split(":")[0].lower()


def supervisor_configs(facts: list[Fact]) -> list[tuple[str, str]]:
    """(Dockerfile, repository file) for each file an image copies into `/etc/supervisor/` or names
    `supervisord.conf`: supervisord reads its programs there, whatever the file is called."""
    found = []
    for image in (f for f in facts if isinstance(f, DockerfileFilesystem) and not f.target):
        base = posixpath.dirname(image.path) or "."
        for sources, dest in image.copies:
            if dest.startswith("/etc/supervisor") or posixpath.basename(dest) == "supervisord.conf":
                found += [(image.path, posixpath.normpath(posixpath.join(base, s))) for s in sources if s.endswith(".conf")]
    return found


_S6_DIRS = ("/etc/s6-overlay/s6-rc.d", "/etc/services.d", "/etc/cont-init.d")


def s6_services_placed(facts: list[Fact], files: ProjectFiles) -> dict[str, str]:
    """Repository file -> the Dockerfile that COPYs it into s6-overlay's service directories from a directory
    not laid out like them (`COPY docker/s6/ /etc/s6-overlay/s6-rc.d/`): in the image it is an s6 service
    file, which discovery cannot tell by its repository path."""
    found: dict[str, str] = {}
    for image in (f for f in facts if isinstance(f, DockerfileFilesystem) and not f.target):
        base = posixpath.dirname(image.path) or "."
        for sources, dest in image.copies:
            dest = posixpath.normpath(dest)
            if not any(dest == d or dest.startswith(d + "/") for d in _S6_DIRS):
                continue
            for source in sources:
                directory = posixpath.normpath(posixpath.join(base, source))
                for rel in files.files_under(directory):
                    in_image = posixpath.join(dest, posixpath.relpath(rel, directory))
                    if kind_of(posixpath.basename(in_image), posixpath.dirname(in_image)) == S6 and kind_of(
                            posixpath.basename(rel), posixpath.dirname(rel)) != S6:
                        found.setdefault(rel, image.path)
    return found


def _in_image(fact: Fact, placed: dict[str, str]) -> Fact:
    """A script reference of an s6 service file an image COPYs in resolves through that image
    (`/app/migrate.sh` in a oneshot's `up` is where the Dockerfile put it)."""
    dockerfile = placed.get(fact.path)
    if dockerfile and isinstance(fact, ScriptRef) and not fact.dockerfile:
        return replace(fact, dockerfile=dockerfile)
    return fact


def annotate(facts: list[Fact], scripts: list[tuple[ScriptRef, str]]) -> list[Fact]:
    """Give each process fact of a started script the hop that starts it (`started_by`, as messages show
    it, and where the chain is declared: `started_by_path`, `started_by_line`) and the replicas of the
    compose service that runs it, so severity rises with scale as it does for the service itself. Of a
    dispatcher script, only the arms its referrers' first arguments select are kept, each with the hop
    that selects it; with an argument not known here (`$ROLE`) every arm but the development ones
    (`dev*`, `test*`) may run. What only test starts reach is test code; what only development hops start
    (`docker/dev/Dockerfile`, a compose service building `Dockerfile.development`, a development stack's one-off
    task) is development code. A fact from a branch of an `if` on environment variables (`branch`) is kept for the
    hops whose environment may take that branch: the image sets `ENV APP_DOCKER=True`, so the script's `else` of
    `if [[ "$APP_DOCKER" == "True" ]]` (the host install's way) does not run there; a variable a hop leaves unset or
    sets to what is not known (`${X}`, an `env_file:`) may hold anything."""
    refs_of: dict[str, list[ScriptRef]] = {}
    for ref, script in scripts:
        refs_of.setdefault(script, []).append(ref)
    arms_of: dict[str, list[str]] = {}
    for fact in facts:
        if isinstance(fact, (ProcessFact, ScriptRef)) and fact.arm and fact.arm not in arms_of.setdefault(fact.path, []):
            arms_of[fact.path].append(fact.arm)
    replicas = {(f.path, f.service): f.replicas for f in facts if isinstance(f, ProcessStart)}
    serving = _serving(facts)
    filesystems = {(f.path, f.target): f for f in facts if isinstance(f, DockerfileFilesystem)}
    environments = _environments(facts)

    def annotated(fact: Fact) -> Fact | None:
        refs = refs_of.get(fact.path)
        if isinstance(fact, BuildAtStart) and fact.level == "image":  # the Dockerfile's own start command
            fact = _repeated_build(fact, filesystems.get((fact.path, "")))
        if not refs or not isinstance(fact, ProcessFact):
            return fact
        # a script a production image starts: its arms are what a deploy's arguments choose, seen here or not
        in_production = any(not _developers(r, False) for r in refs)
        if fact.arm:
            refs = [r for r in refs if _runs_arm(fact.arm, arms_of[fact.path], r.argument)]
            if not refs:
                return None
        if fact.branch:
            refs = [r for r in refs if any(_may_take(fact.branch, env) for env in environments(r))]
            if not refs:
                return None
        if isinstance(fact, (ExtraProcess, ScriptWithoutExec)) and all(r.background for r in refs):
            return None  # the script itself is the extra process, reported where its starter backgrounds it; not PID 1
        if isinstance(fact, ScriptWithoutExec) and fact.main_role in _ONLY_RUNS:
            # a caller that starts its long-running process after it runs it as a one-shot step that returns: judged
            # only for its other starts (a Procfile `postdeploy:` line running it on its own)
            refs = [r for r in refs if not r.followed]
            if not refs:
                return None
        if isinstance(fact, (MigrationAtStart, BuildAtStart)):
            # a release phase (Procfile `release:`/`postdeploy:`) is where migrations and builds belong: judged only
            # for the other starts of the script (an entrypoint running the release script before its server)
            refs = [r for r in refs if not r.release]
            if not refs:
                return None
        # production speaks first: a development stack's hop last (a compose file that bind-mounts the source is
        # named like any other), then a production file's before others
        ref = min(refs, key=lambda r: (r.dev_only, classify(r.declared_path) != PROD))
        count = replicas.get((ref.root or ref.path, ref.service), 1) if ref.service else 1
        changes: dict[str, Any] = {"started_by": ref.hop, "started_by_path": ref.declared_path,
                                   "started_by_line": ref.declared_line, "replicas": count, "scaled": count > 1}
        if isinstance(fact, MigrationAtStart) and ref.followed:
            changes["followed"] = True
        if all(r.release for r in refs):  # started only by a release-phase one-off (Procfile `release:`)
            changes["release"] = True
        if all(r.ci_only for r in refs):  # started only by a test image (`FROM production AS test`)
            changes["ci_only"] = True
        elif all(classify(r.declared_path) == DEV or not in_production and _developers(r, serving(fact))
                 for r in refs):  # the `webserver` arm only `dev/Dockerfile` selects
            changes["dev_only"] = True
        if isinstance(fact, BuildAtStart):
            image = filesystems.get((ref.dockerfile, ref.target)) or filesystems.get((ref.dockerfile, ""))
            fact = _repeated_build(fact, image)
        return replace(fact, **changes)

    return [f for f in (annotated(f) for f in facts) if f is not None]


def _serving(facts: list[Fact]) -> Callable[[ProcessFact], bool]:
    """Whether a script fact is of a start that serves (a long-running process: a development stack may run the
    production image's own start), by the arm it is in (`""`: any arm of the script). A start whose server is a
    development server (`manage.py runserver`) serves nothing production runs when another start of the project
    serves with a production server (a Procfile's `web: gunicorn ...`, the script's `--docker` arm's gunicorn): a
    development stack running it is the developers' setup."""
    starts = [f for f in facts if isinstance(f, ProcessStart)]
    production = {(f.path, f.arm) for f in starts if f.main_role == WEB_SERVER and not f.dev_only
                  and classify(f.path) != DEV}
    serving = {(f.path, f.arm) for f in starts if f.main_role in LONG_RUNNING
               and not (f.main_role == DEV_SERVER and production - {(f.path, f.arm)})}
    paths = {path for path, _ in serving}

    def serves(fact: ProcessFact) -> bool:
        return (fact.path, fact.arm) in serving if fact.arm else fact.path in paths
    return serves


def _environments(facts: list[Fact]) -> Callable[[ScriptRef], list[dict[str, str]]]:
    """For a hop starting a script, the environments its process may get: variable -> the value from the image's
    `ENV` (of the final stage) and a compose service's `environment:` (which wins), for the ones set to one known
    literal; a variable set otherwise (`${X}`, different values) maps to "" (unknown), and so does any the service's
    `env_file:` may set. An image's own hop runs with its `ENV` alone, and also as each compose service building it."""
    images: dict[str, dict[str, set[str]]] = {}
    services: dict[tuple[str, str], dict[str, set[str]]] = {}
    for var in (f for f in facts if isinstance(f, EnvVar)):
        if var.where == "Dockerfile ENV":
            images.setdefault(var.path, {}).setdefault(var.name, set()).add(var.value)
        elif var.service:
            services.setdefault((var.path, var.service), {}).setdefault(var.name, set()).add(var.value)
    building: dict[str, list[tuple[str, str]]] = {}
    for service in (f for f in facts if isinstance(f, ComposeService) and f.built_dockerfile):
        building.setdefault(service.built_dockerfile, []).append((service.path, service.service))

    def overlaid(image: dict[str, str], service: dict[str, set[str]]) -> dict[str, str]:
        if "*" in service:  # an env_file may set any variable the service does not name
            image = dict.fromkeys(image, "")
        return image | {k: _one(v) for k, v in service.items() if k != "*"}

    def environments(ref: ScriptRef) -> list[dict[str, str]]:
        image = {} if ref.target else {k: _one(v) for k, v in images.get(ref.dockerfile, {}).items()}
        if ref.service:
            return [overlaid(image, services.get((ref.root or ref.path, ref.service), {}))]
        return [image, *(overlaid(image, services.get(unit, {})) for unit in building.get(ref.dockerfile, []))]
    return environments


def _one(values: set[str]) -> str:
    return next(iter(values)) if len(values) == 1 else ""


_PREDICATE = re.compile(r"(\w+)(!?=)(.*)")


def _may_take(branch: str, environment: dict[str, str]) -> bool:
    """Whether a process with `environment` may reach a script branch needing `branch` (`APP_DOCKER!=True && ...`):
    false only when a variable it sets to a known value fails a test."""
    for test in branch.split(" && "):
        match = _PREDICATE.fullmatch(test)
        value = environment.get(match[1], "") if match else ""
        if match and value and (value == match[3]) != (match[2] == "="):
            return False
    return True


def _developers(ref: ScriptRef, serves: bool) -> bool:
    """A hop only development takes: declared in a development file (`dev/Dockerfile`), run in a development image
    (a compose service building `Dockerfile.development`), or a development stack's one-off task that serves nothing
    (`docker compose run compile-requirements` against the bind-mounted source: a developer's tool, not a release),
    or run by a compose service named for development (`dev`, `web-dev`: like a compose file so named)."""
    return classify(ref.declared_path) == DEV or bool(ref.dockerfile) and classify(ref.dockerfile) == DEV \
        or ref.dev_only and not serves or names_dev_service(ref.service)


def _repeated_build(fact: BuildAtStart, image: DockerfileFilesystem | None) -> BuildAtStart:
    """Name the RUN line of the image that already did the build step the start command repeats, and the one whose
    install creates the path the script tests is missing before it runs the command (`guard_built`)."""
    if image is None:
        return fact
    step = build_step(tuple(fact.command.split()))
    line = next((line for done, line in image.built if done == step), None) if step else None
    if line is not None:
        fact = replace(fact, repeats=f"{image.path}:{line}")
    made = next((line for done, line in image.built if creates(done, fact.unless_exists)), None) \
        if fact.unless_exists and "$" not in fact.unless_exists and _in_workdir(fact.unless_exists, image.workdir) \
        else None
    return replace(fact, guard_built=f"{image.path}:{made}") if made is not None else fact


def _in_workdir(path: str, workdir: str) -> bool:
    """A path tested relative to the working directory the image's install ran in, or under it."""
    return not path.startswith("/") or bool(workdir) and path.startswith(workdir.rstrip("/") + "/")


def _runs_arm(arm: str, arms: list[str], argument: str) -> bool:
    """Whether a dispatcher given `argument` as `$1` runs `arm` (the first arm whose pattern matches)."""
    if "$" in argument:
        return not is_dev_arm(arm)
    word = argument
    chosen = next((a for a in arms if any(fnmatch.fnmatchcase(word, p.strip("\"'")) for p in a.split("|"))), None)
    return chosen == arm


_SUPERVISED_SOURCES = {"supervisord": "supervisord program", "init": "s6 longrun", "s6-svscan": "s6 longrun"}
"""A process manager, and how the programs it supervises are declared (s6-overlay's `/init` runs s6's longruns)."""


def name_supervised_programs(facts: list[Fact]) -> list[Fact]:
    """Tell a supervisor finding what it supervises: the `[program:x]` entries of the supervisord
    configs the image copies in, the s6 longruns under s6-overlay's `/init` (`supervised`: `nginx`, `app`;
    `supervised_at`: supervisord.conf:4, 9; `supervised_count`: 2)."""
    programs = [f for f in facts if isinstance(f, ProcessStart) and f.level == "supervised"]
    if not programs:
        return facts

    filesystems = {f.path: f for f in facts if isinstance(f, DockerfileFilesystem) and not f.target}

    def named(fact: Fact) -> Fact:
        if not isinstance(fact, ExtraProcess):
            return fact
        mine = _supervised_by(fact, programs, filesystems)
        if not mine:
            return fact
        return replace(fact, supervised=", ".join(f"`{p.process}`" for p in mine),
                       supervised_at=", ".join(f"{p.path}:{p.line}" for p in mine), supervised_count=len(mine))

    return [named(f) for f in facts]


def _supervised_by(manager: ExtraProcess, programs: list[ProcessStart],
                   filesystems: dict[str, DockerfileFilesystem]) -> list[ProcessStart]:
    """The programs an image's supervisor runs: those of its kind's configs the image copies in, of the config its
    command names when it names one."""
    image = filesystems.get(manager.path)
    if image is None or manager.program not in _SUPERVISED_SOURCES:
        return []
    mine = [p for p in programs if p.source.startswith(_SUPERVISED_SOURCES[manager.program]) and _copied_into(p.path, image)]
    return _named_config(manager.command, mine)


_CONFIG_OPTION = re.compile(r"(?:^|\s)(?:-c|--configuration)(?:\s+|=)[\"']?([^\s\"']+)")


def beside_managed_dev_servers(facts: list[Fact]) -> list[Fact]:
    """Tell an image's process-manager finding (`CMD ["/sbin/my_init"]`, supervisord) the development server that
    what it runs starts (`beside_dev_server`): a boot script the manager runs (`/etc/my_init.d/services.sh` ending in
    `manage.py runserver`) or a program it supervises. Maybe a development container, as a development server run
    beside helpers in one start command is; what else the image's scripts start is judged as that doubt
    (`condition`), the development server itself as it is."""
    servers: dict[str, str] = {}
    for fact in facts:
        if isinstance(fact, DevServer) and fact.level in ("script", "supervised") and fact.started_by_path:
            servers.setdefault(fact.started_by_path, fact.command)
    programs = [f for f in facts if isinstance(f, ProcessStart) and f.level == "supervised"]
    filesystems = {f.path: f for f in facts if isinstance(f, DockerfileFilesystem) and not f.target}
    for manager in (f for f in facts if isinstance(f, ExtraProcess) and f.how == "process_manager"):
        for program in _supervised_by(manager, programs, filesystems):  # a supervised development server
            if program.main_role == DEV_SERVER:
                servers.setdefault(manager.path, program.main)
    managed = {f.path for f in facts if isinstance(f, ExtraProcess) and f.how == "process_manager"
               and f.level == "image" and f.path in servers}
    if not managed:
        return facts

    def told(fact: Fact) -> Fact:
        if not isinstance(fact, ProcessFact):
            return fact
        if isinstance(fact, ExtraProcess) and fact.how == "process_manager" and fact.path in managed:
            return replace(fact, beside_dev_server=fact.beside_dev_server or servers[fact.path])
        if fact.started_by_path in managed and not isinstance(fact, DevServer) and not fact.condition:
            return replace(fact, condition=f"if this image is deployed: its process manager runs a development "
                                           f"server (`{servers[fact.started_by_path]}`)")
        return fact

    return [told(f) for f in facts]


def _named_config(command: str, programs: list[ProcessStart]) -> list[ProcessStart]:
    """The programs of the config file the supervisor's command names (`supervisord -c /app/conf/supervisord.conf`),
    when one of them is in it: a development config copied in beside it (`conf/supervisord-dev.conf`) is not run."""
    match = _CONFIG_OPTION.search(command)
    if match is None:
        return programs
    named = match[1]
    for same in (lambda p: named.endswith("/" + p.path) or named == p.path,
                 lambda p: posixpath.basename(named) == posixpath.basename(p.path)):
        chosen = [p for p in programs if same(p)]
        if chosen:
            return chosen
    return programs


_SUPERVISORD = re.compile(r"(^|[\s/])supervisord(\s|$)")


def mark_host_supervisors(facts: list[Fact]) -> list[Fact]:
    """Mark the supervisord programs of a repository that declares processes (a Dockerfile's CMD, a compose
    command, a Procfile line, a script they run) none of which starts supervisord: the configs are a host (VM)
    install's, where supervisord is the execution environment that captures each program's output (`on_host`).
    With no other declared process, nothing tells where supervisord runs."""
    supervised = [f for f in facts if isinstance(f, ProcessFact) and f.level == "supervised"]
    declared = [f for f in facts if isinstance(f, ProcessStart) and f.level != "supervised"]
    if not supervised or not declared or any(_SUPERVISORD.search(f.command) for f in declared):
        return facts
    return [replace(f, on_host=True) if isinstance(f, ProcessFact) and f.level == "supervised" else f for f in facts]


def _copied_into(path: str, image: DockerfileFilesystem) -> bool:
    """Whether a repository file is among what the Dockerfile COPYs from its own directory."""
    base = posixpath.dirname(image.path)
    relative = posixpath.relpath(path, base or ".")
    if relative.startswith(".."):
        return False
    for sources, _ in image.copies:
        for source in sources:
            source = posixpath.normpath(source)
            if source == "." or relative == source or relative.startswith(source + "/"):
                return True
    return False


def mark_python_entrypoints(facts: list[Fact]) -> list[Fact]:
    """Mark facts in Python files a declared process runs as a script (`python main.py`,
    `python -m app.main`, resolved from the declaring file's directory): their `__main__` block is
    how that process starts, not a developer's shortcut."""
    entrypoints = set()
    for start in (f for f in facts if isinstance(f, ProcessStart) and f.main_role == "app"):
        base = posixpath.dirname(start.path)
        entrypoints |= {posixpath.normpath(posixpath.join(base, target)) for target in python_targets(start.main.split())}
    if not entrypoints:
        return facts
    return [replace(f, run_as_process=True) if isinstance(f, PythonFact) and f.path in entrypoints else f for f in facts]


def python_targets(argv: list[str]) -> set[str]:
    """`python app/main.py` -> {app/main.py}; `python -m app.main` -> {app/main.py, app/main/__main__.py}."""
    words = [w for w in argv[1:] if w not in INTERPRETER_FLAGS]
    if len(words) >= 2 and words[0] == "-m":
        module = words[1].replace(".", "/")
        return {module + ".py", module + "/__main__.py"}
    if words and words[0].endswith(".py") and not words[0].startswith("/"):
        return {words[0]}
    return set()
