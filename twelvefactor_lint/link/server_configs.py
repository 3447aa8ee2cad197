"""gunicorn config files nothing starts the server with.

A Python file named like a gunicorn config (`docker/configs/gunicorn.conf.py`) is read as one by its name alone
(`module_kind` `server_config`). Whether any server uses it is another matter: gunicorn reads a config that a start
names (`-c FILE`, `--config`, `-c python:pkg.conf`, `GUNICORN_CMD_ARGS`), that an image copies to where a start
names it (`COPY deploy/gunicorn.conf.py /app/`), that a volume or ConfigMap mounts, or `./gunicorn.conf.py` in the
directory it starts in. A config no file of the repository names in any of these ways, in a repository whose
production start loads another gunicorn config, is a leftover (an old install's, a template nobody wired up): its
settings describe no running server (`Setting.unused_config` names the start that loads the other one).

The files searched are the project's deploy files (every discovered file but Python modules, plus deploy-named
Python scripts such as a `fabfile.py`) and the Dockerfiles and scripts under a top-level `build/` directory, which
discovery skips as build output though a `build/app/Dockerfile` layout keeps the image's recipe there. A config
that some file names (even a file the linker cannot tie to a start) is never said unused, nor is one when no
production start loading another config is found: then it may be the only trace of how the server runs.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterable
from dataclasses import replace

from twelvefactor_lint.analyze.shell.processes import gunicorn_config
from twelvefactor_lint.discover.scope import DEV, classify
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.process import ScriptRef
from twelvefactor_lint.facts.python import Setting
from twelvefactor_lint.link.start_chains import ProjectFiles

_HEAD = 262144
_BUILD_DIR = "build"
_START_FILE = re.compile(r"(?:^|/)(?:[^/]*dockerfile[^/]*|[^/]*\.dockerfile|[^/]*\.sh|procfile[^/]*|[^/]*compose[^/]*\.ya?ml"
                         r"|[^/]*\.service|[^/]*\.ya?ml|[^/]*\.conf|[^/]*\.ini|makefile)$", re.IGNORECASE)
"""Files under `build/` read as deploy files: Dockerfiles, scripts, Procfiles, compose and manifests, units and
process-manager configs."""
_DEPLOY_SCRIPT = re.compile(r"(?:^|/)(?:fabfile|tasks|deploy[\w-]*|invoke)\.py$")
_AUTO_BESIDE = re.compile(r"(?:^|/)(?:[^/]*dockerfile[^/]*|procfile[^/]*|[^/]*compose[^/]*\.ya?ml|manage\.py|wsgi\.py)$",
                          re.IGNORECASE)
"""Files beside which `./gunicorn.conf.py` is the config a start in that directory reads by default."""


def link(facts: list[Fact], files: ProjectFiles) -> list[Fact]:
    configs = sorted({f.path for f in facts if isinstance(f, Setting) and f.source == "server_config"
                      and f.path.endswith(".py")})
    if not configs:
        return facts
    paths = list(files.paths())
    texts = _deploy_texts(paths, files)
    loads = _other_loads(facts, texts)
    if not loads:
        return facts
    unused: dict[str, str] = {}
    for config in configs:
        if _auto_loaded(config, paths) or any(_names(text, rel, config) for rel, text in texts.items() if rel != config):
            continue
        other = next((how for script, how in loads if not _may_be(script, config)), "")
        if other:
            unused[config] = other
    if not unused:
        return facts
    return [replace(f, unused_config=unused[f.path]) if isinstance(f, Setting) and f.path in unused
            and f.source == "server_config" else f for f in facts]


def _deploy_texts(paths: Iterable[str], files: ProjectFiles) -> dict[str, str]:
    """The project's deploy files, by path: discovered files that are not Python modules (deploy-named Python scripts
    aside), and start files under a top-level `build/` directory."""
    wanted = [rel for rel in paths if not rel.endswith(".py") or _DEPLOY_SCRIPT.search(rel)]
    if not any(rel.startswith(_BUILD_DIR + "/") for rel in wanted):
        wanted += [rel for rel in files.files_under(_BUILD_DIR) if _START_FILE.search(rel)]
    texts: dict[str, str] = {}
    for rel in dict.fromkeys(wanted):
        data = files.head(rel, _HEAD)
        if data is not None:
            texts[rel] = data.decode("utf-8", "replace").replace("\\\r\n", " ").replace("\\\n", " ")
    return texts


def _suffixes(path: str) -> list[str]:
    """`docker/configs/gunicorn.conf.py` -> `docker/configs/gunicorn.conf.py`, `configs/gunicorn.conf.py`: the path
    from each directory down, at least one directory deep (a start or COPY relative to a build context)."""
    parts = path.split("/")
    return ["/".join(parts[index:]) for index in range(len(parts) - 1)]


def _names(text: str, referrer: str, config: str) -> bool:
    """Whether a deploy file's text names the config: its path (from some directory down), its dotted module
    (`python:deploy.gunicorn_conf`), its directory as a whole (`COPY deploy/ /etc/app/`, a volume of it), or its
    bare name from the same directory or the repository root."""
    directory, name = posixpath.split(config)
    if any(suffix in text for suffix in _suffixes(config)):
        return True
    dotted = config.removesuffix(".py").replace("/", ".")
    if "." in dotted and any(suffix.removesuffix(".py").replace("/", ".") in text for suffix in _suffixes(config)):
        return True
    if directory and any(re.search(rf"(?:^|[\s:\"'=\[,(]){pattern}(?=[\s:\"',\])]|$)", text, re.MULTILINE)
                         for pattern in _directory_patterns(directory)):
        return True
    beside = posixpath.dirname(referrer) in (directory, "") if directory else True
    return beside and re.search(rf"(?:^|[^\w./-]|(?:^|[^\w.])\./){re.escape(name)}\b", text,
                                  re.MULTILINE) is not None


def _directory_patterns(directory: str) -> list[str]:
    """How a copy or mount names a directory as a whole: `docker/configs`, `./docker/configs/`, and from a build
    context below the root `configs/` or `./configs` (a single name only with its slash, not a bare word such
    as compose's `configs:` key)."""
    parts = directory.split("/")
    patterns = []
    for index in range(len(parts)):
        suffix = re.escape("/".join(parts[index:]))
        patterns.append(rf"(?:\./)?{suffix}/?" if len(parts) - index > 1 else rf"(?:\./{suffix}/?|{suffix}/)")
    return patterns


def _auto_loaded(config: str, paths: list[str]) -> bool:
    """`gunicorn.conf.py` at the root or beside a start file: gunicorn reads `./gunicorn.conf.py` unasked."""
    directory, name = posixpath.split(config)
    if name != "gunicorn.conf.py":
        return False
    return not directory or any(posixpath.dirname(rel) == directory and _AUTO_BESIDE.search(rel) for rel in paths)


def _may_be(script: str, config: str) -> bool:
    """Whether the file a start names (`-c deploy/gunicorn.conf.py`, `-c gunicorn.conf.py`) may be the config: a
    relative name it ends with. An absolute path is the image's; an image copying the config there names it."""
    script = script.removeprefix("./")
    return not script.startswith("/") and (config == script or config.endswith("/" + script))


def _other_loads(facts: list[Fact], texts: dict[str, str]) -> list[tuple[str, str]]:
    """The configs production starts load with `-c`, with the start in words: the start commands the linker followed
    (a `-c` it reads), and gunicorn command lines of the deploy files, development ones aside."""
    loads = [(f.script, f"{f.path}:{f.line} runs gunicorn -c `{f.script}`") for f in facts
             if isinstance(f, ScriptRef) and f.reads == "gunicorn_config" and not f.dev_only]
    for rel, text in texts.items():
        if classify(rel) == DEV or "gunicorn" not in text:
            continue
        for line in text.splitlines():
            if "gunicorn" not in line:
                continue
            try:
                words = shlex.split(line, comments=True)
            except ValueError:
                words = line.split()
            words = [w.strip("[],\"'") for w in words]
            for index, word in enumerate(words):
                if word.rsplit("/", 1)[-1] == "gunicorn" and (script := gunicorn_config(tuple(words[index:]))):
                    loads.append((script, f"{rel} runs gunicorn -c `{script}`"))
                    break
    return loads
