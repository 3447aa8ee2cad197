"""Link phase 1, containers: compose services and the images they run, settled across files.

- A compose service's role (app, infra, proxy) is settled across files: a partial
  definition in an override takes the role of the base file's definition, and a
  service built from the repo takes the role of its Dockerfile's final base image
  (a service built `FROM nginx` is a proxy, not an app).
- A compose service that gives `command:` or `entrypoint:` starts the image of the
  Dockerfile it builds (or, running a prebuilt image, the Dockerfile named after it),
  so that Dockerfile's missing start instruction is supplied; so does a heroku.yml `run:` entry for
  the Dockerfile its `build: docker:` names, and a Procfile beside the Dockerfile, whose commands
  Heroku-style platforms (Dokku, cabotage) run on the image (a root Procfile says nothing of
  `docker/production.Dockerfile`: a buildpack may run it).
- A service that builds nothing and pulls an image not named like the project (`emqx`, `temporalio/ui`) may
  be third-party software: its facts carry the image as `foreign_image`, for rules to state that doubt.
- A Dockerfile whose start runs a server in the development mode its subcommand names (Keycloak's `kc.sh start-dev`,
  `npm run start:dev`), never in another mode, and that no platform file deploys, is an example or CI image of that
  server: development (`dev_only`), with the scripts it starts.
- A compose file kept in one of the project's Python packages (a provider's or plugin's own directory) that builds
  nothing and runs only third-party images (datastores, proxies, images named like nothing of the project) starts the
  service that integration talks to, for developing or testing it: its facts are development (`dev_only`).
- An extra compose file one adds with `-f` (it completes a service another file defines, and no file `extends:`
  from it) is opt-in: its facts carry that `condition`, unless it is named for production.
- A Dockerfile only development compose stacks build is probably the developers' image: its process
  facts (and, when another Dockerfile starts a web server, those of the scripts it starts) are judged as a
  doubt (`dev_image`, with a `condition` that says why), and so is what it bakes in (an `ENV` secret) — unless a Kubernetes
  manifest or Helm chart of the project deploys it (a workload running the project's image). It is the
  developers' image beyond doubt when a stack tags it for development (`image: local/nyaa:devel`), its own ENV
  selects a development settings module (`DJANGO_SETTINGS_MODULE=app.settings.dev`), the
  project names another Dockerfile for production (`docker/prod/Dockerfile`), or only services named for development
  (`romm-dev`, a `docker-compose.dev.yml`) build it while another image of the project no development stack builds
  is production's, or when its header comment says
  so: then its facts, those of the scripts it starts and, when it and its stack have a directory of their own
  (`.docker/`), those of the files beside them are development (`dev_only`).
- So is an image whose own build says development (an `ENV` selecting a development settings module, a RUN installing
  the development dependencies: `uv sync --dev`, `pip install -r requirements-dev.txt`) when a production Procfile in
  its directory or above runs a production web server and nothing else (a Kubernetes manifest, a production compose
  service, another platform file) runs the image: the platform deploys the Procfile; the image is the developers'.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from twelvefactor_lint.analyze import images
from twelvefactor_lint.analyze.shell.programs import WEB_SERVER, program_role
from twelvefactor_lint.devprod import names_dev_service, names_prod_file, selects_development
from twelvefactor_lint.discover.scope import DEV, PROD, classify, is_prod_named
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService, ComposeVolume, InService
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.facts.dockerfile import DockerfileFilesystem, DockerfileVolume, FinalStage, MissingStart
from twelvefactor_lint.facts.kubernetes import Workload
from twelvefactor_lint.facts.platform import EnvVar, SettingsModule
from twelvefactor_lint.facts.process import DevServer, ProcessFact, ProcessStart, StageStart
from twelvefactor_lint.facts.procfile import ProcfileProcess
from twelvefactor_lint.facts.python import FileWrite, PythonFact, Setting
from twelvefactor_lint.link.start_chains import python_targets

_ROLE_OF_BASE = {images.PROXY: "proxy", images.INFRA: "infra"}


def _started_dockerfiles(service: ComposeService, dockerfiles: list[str]) -> list[str]:
    """Dockerfiles whose image a compose service runs: the one it builds, or, for a service that
    runs a prebuilt `image:`, a Dockerfile below the compose file named after the service
    (`api/Dockerfile`, `Dockerfile.api`, `api.Dockerfile` for service `api`)."""
    if service.build_context:
        return [service.built_dockerfile]
    if not service.image:
        return []
    name, base = service.service.lower(), posixpath.dirname(service.path)
    return [
        path for path in dockerfiles
        if (not base or path.startswith(base + "/")) and name in (
            posixpath.basename(posixpath.dirname(path)).lower(),
            posixpath.basename(path).lower().partition(".")[2],
            posixpath.basename(path).lower().rpartition(".")[0],
        )
    ]


def _service_key(fact: InService) -> tuple[str, str]:
    return posixpath.dirname(fact.path), fact.service


def _datastore_builds(services: list[ComposeService], facts: list[Fact]) -> set[tuple[str, str]]:
    """Services built from the repository whose container starts a datastore server (`chroma run /config.yaml`, from
    the build `target:` stage, the final stage, or the service's own `command:`): the project is that database, and
    the service runs it as a backing service, like a pulled `chromadb/chroma` image."""
    own = {(f.path, f.service): f for f in facts if isinstance(f, ProcessStart) and f.level == "formation" and f.service}
    image = {f.path: f for f in facts if isinstance(f, ProcessStart) and f.level == "image"}
    stages = {(f.path, f.stage): f for f in facts if isinstance(f, StageStart)}
    found = set()
    for service in services:
        if not service.build_context:
            continue
        start = own.get((service.path, service.service)) or stages.get((service.built_dockerfile, service.target)) \
            or image.get(service.built_dockerfile)
        program = posixpath.basename(start.main.split()[0]) if start is not None and start.main.split() else ""
        if images.datastore_server(program):
            found.add(_service_key(service))
    return found


def _service_roles(services: list[ComposeService], final_bases: dict[str, str],
                   datastores: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Role per (compose directory, service); base files (shorter names) before their overrides. What a
    definition builds `FROM` outranks what another's image name suggests: a service one file builds `FROM
    postgres` is the database also where another pulls the project's build of it (`acme/shop_db`); so does a
    build whose container starts a datastore server (`datastores`)."""
    roles: dict[tuple[str, str], str] = {}
    built: dict[tuple[str, str], str] = {}
    for service in sorted(services, key=lambda f: (len(f.path), f.path)):
        role = service.role
        if role == "built":
            role = "infra" if _service_key(service) in datastores else \
                _ROLE_OF_BASE.get(final_bases.get(service.built_dockerfile, ""), "app")
            if role != "app":
                built.setdefault(_service_key(service), role)
        if role != "unknown":
            roles.setdefault(_service_key(service), role)
    return roles | built | _released_builds(services, final_bases, built)


def _released_builds(services: list[ComposeService], final_bases: dict[str, str],
                     built: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """A service pulling the image the project publishes of a service it builds elsewhere takes that build's role:
    the deploy's `proxy` pulling `makeplane/plane-proxy` is the `proxy` another compose file builds `FROM caddy`
    (the image named for the service: its last word, after the project's). Only where nothing under the puller's
    own key builds from a Dockerfile the repository holds, which would say more."""
    roles_by_name: dict[str, set[str]] = {}
    for key, role in built.items():
        roles_by_name.setdefault(key[1].lower(), set()).add(role)
    if not roles_by_name:
        return {}
    known = {_service_key(s) for s in services if s.build_context and s.built_dockerfile in final_bases}
    found: dict[tuple[str, str], str] = {}
    for service in services:
        key, name = _service_key(service), service.service.lower()
        if service.build_context or not service.image or key in built or key in known \
                or len(roles := roles_by_name.get(name, set())) != 1:
            continue
        last = images.image_name(_untagged(service.image)).rsplit("/", 1)[-1].lower()
        if last == name or re.split(r"[-_.]", last)[-1] == name and len(last) > len(name):
            found[key] = next(iter(roles))
    return found


_WORDS = re.compile(r"[^a-z0-9]+")
_PLAIN_WORDS = frozenset({"docker", "image", "images", "server", "service", "app", "api", "web", "latest", "library",
                          "official", "public", "backend", "frontend", "worker", "python", "base", "stable", "main",
                          "setup", "auto", "core", "src", "ghcr", "io", "com"})
"""Words too common in image and directory names to tie an image to a project."""


def _words(name: str) -> set[str]:
    return {w for w in _WORDS.split(name.lower()) if len(w) >= 3 and w not in _PLAIN_WORDS}


def _project_words(project: str, facts: list[Fact], paths: Iterable[str]) -> set[str]:
    """The words naming the project: its directory, its top-level directories and Python packages, the
    distribution a pyproject declares, and the images its compose files build."""
    words = _words(project)
    for path in paths:
        if path.endswith(".py") and "/" in path:
            words |= _words(path.split("/", 1)[0])
    for fact in facts:
        if isinstance(fact, Declared) and fact.own:
            words |= _words(fact.own)
        elif isinstance(fact, ComposeService) and fact.build_context and fact.image:
            words |= _words(images.image_name(fact.image))
    return words


def _untagged(image: str) -> str:
    """An image reference without its tag or digest, which may be a variable (`temporalio/ui:${UI_VERSION}`)."""
    head, _, last = image.split("@")[0].rpartition("/")
    return f"{head}/{last.split(':')[0]}" if head else last.split(":")[0]


def _foreign_images(services: list[ComposeService], project: set[str]) -> dict[tuple[str, str], str]:
    """Per service key, the image of a service that builds nothing and pulls an image of no known kind whose
    name shares no word with the project's (a word inside another counts: `searxng` and `searx`)."""
    found: dict[tuple[str, str], str] = {}
    for service in services:
        name = _untagged(service.image)
        if service.build_context or not name or "$" in name or images.image_kind(name) != images.OTHER:
            continue
        words = _words(images.image_name(name))
        if words and not any(w in p or p in w for w in words for p in project if min(len(w), len(p)) >= 4 or w == p):
            found.setdefault(_service_key(service), service.image)
    return found


def _integration_stacks(services: list[ComposeService], foreign: dict[tuple[str, str], str],
                        paths: list[str]) -> set[str]:
    """Compose files kept in a Python package of the project (a provider's or plugin's own directory,
    `keep/providers/graylog_provider/docker-compose.yml` beside its `__init__.py`) that build nothing and run only
    third-party software (datastores, proxies, images named like nothing of the project): the service an integration
    talks to, started to develop or test that integration against — not a deploy of the project."""
    packages = {posixpath.dirname(p) for p in paths if posixpath.basename(p) == "__init__.py"}
    by_file: dict[str, list[ComposeService]] = {}
    for service in services:
        by_file.setdefault(service.path, []).append(service)
    return {path for path, found in by_file.items()
            if posixpath.dirname(path) in packages and not is_prod_named(path) and all(
                not s.build_context and s.image and (_service_key(s) in foreign
                                                     or images.image_kind(_untagged(s.image)) != images.OTHER)
                for s in found)}


def _deployed_images(facts: list[Fact], dockerfiles: list[str], project: set[str]) -> set[str]:
    """Dockerfiles a Kubernetes manifest or Helm chart deploys: a long-running workload with no command of its
    own runs the project's image (one a chart value names, `{{ .Values.image.repository }}`, or one named like
    the project), and it is the project's only Dockerfile or the one named like that image."""
    workloads = [f for f in facts if isinstance(f, Workload) and not f.has_command and not f.one_off
                 and classify(f.path) == PROD]
    own = [f.image for f in workloads if _TEMPLATED.search(f.image) or _words(images.image_name(f.image)) & project]
    if not own:
        return set()
    if len(dockerfiles) == 1:
        return set(dockerfiles)
    named = set().union(*(_words(images.image_name(image)) for image in own))
    by_name = {d for d in dockerfiles if _words(posixpath.basename(posixpath.dirname(d)) + " " + posixpath.basename(d))
               & named}
    if by_name:
        return by_name
    # a chart value names the image (`{{ .Values.image.name }}/{{ .Chart.Name }}`): the Dockerfiles kept with the
    # manifests, under the same deploy directory (`_infra/docker/Dockerfile` beside `_infra/helm/`)
    tops = {f.path.split("/", 1)[0] for f in workloads if "/" in f.path}
    return {d for d in dockerfiles if "/" in d and d.split("/", 1)[0] in tops}


def _superseded(dockerfiles: list[str], deployed: set[str], started: set[str]) -> dict[str, str]:
    """A plain root `Dockerfile` nothing starts when the project's manifests deploy the image of another
    (`_infra/docker/Dockerfile`, which CI builds): probably the developers' (`make docker`): a doubt, with why."""
    if not deployed or "Dockerfile" in deployed | started or "Dockerfile" not in dockerfiles:
        return {}
    return {"Dockerfile": f"if this image is deployed: the project's Kubernetes manifests deploy "
                          f"`{sorted(deployed)[0]}`'s image"}


_TEMPLATED = re.compile(r"TEMPLATE|\$|\{\{")
"""An image a chart value or variable names (the Helm reader shows a template expression as `TEMPLATE`)."""


_DEVELOPMENT_IMAGE = "if this image is deployed: only development compose stacks build it"


def _development_images(services: list[ComposeService], dockerfiles: list[str],
                        platform_started: set[str]) -> dict[str, list[ComposeService]]:
    """Dockerfiles only development compose stacks build (a live-reload stack, a file named for development),
    when no platform file (heroku.yml, a Procfile, a Kubernetes manifest) starts them either, with those stacks'
    services that build them."""
    builders: dict[str, list[ComposeService]] = {}
    for service in services:
        for dockerfile in _started_dockerfiles(service, dockerfiles) if service.build_context else []:
            builders.setdefault(dockerfile, []).append(service)
    return {dockerfile: stacks for dockerfile, stacks in builders.items()
            if dockerfile not in platform_started and not is_prod_named(dockerfile)
            and all(s.dev_only or classify(s.path) == DEV for s in stacks)}


def _developers_images(development: dict[str, list[ComposeService]], final_stages: list[FinalStage],
                       facts: list[Fact]) -> set[str]:
    """Development images beyond doubt: a Dockerfile whose header comment says so (its facts are `dev_only`), or one
    only development stacks build that a stack tags for development (`image: local/nyaa:devel`), whose own ENV
    selects a development settings module (`DJANGO_SETTINGS_MODULE=app.settings.dev`) or beside which the project
    names another Dockerfile for production (`docker/prod/Dockerfile`, `Dockerfile.prod`): the production image is
    that one, or when only services named for development build it (`romm-dev`, a `docker-compose.dev.yml`) and the
    project has another image no development stack builds (`docker/Dockerfile`): production's image is that one.
    (A development stack may also build and override the only image there is, and an image that runs
    `manage.py runserver` may be the only one a project deploys: a doubt.)"""
    production = {f.path for f in final_stages if any(names_prod_file(part) for part in f.path.split("/"))}
    for_development = {f.path for f in facts
                       if isinstance(f, SettingsModule) and selects_development("DJANGO_SETTINGS_MODULE", f.module)}
    # images of their own that no development stack builds: what production runs when the developers' is named so
    others = {f.path for f in final_stages if not f.dev_only} - set(development)
    return {f.path for f in final_stages if f.dev_only} | {
        dockerfile for dockerfile, stacks in development.items()
        if any(s.dev_tag for s in stacks) or dockerfile in for_development or production - {dockerfile}
        or all(_named_for_development(s) for s in stacks) and others - {dockerfile}}


_CONFIG_FILE = re.compile(r"(?i)\.(json|ya?ml|conf|cfg|ini|toml|xml|properties|ldif|jar|pem|crt|lua|js|html?)$")
"""Suffixes of configuration and definition files (a realm export, a server config, a plugin jar)."""


def _beside_a_procfile_deploy(facts: list[Fact], services: list[ComposeService], dockerfiles: list[str],
                              deployed: set[str]) -> set[str]:
    """Images whose own build says development — an `ENV` selecting a development settings module
    (`DJANGO_SETTINGS_MODULE=core.settings_dev`) or a RUN installing the development dependencies (`uv sync --dev`,
    `pip install -r requirements-dev.txt`) — when a production Procfile in their directory (or above it) runs a
    production web server (`web: gunicorn core.wsgi`): the platform deploys that (a buildpack, or the Procfile's
    commands in place of the image's own), and no Kubernetes manifest, production compose service or other platform
    file runs the image: the developers' image."""
    web_procfiles = {posixpath.dirname(f.path) for f in facts if isinstance(f, ProcessStart) and f.main_role == "web_server"
                     and posixpath.basename(f.path) == "Procfile" and classify(f.path) == PROD and not f.dev_only}
    if not web_procfiles:
        return set()
    for_development = {f.path for f in facts
                       if isinstance(f, SettingsModule) and selects_development("DJANGO_SETTINGS_MODULE", f.module)}
    dev_installs = {f.path for f in facts if isinstance(f, DockerfileFilesystem) and not f.target and f.dev_install}
    started_elsewhere = {f.built_dockerfile for f in facts if isinstance(f, ProcessStart) and f.built_dockerfile
                         and not f.dev_only and classify(f.path) == PROD}
    built_for_production = {d for s in services if s.build_context and not (s.dev_only or classify(s.path) == DEV)
                            for d in _started_dockerfiles(s, dockerfiles)}
    return {dockerfile for dockerfile in dockerfiles
            if dockerfile in for_development | dev_installs and not is_prod_named(dockerfile)
            and dockerfile not in deployed | started_elsewhere | built_for_production
            and any(_within(dockerfile, directory) for directory in web_procfiles)}


_CNB_DESCRIPTOR = "project.toml"
"""Cloud Native Buildpacks' project descriptor (`[io.buildpacks]`): `pack build` (a paketo builder in CI) reads it and
builds the image from the source and its Procfile, not from a Dockerfile."""


def _beside_a_buildpack_build(facts: list[Fact], services: list[ComposeService], dockerfiles: list[str],
                              deployed: set[str], exists: Callable[[str], bool]) -> dict[str, str]:
    """Dockerfiles beside a production Procfile whose `web` runs a production server (`web: gunicorn wsgi:app`) in a
    project that builds its images with Cloud Native Buildpacks (a `project.toml` beside that Procfile, or at the
    root): the buildpack image runs the Procfile, so the Dockerfile (`CMD ["flask", "run"]`) is probably the
    developers' — unless a Kubernetes manifest, a production compose service or another platform file runs it.
    Dockerfile -> the doubt, with why."""
    webs = {posixpath.dirname(f.path): f for f in facts if isinstance(f, ProcessStart) and f.main_role == "web_server"
            and posixpath.basename(f.path) == "Procfile" and f.process == "web" and classify(f.path) == PROD
            and not f.dev_only}
    built = {d: posixpath.join(d, _CNB_DESCRIPTOR) for d in webs if exists(posixpath.join(d, _CNB_DESCRIPTOR))}
    if not built and "" not in webs and exists(_CNB_DESCRIPTOR):
        built = {d: _CNB_DESCRIPTOR for d in webs}
    if not built:
        return {}
    started_elsewhere = {f.built_dockerfile for f in facts if isinstance(f, ProcessStart) and f.built_dockerfile
                         and not f.dev_only and classify(f.path) == PROD}
    built_for_production = {d for s in services if s.build_context and not (s.dev_only or classify(s.path) == DEV)
                            for d in _started_dockerfiles(s, dockerfiles)}
    doubts: dict[str, str] = {}
    for dockerfile in dockerfiles:
        if is_prod_named(dockerfile) or dockerfile in deployed | started_elsewhere | built_for_production:
            continue
        home = max((d for d in built if posixpath.dirname(dockerfile) == d), default=None)
        if home is not None:
            web = webs[home]
            doubts[dockerfile] = (f"if this image is deployed: the project builds its production image with Cloud Native "
                                  f"Buildpacks ({built[home]}), which run {web.source} (`{web.main}`)")
    return doubts


_STARTS_CONTAINERS = re.compile(r"(^|[\s;&|(])(docker-compose|docker\s+compose|podman-compose)\s")
"""A command that starts containers: no platform dyno runs one, a developer's process runner does."""
_LOCAL_URL = re.compile(r"^\s*(?:\w+=\S*\s+)*?(\w+)=\S*(?://|@)(?:localhost|127\.0\.0\.1)\b")
"""A command's own environment prefix pointing a variable at this machine (`DATABASE_URL=postgis://u:p@localhost:5405/db
./manage.py runserver`): the developer's own database."""


def _local_procfiles(facts: list[Fact]) -> dict[str, str]:
    """Procfiles that are a developer's process list, not a platform's, while another start of the project runs a
    production server (an image's `uwsgi`, a compose service's `gunicorn`): one of its process types starts
    containers (`db: docker-compose up db`), or a line points a variable at localhost (`web: DATABASE_URL=...@localhost
    ./manage.py runserver`). (A Procfile runner among the dependencies, honcho, is not enough: many run the very
    Procfile their platform runs.) Procfile -> the doubt, with why."""
    lines = [f for f in facts if isinstance(f, ProcfileProcess)]
    if not lines:
        return {}
    server = next(((f.path, f.main) for f in facts if isinstance(f, ProcessStart) and not f.dev_only
                   and posixpath.basename(f.path) != "Procfile" and _runs_a_server(f.main)), None)
    if server is None:
        return {}
    doubts: dict[str, str] = {}
    for path in sorted({f.path for f in lines}):
        mine = [f for f in lines if f.path == path]
        why = next((f"`{f.type}` starts containers (`{f.command}`)" for f in mine if _STARTS_CONTAINERS.search(f.command)),
                   "")
        why = why or next((f"`{f.type}` points `{m[1]}` at localhost" for f in mine
                           if (m := _LOCAL_URL.match(f.command))), "")
        if why:
            doubts[path] = (f"if a platform runs this Procfile: it is probably a developer's process list ({why}), "
                            f"and {server[0]} starts `{server[1]}`")
    return doubts


def _runs_a_server(command: str) -> bool:
    """The command runs a production web server, maybe behind a wrapper that execs its arguments
    (`custom-entrypoint uwsgi --show-config`)."""
    words = tuple(command.split())
    return any(program_role(words[i:]) == WEB_SERVER for i in range(min(len(words), 4)))


def _within(path: str, directory: str) -> bool:
    return not directory or path.startswith(directory + "/")


def code_mounts(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    """A bind mount at the service's import path (`working_dir`, or on `PYTHONPATH`) of a project directory holding
    Python files (`./examples:/data` carrying the demo's `tasks.py` that `celery -A tasks` imports) supplies code, not
    state: not data, unless code in that directory writes a file. Run last: the modules under the mount are read
    by then (reachability reads some lazily)."""
    mounts = [f for f in facts if isinstance(f, ComposeVolume) and f.import_path and f.data_like and f.host_path
              and f.host_path not in {".", ""}]
    if not mounts:
        return facts
    writers = {f.path for f in facts if isinstance(f, FileWrite)}
    listed = list(paths)
    code: dict[int, Fact] = {}
    for mount in mounts:
        inside = [p for p in listed if p.startswith(mount.host_path + "/")]
        if any(p.endswith(".py") for p in inside) and not writers & set(inside):
            code[id(mount)] = replace(mount, data_like=False)
    return [code.get(id(f), f) for f in facts] if code else facts


def _config_file_mounts(facts: list[Fact], exists: Callable[[str], bool]) -> list[Fact]:
    """A bind mount of one file of the repository (`./keep-realm.json:/opt/keycloak/data/import/realm.json`) whose name
    is a configuration or definition file's puts configuration into the container, not state: not data, unless code of
    the project writes a file of that name."""
    mounts = [f for f in facts if isinstance(f, ComposeVolume) and f.data_like and f.mount_type == "bind"
              and _CONFIG_FILE.search(f.host_path) and exists(f.host_path)]
    if not mounts:
        return facts
    written = " ".join(f.target for f in facts if isinstance(f, FileWrite))
    config: dict[int, Fact] = {id(f): replace(f, data_like=False) for f in mounts
                               if posixpath.basename(f.host_path) not in written}
    return [config.get(id(f), f) for f in facts]


_APP_FILES = re.compile(r"(?i)(^|/)(media|mediafiles|uploads?|attachments|userfiles|documents|avatars)(/|$)")
"""Container paths named for files the app's users give it: app data whoever else mounts them."""
_ROOT_KEYS = re.compile(r"(?i)MEDIA|UPLOAD|FILE|STORAGE|DATA")
"""Settings and variables naming a directory the app writes below (`MEDIA_ROOT`, `DATA_DIR`)."""


def _backing_volumes(facts: list[Fact], services: list[ComposeService], roles: dict[tuple[str, str], str]) -> list[Fact]:
    """Named volumes holding a backing service's own data (GeoServer's data directory, a raw-data sync volume a map
    server and its database mount): a service running a pulled image (it builds nothing; an image none of the other
    mounting services runs; not a proxy, which serves the app's files) mounts the volume, and the app services mount
    it at paths nothing of the project says it writes — no settings path or compose variable naming the path (or a
    directory under it), no written file's path spelling it, not a media or upload directory. Each mount gets
    `backing_owner`, for TF616 to tell that service's storage from the app's."""
    by_service = {(s.path, s.service): s for s in services}
    groups: dict[tuple[str, str], list[ComposeVolume]] = {}
    for fact in facts:
        if isinstance(fact, ComposeVolume) and fact.mount_type == "named" and fact.source:
            groups.setdefault((fact.path, fact.source), []).append(fact)
    paths = [(f.key, f.value) for f in facts if isinstance(f, Setting) and f.value.startswith("/")] + [
        (f.name, f.value) for f in facts if isinstance(f, EnvVar) and f.value.startswith("/")]
    written = " ".join(f.target for f in facts if isinstance(f, FileWrite))

    def app_writes(target: str) -> bool:
        target = target.rstrip("/") or "/"
        return bool(_APP_FILES.search(target)) or target in written or any(
            value == target or value.startswith(target + "/")
            or _ROOT_KEYS.search(key) and target.startswith(value.rstrip("/") + "/") for key, value in paths)

    marked: dict[int, Fact] = {}
    for mounts in groups.values():
        found = {m.service: by_service.get((m.path, m.service)) for m in mounts}
        if len(found) < 2 or any(s is None for s in found.values()):
            continue

        def pulled(name: str, found: dict[str, ComposeService | None] = found) -> str:
            service = found[name]
            if service is None or service.build_context:
                return ""
            image = service.image
            others = {s.image for n, s in found.items() if n != name and s}
            if not image or "$" in image or image in others or roles.get(_service_key(service)) == "proxy":
                return ""
            return image

        owners = [(m.service, image) for m in mounts if (image := pulled(m.service))]
        apps = [m for m in mounts if not pulled(m.service)]
        if owners and apps and not any(app_writes(m.target) for m in apps):
            owner = " and ".join(dict.fromkeys(f"`{name}` (`{image}`)" for name, image in owners))
            marked.update({id(m): replace(m, backing_owner=owner) for m in mounts})
    return [marked.get(id(f), f) for f in facts] if marked else facts


def _dev_mode_images(facts: list[Fact], dockerfiles: list[str], deployed: set[str]) -> set[str]:
    """Images whose start (their CMD or ENTRYPOINT, or a script it runs) starts a server in the development mode it
    names (`kc.sh start-dev`: Keycloak's own word that it is not for production), and that no platform file deploys:
    a development or CI image (a local identity provider), not the production process."""
    return {image for f in facts if isinstance(f, ProcessStart) and f.dev_mode
            for image in (f.started_by_path or f.path,) if image in dockerfiles and image not in deployed}


def _named_for_development(service: ComposeService) -> bool:
    """A compose service named for development (`romm-dev`, `web-dev`) or defined in a compose file so named
    (`docker-compose.dev.yml`, `dev/docker-compose.yml`): its developers say what it is for, where a live-reload
    mount only suggests it."""
    return names_dev_service(service.service) or classify(service.path) == DEV


def _scripts_only_development_runs(facts: list[Fact], developers: set[str], development: set[str]) -> dict[str, str]:
    """Python files that only the developers' images run as a script (`CMD ["python", "app.py"]` in a mock service's
    image that only a development stack builds): file -> "" when every image running it is the developers' beyond
    doubt, else the doubt (`if this image is deployed: ...`). A file any other declared process runs is not here."""
    runners: dict[str, list[str]] = {}
    for start in (f for f in facts if isinstance(f, ProcessStart) and f.main_role == "app"):
        base = posixpath.dirname(start.path)
        image = start.started_by_path or start.path
        where = "" if start.dev_only or image in developers else _DEVELOPMENT_IMAGE if image in development else None
        for target in python_targets(start.main.split()):
            runners.setdefault(posixpath.normpath(posixpath.join(base, target)), []).append(
                "?" if where is None else where)
    return {path: ("" if all(w == "" for w in found) else _DEVELOPMENT_IMAGE)
            for path, found in runners.items() if "?" not in found}


def _dev_image_services(services: list[ComposeService], dockerfiles: list[str],
                        developers: set[str]) -> set[tuple[str, str]]:
    """Compose services whose command runs in the developers' image: one the Dockerfile's path names for development
    (`dev_docker/Dockerfile`, `Dockerfile.dev`), or one settled as the developers' (`developers`), while the project
    has another image of its own for production. The stack (a preview platform's compose file too) runs the
    development image; what its command starts is development."""
    production = [d for d in dockerfiles if classify(d) != DEV and d not in developers]
    if not production:
        return set()
    return {(s.path, s.service) for s in services if s.build_context and s.built_dockerfile
            and not is_prod_named(s.built_dockerfile)
            and (classify(s.built_dockerfile) == DEV or s.built_dockerfile in developers)}


def _stack_directories(developers: set[str], services: list[ComposeService], dockerfiles: list[str]) -> set[str]:
    """Directories of their own (`.docker/`, `docker/`, not the root) holding a developers' image and the development
    compose stack that builds it, and no other image: each file in them belongs to that stack (the entrypoint it
    starts, the config it appends)."""
    stacks = {posixpath.dirname(s.path) for s in services
              if s.built_dockerfile in developers and posixpath.dirname(s.built_dockerfile) == posixpath.dirname(s.path)}
    return {directory for directory in stacks
            if directory and all(d in developers for d in dockerfiles if posixpath.dirname(d) == directory)}


_AUTO_LOADED = re.compile(r"^(docker-)?compose(\.override)?\.ya?ml$")
"""The files `docker compose up` reads without `-f`: the default file and its override."""


def _opt_in_files(services: list[ComposeService]) -> dict[str, str]:
    """Extra compose files one adds with `-f` to the file they extend (`docker-compose.nodeodm.yml` adds an optional
    processing node and points the base file's `webapp` at it), each with the condition its facts carry: a file that
    completes a service it does not define (no `image:`, `build:` or `extends:`) never runs alone, and `docker compose
    up` does not read it. Not the auto-loaded files, not one named for production (`docker-compose.prod.yml`: the
    deploy), and not a base other files' services `extends:` (`docker-compose.base.yml`)."""
    bases = {s.extends for s in services if s.extends and s.extends != s.path}
    partial = {s.path for s in services if s.partial}
    return {path: f"when `{posixpath.basename(path)}` is added with `-f` to the compose file it extends"
            for path in partial - bases
            if not _AUTO_LOADED.match(posixpath.basename(path).lower()) and not is_prod_named(path)}


def link(facts: list[Fact], project: str = "", paths: Iterable[str] = (),
         exists: Callable[[str], bool] = lambda rel: False) -> list[Fact]:
    """`project`: the project root directory's name; `paths`: every discovered file of the project; `exists`: whether
    a file (any file) is in the project."""
    facts = _config_file_mounts(facts, exists)
    services = [f for f in facts if isinstance(f, ComposeService)]
    paths = list(paths)
    project_words = _project_words(project, facts, paths)
    foreign = _foreign_images(services, project_words)
    fixtures = _integration_stacks(services, foreign, paths)
    final_stages = [f for f in facts if isinstance(f, FinalStage)]
    roles = _service_roles(services, {f.path: f.base_kind for f in final_stages}, _datastore_builds(services, facts))
    dockerfiles = [f.path for f in final_stages]
    starters: dict[str, str] = {}
    for start in (f for f in facts if isinstance(f, ProcessStart) and f.built_dockerfile):
        starters.setdefault(start.built_dockerfile, f"{start.source} in {start.path}:{start.line}")
    procfiles = {posixpath.dirname(f.path): f.path for f in facts
                 if isinstance(f, ProcessStart) and posixpath.basename(f.path) == "Procfile"}
    for dockerfile in dockerfiles:  # Heroku, Dokku and their kin run the Procfile's commands on the image
        procfile = procfiles.get(posixpath.dirname(dockerfile))
        if procfile:
            starters.setdefault(dockerfile, f"the process types of {procfile}")
    deployed = _deployed_images(facts, dockerfiles, project_words)
    development = _development_images(services, dockerfiles, set(starters) | deployed)
    built = {s.built_dockerfile for s in services if s.build_context}
    superseded = _superseded(dockerfiles, deployed, set(starters) | built)
    servers = {f.path for f in facts if isinstance(f, ProcessStart) and f.path in dockerfiles
               and f.main_role == "web_server"}
    developers = _developers_images(development, final_stages, facts) | _dev_mode_images(facts, dockerfiles, deployed) \
        | _beside_a_procfile_deploy(facts, services, dockerfiles, deployed)
    directories = _stack_directories(developers, services, dockerfiles)
    for service in services:
        if service.command or service.entrypoint:
            started = f"service `{service.service}` in {service.path}:{service.line}"
            for dockerfile in _started_dockerfiles(service, dockerfiles):
                starters.setdefault(dockerfile, started)

    dev_builds = _dev_image_services(services, dockerfiles, developers)
    not_deployed = _beside_a_buildpack_build(facts, services, dockerfiles, deployed, exists) | _local_procfiles(facts)
    scripts_of_dev = _scripts_only_development_runs(facts, developers, set(development))

    def linked(fact: Fact) -> Fact:
        if isinstance(fact, InService) and fact.service:
            key = _service_key(fact)
            fact = replace(fact, role=roles.get(key, "unknown"), foreign_image=foreign.get(key, ""))
            in_dev_image = isinstance(fact, ProcessFact) and (fact.path, fact.service) in dev_builds
            return replace(fact, dev_only=True) if in_dev_image else fact
        if isinstance(fact, MissingStart) and fact.path in starters:
            return replace(fact, started_by=starters[fact.path])
        if isinstance(fact, PythonFact) and fact.run_as_process and fact.path in scripts_of_dev:
            why = scripts_of_dev[fact.path]
            return replace(fact, dev_only=True) if not why else replace(fact, condition=fact.condition or why)
        if fact.path in developers or (posixpath.dirname(fact.path) in directories and not is_prod_named(fact.path)) \
                or (isinstance(fact, ProcessFact) and fact.started_by_path in developers):
            return replace(fact, dev_only=True)
        if isinstance(fact, ProcessFact) and (fact.path in development or fact.started_by_path in development
                                              and bool(servers - set(development))):
            return replace(fact, dev_image=True, condition=fact.condition or _DEVELOPMENT_IMAGE)
        if fact.path in development and not isinstance(fact, ProcessFact):  # what the image bakes in (an ENV secret)
            return replace(fact, condition=fact.condition or _DEVELOPMENT_IMAGE)
        if isinstance(fact, ProcessFact) and (doubt := superseded.get(fact.path) or superseded.get(fact.started_by_path)):
            return replace(fact, dev_image=True, condition=fact.condition or doubt)
        if isinstance(fact, DevServer) and (doubt := not_deployed.get(fact.path) or not_deployed.get(fact.started_by_path)):
            return replace(fact, condition=fact.condition or doubt)
        return fact

    opt_in = _opt_in_files(services)
    facts = _backing_volumes(facts, services, roles)

    def opted(fact: Fact) -> Fact:
        addition = opt_in.get(fact.path)
        return replace(fact, condition=fact.condition or addition) if addition and not fact.dev_only else fact

    facts = [replace(fact, dev_only=True) if fact.path in fixtures else fact for fact in (linked(opted(f)) for f in facts)]
    return _image_volumes(facts, services, dockerfiles, project_words)


_REPORTED_BASES = ("language", "other")
"""The base kinds whose data `VOLUME`s TF616 reports (not a datastore's or a proxy's image)."""


def _image_volumes(facts: list[Fact], services: list[ComposeService], dockerfiles: list[str],
                   project: set[str]) -> list[Fact]:
    """A production compose service mounting a volume at the very path its image declares a data `VOLUME` (SickChill's
    `VOLUME /data` and the compose file's `/docker/sickchill/data:/data`) is one problem: the image keeps its data
    there, the compose file only says where on the host. The Dockerfile's `VOLUME` keeps it (`places`: the mounts),
    each plain mount gets `image_volume` (not one on several replicas, nor a shared or backing service's volume, each
    of which says more). The image a service runs: the one it builds, or, for an image named like the project
    (`sickchill/sickchill`), the project's only production Dockerfile (a dev container's `.devcontainer/Dockerfile`
    builds no image anyone pulls), or the ones named like the image. A `VOLUME` naming several paths (`VOLUME
    /usr/src/paperless/data /usr/src/paperless/media`) is each of them."""
    volumes: dict[tuple[str, str], DockerfileVolume] = {
        (f.path, posixpath.normpath(target)): f for f in facts if isinstance(f, DockerfileVolume) and f.data_like
        and f.base_kind in _REPORTED_BASES and not f.datastore and not f.dev_only for target in f.target.split()}
    if not volumes:
        return facts
    developing = {f.path for f in facts if isinstance(f, FinalStage) and f.dev_only}
    released = [d for d in dockerfiles if d not in developing and classify(d) == PROD]
    runs: dict[tuple[str, str], list[str]] = {}
    for service in services:
        if service.build_context:
            runs[(service.path, service.service)] = [service.built_dockerfile]
        elif service.image and _words(images.image_name(_untagged(service.image))) & project:
            named = _words(images.image_name(_untagged(service.image)))
            runs[(service.path, service.service)] = released if len(released) == 1 else [
                d for d in dockerfiles if _words(posixpath.basename(posixpath.dirname(d)) + " " + posixpath.basename(d))
                & named]
    places: dict[int, list[tuple[str, int, int]]] = {}
    marked: dict[int, Fact] = {}
    for fact in facts:
        if not isinstance(fact, ComposeVolume) or fact.dev_only or not fact.data_like or fact.read_only \
                or fact.scaled or fact.shared or fact.backing_owner or fact.foreign_image or fact.role != "app" \
                or classify(fact.path) != PROD:
            continue
        for dockerfile in runs.get((fact.path, fact.service), []):
            volume = volumes.get((dockerfile, posixpath.normpath(fact.target)))
            if volume is not None and (fact.path, fact.line, fact.column) not in places.get(id(volume), []):
                places.setdefault(id(volume), []).append((fact.path, fact.line, fact.column))
                marked[id(fact)] = replace(fact, image_volume=f"{volume.path}:{volume.line}")
                break
    if not marked:
        return facts
    for volume in {id(v): v for v in volumes.values()}.values():
        if id(volume) in places:
            marked[id(volume)] = replace(volume, places=volume.places + tuple(places[id(volume)]))
    return [marked.get(id(f), f) for f in facts]
